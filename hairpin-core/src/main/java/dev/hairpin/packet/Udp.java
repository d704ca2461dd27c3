package dev.hairpin.packet;

/**
 * UDP header layout (RFC 768) and absolute accessors; {@code off} is the offset of the UDP
 * header. A checksum of 0 means "none" over IPv4; a computed 0 is sent as 0xFFFF.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |  0
 * +-------------------------------+-------------------------------+
 * |            Length             |           Checksum            |  4
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class Udp {
    private Udp() {}

    public static final int HEADER = 8;
    public static final int SOURCE = 0;
    public static final int DEST = 2;
    public static final int LEN = 4;
    public static final int CHECK = 6;

    public static int source(byte[] b, int off) {
        return Ipv4.u16(b, off + SOURCE);
    }

    public static int dest(byte[] b, int off) {
        return Ipv4.u16(b, off + DEST);
    }

    /** header + payload length in bytes, as the header claims */
    public static int len(byte[] b, int off) {
        return Ipv4.u16(b, off + LEN);
    }

    public static int check(byte[] b, int off) {
        return Ipv4.u16(b, off + CHECK);
    }

    public static void setSource(byte[] b, int off, int port) {
        Ipv4.put16(b, off + SOURCE, port);
    }

    public static void setDest(byte[] b, int off, int port) {
        Ipv4.put16(b, off + DEST, port);
    }

    public static void setLen(byte[] b, int off, int len) {
        Ipv4.put16(b, off + LEN, len);
    }

    public static void setCheck(byte[] b, int off, int check) {
        Ipv4.put16(b, off + CHECK, check);
    }
}
