package dev.hairpin.pcap;

import dev.hairpin.packet.Ipv4;

/**
 * Linux cooked capture v2 header (LINKTYPE_LINUX_SLL2, 20 bytes, all fields big-endian): what
 * {@code tcpdump -i any} writes, and what the conformance captures are.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |        Protocol type          |       Reserved (MBZ)          |  0
 * +-------------------------------+-------------------------------+
 * |                       Interface index                         |  4
 * +-------------------------------+---------------+---------------+
 * |         ARPHRD_ type          |  Packet type  | Address length|  8
 * +-------------------------------+---------------+---------------+
 * |                                                               | 12
 * +        Link-layer address (8 bytes, zero padded)              +
 * |                                                               | 16
 * +---------------------------------------------------------------+
 * </pre>
 * Packet type 0 (PACKET_HOST) is a frame received, 4 (PACKET_OUTGOING) one sent; the address is
 * the frame's source MAC either way.
 */
public final class Sll2 {
    private Sll2() {}

    public static final int HEADER = 20;
    public static final int PROTOCOL = 0;
    public static final int RESERVED = 2;
    public static final int IFINDEX = 4;
    public static final int HATYPE = 8;
    public static final int PKTTYPE = 10;
    public static final int HALEN = 11;
    public static final int ADDR = 12;
    public static final int ADDR_MAX = 8;

    /** ARPHRD_ETHER, ARPHRD_LOOPBACK */
    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_LOOPBACK = 772;

    public static int protocol(byte[] b, int off) {
        return Ipv4.u16(b, off + PROTOCOL);
    }

    public static int ifindex(byte[] b, int off) {
        return Ipv4.i32(b, off + IFINDEX);
    }

    public static int hatype(byte[] b, int off) {
        return Ipv4.u16(b, off + HATYPE);
    }

    public static int pkttype(byte[] b, int off) {
        return b[off + PKTTYPE] & 0xff;
    }

    public static int halen(byte[] b, int off) {
        return b[off + HALEN] & 0xff;
    }

    /** Writes a header; {@code addr} holds {@code addrLen} bytes (at most 8 are stored). Returns 20. */
    public static int encode(byte[] b, int off, int protocol, int ifindex, int hatype, int pkttype, byte[] addr, int addrLen) {
        Ipv4.put16(b, off + PROTOCOL, protocol);
        Ipv4.put16(b, off + RESERVED, 0);
        Ipv4.put32(b, off + IFINDEX, ifindex);
        Ipv4.put16(b, off + HATYPE, hatype);
        b[off + PKTTYPE] = (byte) pkttype;
        b[off + HALEN] = (byte) addrLen;
        for (int i = 0; i < ADDR_MAX; i++) {
            b[off + ADDR + i] = i < addrLen && i < addr.length ? addr[i] : 0;
        }
        return HEADER;
    }
}
