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
 */
final class FlowCache {
    static final int SLOTS = 1 << 14;
    private final int[] saddr = new int[SLOTS];
    private final int[] daddr = new int[SLOTS];
    private final NetDevice[] in = new NetDevice[SLOTS];
    private final long[] stamp = new long[SLOTS];
    private final NetDevice[] out = new NetDevice[SLOTS];
    private final int[] nexthop = new int[SLOTS];
    /** packets routed from the cache (tests check the cache was exercised) */
    long hits;

    FlowCache() {
        Arrays.fill(stamp, -1); // no stamp is negative
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

    /** the output device cached for the packet, or null */
    NetDevice out(int slot, int s, int d, NetDevice dev, long now) {
        if (stamp[slot] != now || saddr[slot] != s || daddr[slot] != d || in[slot] != dev) {
            return null;
        }
        hits++;
        return out[slot];
    }

    int nexthop(int slot) {
        return nexthop[slot];
    }

    void store(int slot, int s, int d, NetDevice dev, long now, NetDevice o, int nh) {
        saddr[slot] = s;
        daddr[slot] = d;
        in[slot] = dev;
        stamp[slot] = now;
        out[slot] = o;
        nexthop[slot] = nh;
    }
}
