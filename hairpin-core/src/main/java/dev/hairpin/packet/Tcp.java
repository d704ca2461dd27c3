package dev.hairpin.packet;

/**
 * TCP header layout (RFC 9293) and absolute accessors over a byte array; {@code off} is the
 * offset of the TCP header. The option helpers walk the options exactly as conntrack's
 * {@code tcp_options()} and {@code tcp_sack()} (net/netfilter/nf_conntrack_proto_tcp.c) do.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |  0
 * +-------------------------------+-------------------------------+
 * |                        Sequence Number                        |  4
 * +---------------------------------------------------------------+
 * |                    Acknowledgment Number                      |  8
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * |           Checksum            |         Urgent Pointer        | 16
 * +-------------------------------+-------------------------------+
 * |            Options (Data Offset * 4 - 20 bytes) ...           | 20
 * </pre>
 */
public final class Tcp {
    private Tcp() {}

    public static final int MIN_HEADER = 20;
    public static final int SOURCE = 0;
    public static final int DEST = 2;
    public static final int SEQ = 4;
    public static final int ACK_SEQ = 8;
    public static final int DOFF = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECK = 16;
    public static final int URG_PTR = 18;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public static final int OPT_EOL = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;
    public static final int OPT_WINDOW = 3;
    public static final int OPT_SACK_PERM = 4;
    public static final int OPT_SACK = 5;
    public static final int OPT_TIMESTAMP = 8;
    public static final int OPTLEN_MSS = 4;
    public static final int OPTLEN_WINDOW = 3;
    public static final int OPTLEN_SACK_PERM = 2;
    public static final int OPTLEN_TIMESTAMP = 10;
    public static final int OPTLEN_SACK_BASE = 2;
    public static final int OPTLEN_SACK_PERBLOCK = 8;
    /** RFC 7323: larger shifts are clamped to 14 */
    public static final int MAX_WSCALE = 14;

    /** ip_ct_tcp_state.flags bits that {@link #options} reports */
    public static final int CT_FLAG_WINDOW_SCALE = 0x01;
    public static final int CT_FLAG_SACK_PERM = 0x02;

    public static int source(byte[] b, int off) {
        return Ipv4.u16(b, off + SOURCE);
    }

    public static int dest(byte[] b, int off) {
        return Ipv4.u16(b, off + DEST);
    }

    public static int seq(byte[] b, int off) {
        return Ipv4.i32(b, off + SEQ);
    }

    public static int ackSeq(byte[] b, int off) {
        return Ipv4.i32(b, off + ACK_SEQ);
    }

    /** header length in bytes (Data Offset * 4) */
    public static int doffBytes(byte[] b, int off) {
        return ((b[off + DOFF] >> 4) & 0xf) << 2;
    }

    /** the eight flag bits (FIN .. CWR) */
    public static int flags(byte[] b, int off) {
        return b[off + FLAGS] & 0xff;
    }

    public static boolean has(byte[] b, int off, int flag) {
        return (b[off + FLAGS] & flag) != 0;
    }

    public static int window(byte[] b, int off) {
        return Ipv4.u16(b, off + WINDOW);
    }

    public static int check(byte[] b, int off) {
        return Ipv4.u16(b, off + CHECK);
    }

    public static int urgPtr(byte[] b, int off) {
        return Ipv4.u16(b, off + URG_PTR);
    }

    public static void setSource(byte[] b, int off, int port) {
        Ipv4.put16(b, off + SOURCE, port);
    }

    public static void setDest(byte[] b, int off, int port) {
        Ipv4.put16(b, off + DEST, port);
    }

    public static void setSeq(byte[] b, int off, int seq) {
        Ipv4.put32(b, off + SEQ, seq);
    }

    public static void setAckSeq(byte[] b, int off, int ack) {
        Ipv4.put32(b, off + ACK_SEQ, ack);
    }

    /** header length in bytes (a multiple of 4, 20..60); clears the reserved bits */
    public static void setDoffBytes(byte[] b, int off, int len) {
        b[off + DOFF] = (byte) ((len >>> 2) << 4);
    }

    public static void setFlags(byte[] b, int off, int flags) {
        b[off + FLAGS] = (byte) flags;
    }

    public static void setWindow(byte[] b, int off, int window) {
        Ipv4.put16(b, off + WINDOW, window);
    }

    public static void setCheck(byte[] b, int off, int check) {
        Ipv4.put16(b, off + CHECK, check);
    }

    public static void setUrgPtr(byte[] b, int off, int ptr) {
        Ipv4.put16(b, off + URG_PTR, ptr);
    }

