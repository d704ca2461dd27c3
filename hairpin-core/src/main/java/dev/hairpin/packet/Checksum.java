package dev.hairpin.packet;

/** Internet checksums (RFC 1071). Interim: replaced by the packet layer's full version. */
public final class Checksum {
    private Checksum() {}

    /** one's-complement sum of a byte range, not folded */
    public static long sum(byte[] b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            acc += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            acc += (b[i] & 0xff) << 8;
        }
        return acc;
    }

    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** verifies a TCP/UDP checksum with the IPv4 pseudo-header; len = transport length */
    public static boolean verifyTransport(byte[] b, int l3, int l4, int len) {
        long acc = sum(b, l3 + 12, 8, 0);
        acc += Ipv4.protocol(b, l3) + len;
        acc = sum(b, l4, len, acc);
        return fold(acc) == 0xffff;
    }

    public static boolean verifyIcmp(byte[] b, int off, int len) {
        return fold(sum(b, off, len, 0)) == 0xffff;
    }

    /** csum_replace4(): the checksum after a 32-bit field changed from {@code from} to {@code to} */
    public static int replace4(int check, int from, int to) {
        long acc = (~check & 0xffff) + (~from >>> 16 & 0xffff) + (~from & 0xffff) + (to >>> 16 & 0xffff) + (to & 0xffff);
        return ~fold(acc) & 0xffff;
    }

    /** csum_replace2(): the checksum after a 16-bit field changed */
    public static int replace2(int check, int from, int to) {
        long acc = (~check & 0xffff) + (~from & 0xffff) + (to & 0xffff);
        return ~fold(acc) & 0xffff;
    }

    /** the checksum to store for a range (complement of the folded sum) */
    public static int compute(byte[] b, int off, int len) {
        return ~fold(sum(b, off, len, 0)) & 0xffff;
    }

    /** TCP/UDP checksum with the IPv4 pseudo-header over the transport range */
    public static int transport(byte[] b, int l3, int l4, int len) {
        long acc = sum(b, l3 + 12, 8, 0);
        acc += Ipv4.protocol(b, l3) + len;
        acc = sum(b, l4, len, acc);
        return ~fold(acc) & 0xffff;
    }
}
