package dev.hairpin.pcap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Unsigned loads and stores in either byte order (capture headers are in the writer's order),
 * each one array access through a byte-array view (one bounds check, no per-byte shifts).
 */
final class Bytes {
    private Bytes() {}

    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int u16(byte[] b, int i, boolean le) {
        return (le ? (short) LE16.get(b, i) : (short) BE16.get(b, i)) & 0xffff;
    }

    static int i32(byte[] b, int i, boolean le) {
        return le ? (int) LE32.get(b, i) : (int) BE32.get(b, i);
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
            LE16.set(b, i, (short) v);
        } else {
            BE16.set(b, i, (short) v);
        }
    }

    static void put32(byte[] b, int i, int v, boolean le) {
        if (le) {
            LE32.set(b, i, v);
        } else {
            BE32.set(b, i, v);
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
