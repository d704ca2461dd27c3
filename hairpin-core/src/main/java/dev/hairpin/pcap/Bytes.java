package dev.hairpin.pcap;

/** Unsigned loads and stores in either byte order (capture headers are in the writer's order). */
final class Bytes {
    private Bytes() {}

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int u16(byte[] b, int i, boolean le) {
        return le ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static int i32(byte[] b, int i, boolean le) {
        return le
                ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24
                : (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static long u32(byte[] b, int i, boolean le) {
        return i32(b, i, le) & 0xffffffffL;
    }

    static long i64(byte[] b, int i, boolean le) {
        long a = u32(b, i, le);
        long c = u32(b, i + 4, le);
        return le ? c << 32 | a : a << 32 | c;
    }

    static void put16(byte[] b, int i, int v, boolean le) {
        if (le) {
            b[i] = (byte) v;
            b[i + 1] = (byte) (v >>> 8);
        } else {
            b[i] = (byte) (v >>> 8);
            b[i + 1] = (byte) v;
        }
    }

    static void put32(byte[] b, int i, int v, boolean le) {
        if (le) {
            b[i] = (byte) v;
            b[i + 1] = (byte) (v >>> 8);
            b[i + 2] = (byte) (v >>> 16);
            b[i + 3] = (byte) (v >>> 24);
        } else {
            b[i] = (byte) (v >>> 24);
            b[i + 1] = (byte) (v >>> 16);
            b[i + 2] = (byte) (v >>> 8);
            b[i + 3] = (byte) v;
        }
    }

    static void put64(byte[] b, int i, long v, boolean le) {
        if (le) {
            put32(b, i, (int) v, true);
            put32(b, i + 4, (int) (v >>> 32), true);
        } else {
            put32(b, i, (int) (v >>> 32), false);
            put32(b, i + 4, (int) v, false);
        }
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