    /** Flag letters in tcpdump's order and notation ("S", "S.", "P.", "R", "F."): for logs and tests. */
    public static String flagString(int flags) {
        StringBuilder s = new StringBuilder(8);
        if ((flags & FIN) != 0) s.append('F');
        if ((flags & SYN) != 0) s.append('S');
        if ((flags & RST) != 0) s.append('R');
        if ((flags & PSH) != 0) s.append('P');
        if ((flags & ACK) != 0) s.append('.');
        if ((flags & URG) != 0) s.append('U');
        if ((flags & ECE) != 0) s.append('E');
        if ((flags & CWR) != 0) s.append('W');
        return s.isEmpty() ? "none" : s.toString();
    }

    /**
     * tcp_options(): the window scale and SACK-permitted options of a (SYN) header. Returns -1 when
     * the header has no option bytes (the kernel then leaves the tracked state untouched), else
     * {@code (flags << 8) | td_scale} with flags {@link #CT_FLAG_WINDOW_SCALE} /
     * {@link #CT_FLAG_SACK_PERM} and td_scale the last well-formed window scale option's shift,
     * clamped to 14 (0 when absent). Walking stops at EOL, a "silly" size (&lt; 2) or an option
     * running past the header, like the kernel's.
     */
    public static int options(byte[] b, int off) {
        int end = optionsEnd(b, off);
        int p = off + MIN_HEADER;
        if (p >= end) {
            return -1;
        }
        int scale = 0;
        int flags = 0;
        for (p = option(b, p, end); p >= 0; p = option(b, p + (b[p + 1] & 0xff), end)) {
            int kind = b[p] & 0xff;
            int size = b[p + 1] & 0xff;
            if (kind == OPT_SACK_PERM && size == OPTLEN_SACK_PERM) {
                flags |= CT_FLAG_SACK_PERM;
            } else if (kind == OPT_WINDOW && size == OPTLEN_WINDOW) {
                scale = Math.min(b[p + 2] & 0xff, MAX_WSCALE);
                flags |= CT_FLAG_WINDOW_SCALE;
            }
        }
        return flags << 8 | scale;
    }

    /** the window scale shift conntrack takes from this header (clamped to 14), -1 if none */
    public static int wscale(byte[] b, int off) {
        int o = options(b, off);
        return o >= 0 && (o >> 8 & CT_FLAG_WINDOW_SCALE) != 0 ? o & 0xff : -1;
    }

    public static boolean sackPermitted(byte[] b, int off) {
        int o = options(b, off);
        return o >= 0 && (o >> 8 & CT_FLAG_SACK_PERM) != 0;
    }

    /**
     * tcp_sack(): the highest SACK right edge of the first well-formed SACK option that lies
     * after {@code ack} in sequence space, or {@code ack} itself when there is none. The tracker
     * uses it in place of the ACK when the receiver allowed SACK.
     */
    public static int sackHighest(byte[] b, int off, int ack) {
        int end = optionsEnd(b, off);
        int sack = ack;
        for (int p = option(b, off + MIN_HEADER, end); p >= 0; p = option(b, p + (b[p + 1] & 0xff), end)) {
            int kind = b[p] & 0xff;
            int size = b[p + 1] & 0xff;
            if (kind == OPT_SACK && size >= OPTLEN_SACK_BASE + OPTLEN_SACK_PERBLOCK
                    && (size - OPTLEN_SACK_BASE) % OPTLEN_SACK_PERBLOCK == 0) {
                for (int i = p + OPTLEN_SACK_BASE; i < p + size; i += OPTLEN_SACK_PERBLOCK) {
                    int right = Ipv4.i32(b, i + 4);
                    if (right - sack > 0) { // after(right, sack)
                        sack = right;
                    }
                }
                break;
            }
        }
        return sack;
    }

    /** the MSS option's value (first well-formed one), -1 if none */
    public static int mss(byte[] b, int off) {
        int end = optionsEnd(b, off);
        for (int p = option(b, off + MIN_HEADER, end); p >= 0; p = option(b, p + (b[p + 1] & 0xff), end)) {
            if ((b[p] & 0xff) == OPT_MSS && (b[p + 1] & 0xff) == OPTLEN_MSS) {
                return Ipv4.u16(b, p + 2);
            }
        }
        return -1;
    }

    /**
     * The option walk of tcp_options()/tcp_sack()/tcp_parse_options(): from {@code p}, skips
     * NOPs and returns the offset of the next option with a sane size that fits before
     * {@code end}; -1 at EOL, the end, a "silly" size (&lt; 2) or an option running past the header.
     */
    public static int option(byte[] b, int p, int end) {
        while (p < end) {
            int kind = b[p] & 0xff;
            if (kind == OPT_EOL) {
                return -1;
            }
            if (kind == OPT_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                return -1;
            }
            int size = b[p + 1] & 0xff;
            return size < 2 || size > end - p ? -1 : p;
        }
        return -1;
    }

    /** end of the option bytes, bounded by the array so a lying Data Offset cannot overrun it */
    public static int optionsEnd(byte[] b, int off) {
        return Math.min(off + doffBytes(b, off), b.length);
    }
}
