package dev.hairpin.rules;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A packet/byte counter pair ({@code struct xt_counters}): per rule, and per built-in chain for
 * the packets that hit its policy. One thread writes a table's counters: the worker that owns
 * the stack evaluating it (the gateway runs operator commands on its packet thread too), so an
 * add is a plain read and a release store, no locked instruction per matched rule; other threads
 * (a metrics scrape) read them at any time and may see packets and bytes of slightly different
 * instants, as a sum of the kernel's per-CPU counters may. Workers that shared one table would
 * need a counter each, summed on read, as the kernel's per-CPU copies.
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

    @SuppressWarnings("unused") // through the VarHandles
    private long packets;
    @SuppressWarnings("unused")
    private long bytes;

    public Counter() {}

    public Counter(long packets, long bytes) {
        set(packets, bytes);
    }

    /** ADD_COUNTER(c, bytes, 1), by the one writing thread */
    public void add(int len) {
        PACKETS.setRelease(this, (long) PACKETS.getOpaque(this) + 1);
        BYTES.setRelease(this, (long) BYTES.getOpaque(this) + len);
    }

    public long packets() {
        return (long) PACKETS.getAcquire(this);
    }

    public long bytes() {
        return (long) BYTES.getAcquire(this);
    }

    public void set(long packets, long bytes) {
        PACKETS.setRelease(this, packets);
        BYTES.setRelease(this, bytes);
    }

    public void zero() {
        set(0, 0);
    }

    @Override
    public String toString() {
        return "[" + Long.toUnsignedString(packets()) + ":" + Long.toUnsignedString(bytes()) + "]";
    }
}
