package dev.hairpin.rules;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A packet/byte counter pair ({@code struct xt_counters}): per rule, and per built-in chain for
 * the packets that hit its policy. Several workers may evaluate one table at once, so adds are
 * atomic; reads are plain (a listing may see packets and bytes of slightly different instants,
 * as the kernel's per-CPU sums do).
 */
public final class Counter {
    private static final VarHandle PACKETS;
    private static final VarHandle BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PACKETS = l.findVarHandle(Counter.class, "packets", long.class);
            BYTES = l.findVarHandle(Counter.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long packets;
    private volatile long bytes;

    public Counter() {}

    public Counter(long packets, long bytes) {
        this.packets = packets;
        this.bytes = bytes;
    }

    /** ADD_COUNTER(c, bytes, 1) */
    public void add(int len) {
        PACKETS.getAndAdd(this, 1L);
        BYTES.getAndAdd(this, (long) len);
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public void set(long packets, long bytes) {
        this.packets = packets;
        this.bytes = bytes;
    }

    public void zero() {
        set(0, 0);
    }

    @Override
    public String toString() {
        return "[" + Long.toUnsignedString(packets) + ":" + Long.toUnsignedString(bytes) + "]";
    }
}
