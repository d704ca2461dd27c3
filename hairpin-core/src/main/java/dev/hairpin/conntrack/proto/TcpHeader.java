package dev.hairpin.conntrack.proto;

import dev.hairpin.packet.Ipv4;

/**
 * The parts of the TCP header (RFC 9293) the connection tracker reads, as absolute accessors over
 * a byte array ({@code off} = first byte of the TCP header), and the two option walks of
 * nf_conntrack_proto_tcp.c. Private to the tracker: the packet layer has its own TCP view.
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
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * |           Checksum            |         Urgent Pointer        | 16
 * +-------------------------------+-------------------------------+
 * |                    Options (doff*4 - 20 bytes)                | 20
 * </pre>
 */
final class TcpHeader {
    private TcpHeader() {}

    static final int MIN_LEN = 20;
    static final int SEQ = 4;
    static final int ACK_SEQ = 8;
    static final int DOFF = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    static final int OPT_EOL = 0;
    static final int OPT_NOP = 1;
    static final int OPT_WINDOW = 3;
    static final int OPT_SACK_PERM = 4;
    static final int OPT_SACK = 5;
    static final int OPT_TIMESTAMP = 8;
    static final int OPTLEN_WINDOW = 3;
    static final int OPTLEN_SACK_PERM = 2;
    static final int OPTLEN_TIMESTAMP = 10;
    static final int OPTLEN_SACK_BASE = 2;
    static final int OPTLEN_SACK_PERBLOCK = 8;
    /** NOP, NOP, TIMESTAMP: the layout every Linux segment carries */
    static final int OPTLEN_TSTAMP_ALIGNED = 12;
    static final int TSTAMP_ALIGNED_WORD = OPT_NOP << 24 | OPT_NOP << 16 | OPT_TIMESTAMP << 8 | OPTLEN_TIMESTAMP;
    /** TCP_MAX_WSCALE (RFC 7323) */
    static final int MAX_WSCALE = 14;

    /** what {@link #options} found: the ip_ct_tcp_state flags it sets */
    static final int FLAG_WINDOW_SCALE = 0x01;
    static final int FLAG_SACK_PERM = 0x02;

    static int seq(byte[] b, int off) {
        return Ipv4.i32(b, off + SEQ);
    }

    static int ackSeq(byte[] b, int off) {
        return Ipv4.i32(b, off + ACK_SEQ);
    }

    /** header length in bytes (doff * 4) */
    static int doffBytes(byte[] b, int off) {
        return (b[off + DOFF] >>> 4 & 0xf) << 2;
    }

    /** the flag byte (CWR..FIN) */
    static int flags(byte[] b, int off) {
        return b[off + FLAGS] & 0xff;
    }

    static int window(byte[] b, int off) {
        return Ipv4.u16(b, off + WINDOW);
    }

    /**
     * tcp_options(): the window scale and SACK-permitted options of a header. Returns -1 when the
     * header has no options (the kernel then leaves the state untouched), else the
     * {@code FLAG_*} bits found in the low byte and the window scale (capped at 14) above it.
     * Stops, as the kernel does, at EOL, at a silly or partial option.
     */
    static int options(byte[] b, int off) {
        int length = doffBytes(b, off) - MIN_LEN;
        if (length <= 0) {
            return -1;
        }
        int p = off + MIN_LEN;
        int flags = 0;
        int scale = 0;
        while (length > 0) {
            int opcode = b[p++] & 0xff;
            if (opcode == OPT_EOL) {
                break;
            }
            if (opcode == OPT_NOP) {
                length--;
                continue;
            }
            if (length < 2) {
                break;
            }
            int opsize = b[p++] & 0xff;
            if (opsize < 2 || opsize > length) {
                break; // silly or partial option
            }
            if (opcode == OPT_SACK_PERM && opsize == OPTLEN_SACK_PERM) {
                flags |= FLAG_SACK_PERM;
            } else if (opcode == OPT_WINDOW && opsize == OPTLEN_WINDOW) {
                scale = Math.min(b[p] & 0xff, MAX_WSCALE);
                flags |= FLAG_WINDOW_SCALE;
            }
            p += opsize - 2;
            length -= opsize;
        }
        return scale << 8 | flags;
    }

    /**
     * tcp_sack(): the highest right edge of the blocks of the first well-formed SACK option, when
     * it is after {@code sack}; else {@code sack}.
     */
    static int sack(byte[] b, int off, int sack) {
        int length = doffBytes(b, off) - MIN_LEN;
        if (length <= 0) {
            return sack;
        }
        int p = off + MIN_LEN;
        if (length == OPTLEN_TSTAMP_ALIGNED && Ipv4.i32(b, p) == TSTAMP_ALIGNED_WORD) {
            return sack; // fast path: timestamps only
        }
        while (length > 0) {
            int opcode = b[p++] & 0xff;
            if (opcode == OPT_EOL) {
                return sack;
            }
            if (opcode == OPT_NOP) {
                length--;
                continue;
            }
            if (length < 2) {
                return sack;
            }
            int opsize = b[p++] & 0xff;
            if (opsize < 2 || opsize > length) {
                return sack;
            }
            if (opcode == OPT_SACK && opsize >= OPTLEN_SACK_BASE + OPTLEN_SACK_PERBLOCK
                    && (opsize - OPTLEN_SACK_BASE) % OPTLEN_SACK_PERBLOCK == 0) {
                for (int i = 0; i < opsize - OPTLEN_SACK_BASE; i += OPTLEN_SACK_PERBLOCK) {
                    int right = Ipv4.i32(b, p + i + 4);
                    if (right - sack > 0) { // after(right, sack)
                        sack = right;
                    }
                }
                return sack;
            }
            p += opsize - 2;
            length -= opsize;
        }
        return sack;
    }
}
