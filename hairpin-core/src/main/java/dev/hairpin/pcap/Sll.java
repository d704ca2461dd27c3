package dev.hairpin.pcap;

import dev.hairpin.packet.Ipv4;

/**
 * Linux cooked capture v1 header (LINKTYPE_LINUX_SLL, 16 bytes, all fields big-endian): what
 * {@code tcpdump -i any} wrote before libpcap 1.10.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |         Packet type           |        ARPHRD_ type           |  0
 * +-------------------------------+-------------------------------+
 * |    Link-layer address length  |                               |  4
 * +-------------------------------+                               +
 * |             Link-layer address (8 bytes, zero padded)         |  8
 * +                               +-------------------------------+
 * |                               |        Protocol type          | 12
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class Sll {
    private Sll() {}

    public static final int HEADER = 16;
    public static final int PKTTYPE = 0;
    public static final int HATYPE = 2;
    public static final int HALEN = 4;
    public static final int ADDR = 6;
    public static final int PROTOCOL = 14;
    public static final int ADDR_MAX = 8;

    public static int pkttype(byte[] b, int off) {
        return Ipv4.u16(b, off + PKTTYPE);
    }

    public static int hatype(byte[] b, int off) {
        return Ipv4.u16(b, off + HATYPE);
    }

    public static int halen(byte[] b, int off) {
        return Ipv4.u16(b, off + HALEN);
    }

    public static int protocol(byte[] b, int off) {
        return Ipv4.u16(b, off + PROTOCOL);
    }

    /** Writes a header; {@code addr} holds {@code addrLen} bytes (at most 8 are stored). Returns 16. */
    public static int encode(byte[] b, int off, int pkttype, int hatype, byte[] addr, int addrLen, int protocol) {
        Ipv4.put16(b, off + PKTTYPE, pkttype);
        Ipv4.put16(b, off + HATYPE, hatype);
        Ipv4.put16(b, off + HALEN, addrLen);
        for (int i = 0; i < ADDR_MAX; i++) {
            b[off + ADDR + i] = i < addrLen && i < addr.length ? addr[i] : 0;
        }
        Ipv4.put16(b, off + PROTOCOL, protocol);
        return HEADER;
    }
}
