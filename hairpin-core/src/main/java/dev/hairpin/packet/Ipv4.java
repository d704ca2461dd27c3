package dev.hairpin.packet;

/**
 * IPv4 header layout (RFC 791) and absolute accessors over a byte array; no state, no
 * allocation. {@code off} is the offset of the header's first byte.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |Version|  IHL  |      TOS      |          Total Length         |  0
 * +-------+-------+---------------+-----+-------------------------+
 * |        Identification         |Flags|     Fragment Offset     |  4
 * +---------------+---------------+-----+-------------------------+
 * |      TTL      |   Protocol    |        Header Checksum        |  8
 * +---------------+---------------+-------------------------------+
 * |                        Source Address                         | 12
 * +---------------------------------------------------------------+
 * |                     Destination Address                       | 16
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class Ipv4 {
    private Ipv4() {}

    public static final int MIN_HEADER = 20;
    public static final int TOS = 1;
    public static final int TOT_LEN = 2;
    public static final int ID = 4;
    public static final int FRAG = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECK = 10;
    public static final int SADDR = 12;
    public static final int DADDR = 16;

    public static final int IP_CE = 0x8000;
    public static final int IP_DF = 0x4000;
    public static final int IP_MF = 0x2000;
    public static final int IP_OFFSET = 0x1fff;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static int version(byte[] b, int off) {
        return (b[off] >> 4) & 0xf;
    }

    public static int ihlBytes(byte[] b, int off) {
        return (b[off] & 0xf) << 2;
    }

    public static int tos(byte[] b, int off) {
        return b[off + TOS] & 0xff;
    }

    public static int totLen(byte[] b, int off) {
        return u16(b, off + TOT_LEN);
    }

    public static int id(byte[] b, int off) {
        return u16(b, off + ID);
    }

    /** flags and fragment offset, as the 16-bit field */
    public static int fragOff(byte[] b, int off) {
        return u16(b, off + FRAG);
    }

    public static boolean isFragment(byte[] b, int off) {
        return (fragOff(b, off) & (IP_MF | IP_OFFSET)) != 0;
    }

    public static int ttl(byte[] b, int off) {
        return b[off + TTL] & 0xff;
    }

    public static int protocol(byte[] b, int off) {
        return b[off + PROTOCOL] & 0xff;
    }

    public static int check(byte[] b, int off) {
        return u16(b, off + CHECK);
    }

    public static int saddr(byte[] b, int off) {
        return i32(b, off + SADDR);
    }

    public static int daddr(byte[] b, int off) {
        return i32(b, off + DADDR);
    }

    /** fragment offset in bytes (the 13-bit field counts 8-byte units) */
    public static int fragOffsetBytes(byte[] b, int off) {
        return (fragOff(b, off) & IP_OFFSET) << 3;
    }

    public static boolean moreFragments(byte[] b, int off) {
        return (fragOff(b, off) & IP_MF) != 0;
    }

    public static boolean dontFragment(byte[] b, int off) {
        return (fragOff(b, off) & IP_DF) != 0;
    }

    /** version 4 and the header length in bytes (a multiple of 4, 20..60) */
    public static void setVersionIhl(byte[] b, int off, int ihlBytes) {
        b[off] = (byte) (0x40 | (ihlBytes >>> 2));
    }

    public static void setTos(byte[] b, int off, int tos) {
        b[off + TOS] = (byte) tos;
    }

    public static void setTotLen(byte[] b, int off, int len) {
        put16(b, off + TOT_LEN, len);
    }

    public static void setId(byte[] b, int off, int id) {
        put16(b, off + ID, id);
    }

    /** flags and fragment offset, as the 16-bit field */
    public static void setFragOff(byte[] b, int off, int v) {
        put16(b, off + FRAG, v);
    }

    public static void setTtl(byte[] b, int off, int ttl) {
        b[off + TTL] = (byte) ttl;
    }

    public static void setProtocol(byte[] b, int off, int protocol) {
        b[off + PROTOCOL] = (byte) protocol;
    }

    public static void setCheck(byte[] b, int off, int check) {
        put16(b, off + CHECK, check);
    }

    public static void setSaddr(byte[] b, int off, int addr) {
        put32(b, off + SADDR, addr);
    }

    public static void setDaddr(byte[] b, int off, int addr) {
        put32(b, off + DADDR, addr);
    }

    /**
     * ip_decrease_ttl() (include/net/ip.h): TTL - 1 with the checksum patched, not recomputed.
     * The kernel adds htons(0x0100) to the checksum as a little-endian u16 on x86 and folds the
     * carry with {@code check >= 0xFFFF}; done here on the same representation, so a checksum
     * never comes out as 0xFFFF. Returns the new TTL.
     */
    public static int decreaseTtl(byte[] b, int off) {
        int le = (b[off + CHECK] & 0xff) | (b[off + CHECK + 1] & 0xff) << 8;
        le += 0x0001;
        le = (le + (le >= 0xffff ? 1 : 0)) & 0xffff;
        b[off + CHECK] = (byte) le;
        b[off + CHECK + 1] = (byte) (le >>> 8);
        int ttl = (b[off + TTL] - 1) & 0xff;
        b[off + TTL] = (byte) ttl;
        return ttl;
    }

    // one big-endian load or store each (a bounds check and a byte swap) instead of 2 or 4 byte
    // accesses: these run several times per packet
    private static final java.lang.invoke.VarHandle BE16 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle BE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);

    public static int u16(byte[] b, int i) {
        return (short) BE16.get(b, i) & 0xffff;
    }

    public static int i32(byte[] b, int i) {
        return (int) BE32.get(b, i);
    }

    /** eight bytes big-endian: one load for several header fields */
    public static long i64(byte[] b, int i) {
        return (long) BE64.get(b, i);
    }

    private static final java.lang.invoke.VarHandle BE64 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    public static void put16(byte[] b, int i, int v) {
        BE16.set(b, i, (short) v);
    }

    /** eight bytes big-endian: one store for several header fields */
    public static void put64(byte[] b, int i, long v) {
        BE64.set(b, i, v);
    }

    public static void put32(byte[] b, int i, int v) {
        BE32.set(b, i, v);
    }

    /** Dotted-quad text of an address held in an int (network order in the int's bits). */
    public static String toString(int addr) {
        return ((addr >>> 24) & 0xff) + "." + ((addr >>> 16) & 0xff) + "." + ((addr >>> 8) & 0xff) + "." + (addr & 0xff);
    }

    /** Parses a dotted quad; throws IllegalArgumentException when it is not one. */
    public static int parse(String s) {
        int v = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (parts < 4) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            v = (v << 8) | octet;
            parts++;
            if (parts < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    throw new IllegalArgumentException("not an IPv4 address: " + s);
                }
                i++;
            }
        }
        if (i != n) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        return v;
    }
}
