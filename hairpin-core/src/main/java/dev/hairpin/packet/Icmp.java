package dev.hairpin.packet;

/**
 * ICMP header layout (RFC 792) and absolute accessors; {@code off} is the offset of the ICMP
 * header. Echo and the other query messages carry an identifier and a sequence number in the
 * second word; errors carry the offending datagram's IP header and 8 bytes after it
 * ({@link #PAYLOAD}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |           Checksum            |  0
 * +---------------+---------------+-------------------------------+
 * |    Identifier (query) / unused, MTU, pointer, gateway (error) |  4
 * |                               |      Sequence Number (query)  |
 * +-------------------------------+-------------------------------+
 * |  data; for errors: the quoted IP header + 64 bits of payload  |  8
 * </pre>
 */
public final class Icmp {
    private Icmp() {}

    public static final int HEADER = 8;
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECK = 2;
    public static final int ID = 4;
    public static final int SEQUENCE = 6;
    /** where an error's quoted IP header starts */
    public static final int PAYLOAD = 8;

    public static final int ECHOREPLY = 0;
    public static final int DEST_UNREACH = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETERPROB = 12;
    public static final int TIMESTAMP = 13;
    public static final int TIMESTAMPREPLY = 14;
    public static final int INFO_REQUEST = 15;
    public static final int INFO_REPLY = 16;
    public static final int ADDRESS = 17;
    public static final int ADDRESSREPLY = 18;

    /** codes of DEST_UNREACH */
    public static final int NET_UNREACH = 0;
    public static final int HOST_UNREACH = 1;
    public static final int PROT_UNREACH = 2;
    public static final int PORT_UNREACH = 3;
    public static final int FRAG_NEEDED = 4;
    public static final int SR_FAILED = 5;
    public static final int NET_UNKNOWN = 6;
    public static final int HOST_UNKNOWN = 7;
    public static final int HOST_ISOLATED = 8;
    public static final int NET_ANO = 9;
    public static final int HOST_ANO = 10;
    public static final int NET_UNR_TOS = 11;
    public static final int HOST_UNR_TOS = 12;
    public static final int PKT_FILTERED = 13;
    public static final int PREC_VIOLATION = 14;
    public static final int PREC_CUTOFF = 15;
    /** codes of TIME_EXCEEDED */
    public static final int EXC_TTL = 0;
    public static final int EXC_FRAGTIME = 1;

    public static int type(byte[] b, int off) {
        return b[off + TYPE] & 0xff;
    }

    public static int code(byte[] b, int off) {
        return b[off + CODE] & 0xff;
    }

    public static int check(byte[] b, int off) {
        return Ipv4.u16(b, off + CHECK);
    }

    /** echo/timestamp/info identifier */
    public static int id(byte[] b, int off) {
        return Ipv4.u16(b, off + ID);
    }

    public static int sequence(byte[] b, int off) {
        return Ipv4.u16(b, off + SEQUENCE);
    }

    /** the second word: MTU of FRAG_NEEDED in its low half, a REDIRECT's gateway ... */
    public static int rest(byte[] b, int off) {
        return Ipv4.i32(b, off + ID);
    }

    public static void setType(byte[] b, int off, int type) {
        b[off + TYPE] = (byte) type;
    }

    public static void setCode(byte[] b, int off, int code) {
        b[off + CODE] = (byte) code;
    }

    public static void setCheck(byte[] b, int off, int check) {
        Ipv4.put16(b, off + CHECK, check);
    }

    public static void setId(byte[] b, int off, int id) {
        Ipv4.put16(b, off + ID, id);
    }

    public static void setSequence(byte[] b, int off, int seq) {
        Ipv4.put16(b, off + SEQUENCE, seq);
    }

    public static void setRest(byte[] b, int off, int v) {
        Ipv4.put32(b, off + ID, v);
    }

    /** icmp_is_err(): the types that quote an offending datagram */
    public static boolean isError(int type) {
        return switch (type) {
            case DEST_UNREACH, SOURCE_QUENCH, REDIRECT, TIME_EXCEEDED, PARAMETERPROB -> true;
            default -> false;
        };
    }

    /**
     * The reply type of a query conntrack can track (echo, timestamp, info, address mask;
     * nf_conntrack_proto_icmp.c's invmap), or -1 for any other type.
     */
    public static int replyType(int type) {
        return switch (type) {
            case ECHO -> ECHOREPLY;
            case ECHOREPLY -> ECHO;
            case TIMESTAMP -> TIMESTAMPREPLY;
            case TIMESTAMPREPLY -> TIMESTAMP;
            case INFO_REQUEST -> INFO_REPLY;
            case INFO_REPLY -> INFO_REQUEST;
            case ADDRESS -> ADDRESSREPLY;
            case ADDRESSREPLY -> ADDRESS;
            default -> -1;
        };
    }
}
