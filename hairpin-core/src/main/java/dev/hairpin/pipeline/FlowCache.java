package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.CtInfo;
import java.util.Arrays;

/**
 * The input routing decision of tracked flows (ip_route_input_noref's martian checks, FIB
 * lookup, fib_validate_source with rp_filter / accept_local, the forwarding sysctl), cached by
 * the packet's (saddr, daddr, input device) as the IPv4 routing cache before Linux 3.6 was keyed.
 * Only a "forward out of dev via nexthop" outcome is kept: every other outcome (local,
 * broadcast, martian, unreachable) goes the full way each time.
 *
 * <p>That decision is a function of (saddr, daddr, input device) and the FIB and sysctls
 * alone, so a slot is used only when the packet's addresses and device equal the ones it was
 * filled for and its stamp (FIB generation + sysctl version, both only ever bumped) is current.
 * A DNAT that changes the destination, any route, address or sysctl change: a miss, never a
 * stale answer. Direct-mapped into a fixed number of slots (memory independent of the table;
 * two address pairs on one slot only cost each other misses): the many flows between the same
 * two hosts share one slot, so a million flows among a few thousand address pairs still hit.
 *
 * <p>A slot is four longs of one array, so a lookup reads one or two cache lines (not one per
 * field): {@code saddr << 32 | daddr}, the stamp, {@code in.serial << 32 | nexthop}, and the out
 * device as an index into {@link #devs} (the few devices seen, by identity).
 */
final class FlowCache {
    static final int SLOTS = 1 << 14;
    private static final long LOW = 0xffff_ffffL;
    private final long[] slots = new long[SLOTS * 4];
    /** the out devices stored so far; a slot names one by its index here */
    private NetDevice[] devs = new NetDevice[4];
    private int devCount;
    /** packets routed from the cache (tests check the cache was exercised) */
    long hits;

    FlowCache() {
        for (int i = 1; i < slots.length; i += 4) {
            slots[i] = -1; // no stamp is negative
        }
    }

    /**
     * the slot of a tracked packet, else -1: a new flow's first packet uses it too (the decision
     * depends on addresses and device alone), as flows between two hosts come and go
     */
    static int slot(int ct, int saddr, int daddr, NetDevice in) {
        if (ct < 0) {
            return -1;
        }
        int h = saddr * 0x9E3779B1 ^ daddr * 0x85EBCA77 ^ (in == null ? 0 : in.ifindex) * 0xC2B2AE3D;
        return (h ^ h >>> 15) & (SLOTS - 1);
    }

    /** {@link #slot(int, int, int, NetDevice)} of an ESTABLISHED / ESTABLISHED_REPLY packet (FastPath's), else -1 */
    static int slot(int ct, int ctinfo, int saddr, int daddr, NetDevice in) {
        if (ctinfo != CtInfo.ESTABLISHED && ctinfo != CtInfo.ESTABLISHED_REPLY) {
            return -1;
        }
        return slot(ct, saddr, daddr, in);
    }

    private static long addrs(int s, int d) {
        return (long) s << 32 | d & LOW;
    }

    private static int serial(NetDevice dev) {
        return dev == null ? 0 : dev.serial;
    }

    /** the output device cached for the packet, or null */
    NetDevice out(int slot, int s, int d, NetDevice dev, long now) {
        long[] w = slots;
        int b = slot << 2;
        if (w[b] != addrs(s, d) || w[b + 1] != now || (int) (w[b + 2] >>> 32) != serial(dev)) {
            return null;
        }
        hits++;
        return devs[(int) w[b + 3]];
    }

    /** reads the slot's first word and nothing else (a batch's touch pass); the result means nothing */
    int touch(int slot) {
        return (int) slots[slot << 2];
    }

    int nexthop(int slot) {
        return (int) slots[(slot << 2) + 2];
    }

    void store(int slot, int s, int d, NetDevice dev, long now, NetDevice o, int nh) {
        int b = slot << 2;
        slots[b] = addrs(s, d);
        slots[b + 1] = now;
        slots[b + 2] = (long) serial(dev) << 32 | nh & LOW;
        slots[b + 3] = indexOf(o);
    }

    private int indexOf(NetDevice o) {
        for (int i = 0; i < devCount; i++) {
            if (devs[i] == o) {
                return i;
            }
        }
        if (devCount == devs.length) {
            devs = Arrays.copyOf(devs, devCount * 2);
        }
        devs[devCount] = o;
        return devCount++;
    }
}
