package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Skb;

/**
 * The input route (net/ipv4/route.c: ip_route_input_noref / ip_route_input_slow, and
 * fib_frontend.c's fib_validate_source): martian checks, the FIB through the policy rules, the
 * reverse-path check, then local delivery, forwarding or ip_error(). A forward decision for a
 * tracked flow is kept in the {@link FlowCache}.
 */
final class RouteInput {
    /** the errors a failed lookup gives (fib_props[type].error), which ip_error() answers */
    static final int ENETUNREACH = 1;
    static final int EHOSTUNREACH = 2;
    static final int EACCES = 3;
    static final int EINVAL = 4;
    /** 224.0.0.1, the group every multicast device is in */
    private static final int ALL_SYSTEMS = 0xe0000001;

    private final Stack stack;

    RouteInput(Stack stack) {
        this.stack = stack;
    }

    /** ip_route_input_noref(): the cached decision for the packet's hosts ({@link FlowCache}), else {@link #slow}. */
    void route(Skb skb) {
        int slot = stack.flowCache && stack.trace == null ? FlowCache.slot(skb.ct, skb.saddr(), skb.daddr(), skb.in) : -1;
        long stamp = 0;
        if (slot >= 0) {
            stamp = stack.host.fib.generation() + stack.host.sysctls.version();
            NetDevice o = stack.flows.out(slot, skb.saddr(), skb.daddr(), skb.in, stamp);
            if (o != null) {
                skb.rtType = Route.RTN_UNICAST;
                skb.out = o;
                skb.nexthop = stack.flows.nexthop(slot);
                skb.rtMtu = 0; // only routes without an mtu metric are cached
                stack.forwardIn(skb);
                return;
            }
        }
        slowIn(skb, slot, stamp);
    }

    /** martian checks, then local delivery or forwarding; a forward decision fills the slot (-1: none) */
    void slow(Skb skb, int slot, long stamp) {
        stack.readSkips();
        slowIn(skb, slot, stamp);
    }

    /** {@link #slow} within a packet's way (the skip masks read) */
    private void slowIn(Skb skb, int slot, long stamp) {
        NetDevice in = skb.in;
        int saddr = skb.saddr();
        int daddr = skb.daddr();
        if (Stack.isMulticast(saddr) || saddr == -1) {
            stack.dropped(skb, "martian source");
            return;
        }
        if (daddr == -1 || (saddr == 0 && daddr == 0)) {
            skb.rtType = Route.RTN_BROADCAST;
            stack.localDeliver(skb);
            return;
        }
        if (saddr == 0 || Stack.isZeronet(daddr)) {
            stack.dropped(skb, "martian");
            return;
        }
        boolean lo = in != null && in.isLoopback();
        if (!lo && !stack.host.sysctls.routeLocalnet(in) && (Stack.isLoopback(daddr) || Stack.isLoopback(saddr))) {
            stack.dropped(skb, "martian " + (Stack.isLoopback(daddr) ? "destination" : "source") + " (route_localnet=0)");
            return;
        }
        if (Stack.isMulticast(daddr)) {
            // ip_route_input_rcu(): delivered only for a group the device joined (ip_check_mc_rcu);
            // every multicast device is in 224.0.0.1, other memberships are not modelled (recorded:
            // a LAN datagram to 224.0.0.251 makes no entry and reaches no INPUT rule)
            if (daddr != ALL_SYSTEMS && !lo) {
                stack.dropped(skb, "multicast group not joined");
                return;
            }
            skb.rtType = Route.RTN_MULTICAST;
            stack.localDeliver(skb);
            return;
        }
        // fib_lookup() with the flow's source, mark and input device (policy rules, when any)
        Route r = stack.host.fib.lookup(daddr, saddr, skb.mark, in);
        int err = routeError(r);
        if (err != 0) {
            // no_route: the lookup failed (no route, or an unreachable/prohibit/blackhole one),
            // before any source validation; the packet goes to ip_error()
            skb.rtType = Route.RTN_UNREACHABLE;
            stack.icmp.ipError(skb, in, stack.host.sysctls.forwarding(in) ? err : EHOSTUNREACH);
            return;
        }
        if (r.type() == Route.RTN_BROADCAST) {
            if (!lo && stack.host.sysctls.bcForwarding(in)) {
                // IN_DEV_BFORWARD: a directed broadcast is forwarded out the broadcast route's
                // device (ip_mkroute_input, its source validated; no forwarding check, no cache)
                if (!validSource(skb, in, saddr, daddr, r.dev())) {
                    stack.dropped(skb, "martian source (rp_filter or local address)");
                    return;
                }
                mkroute(skb, r, daddr, Route.RTN_BROADCAST);
                stack.forwardIn(skb);
                return;
            }
            skb.rtType = Route.RTN_BROADCAST;
            stack.localDeliver(skb);
            return;
        }
        if (!lo && !validSource(skb, in, saddr, daddr, r.type() == Route.RTN_LOCAL ? null : r.dev())) {
            stack.dropped(skb, "martian source (rp_filter or local address)");
            return;
        }
        if (r.type() == Route.RTN_LOCAL) {
            skb.rtType = Route.RTN_LOCAL;
            stack.localDeliver(skb);
            return;
        }
        if (!stack.host.sysctls.forwarding(in)) {
            skb.rtType = Route.RTN_UNREACHABLE;
            stack.icmp.ipError(skb, in, EHOSTUNREACH);
            return;
        }
        if (r.type() != Route.RTN_UNICAST) {
            stack.dropped(skb, "route type " + r.type());
            return;
        }
        mkroute(skb, r, daddr, Route.RTN_UNICAST);
        // a decision that sends redirects (out the device it came in on) is never cached: FastPath
        // forwards cached flows without ip_forward's redirect; nor is a route with an mtu metric
        // (the cache holds the device, whose MTU FastPath checks)
        if (slot >= 0 && !stack.host.fib.hasPolicy() && (skb.out != in || !stack.host.sysctls.sendRedirects(in)) && r.mtu() == 0
                && r.paths() == null) { // nor a multipath one: its pick may hash the ports (fib_multipath_hash_policy 1)
            // the cache keys on the hosts only: with policy rules the mark may route the next packet elsewhere
            stack.flows.store(slot, saddr, daddr, in, stamp, skb.out, skb.nexthop);
        }
        stack.forwardIn(skb);
    }

    /**
     * fib_validate_source(): {@code oif} is the forward route's device (null for local delivery),
     * which the reverse lookup takes as its input device (flowi4_iif = oif ?: LOOPBACK). Without
     * rp_filter only a source of ours is refused, unless policy rules exist or the packet leaves by
     * its input device with send_redirects on: then the full reverse lookup runs (rpf 0).
     */
    private boolean validSource(Skb skb, NetDevice in, int saddr, int daddr, NetDevice oif) {
        int rp = stack.host.sysctls.rpFilter(in);
        boolean acceptLocal = stack.host.sysctls.acceptLocal(in);
        if (rp == 0 && (oif != in || !stack.host.sysctls.sendRedirects(in))) {
            if (acceptLocal) {
                return true;
            }
            if (!stack.host.fib.hasPolicy()) { // fib4_has_custom_rules(): with policy rules, full check
                return !stack.host.fib.isLocal(saddr);
            }
        }
        // __fib_validate_source(): a lookup towards the source through the policy rules, with the
        // packet's mark only when src_valid_mark is set (wg-quick sets it for its fwmark rule)
        int mark = stack.host.sysctls.srcValidMark(in) ? skb.mark : 0;
        Route back = stack.host.fib.lookup(saddr, daddr, mark, oif);
        if (routeError(back) != 0) {
            return rp == 0; // fib_lookup() failed: last_resort
        }
        if (back.type() != Route.RTN_UNICAST && (back.type() != Route.RTN_LOCAL || !acceptLocal)) {
            // a local source without accept_local, or a broadcast/multicast route
            return false;
        }
        return rp != 1 || back.usesDev(in); // fib_info_nh_uses_dev(): any of a multipath route's nexthops
    }

    /** ip_mkroute_input(): the packet leaves by {@code r}'s device, via its gateway or to {@code daddr} on link */
    private static void mkroute(Skb skb, Route r, int daddr, int rtType) {
        skb.rtType = rtType;
        skb.out = r.dev();
        skb.nexthop = r.gateway() != 0 ? r.gateway() : daddr;
        skb.rtMtu = r.mtu();
    }

    /**
     * fib_validate_source()'s positive answer that sets IPSKB_DOREDIRECT: the source is reached
     * directly (no gateway) through the device the packet came in on
     */
    boolean sourceOnLink(NetDevice in, int saddr) {
        Route r = stack.host.fib.lookup(saddr);
        return r != null && r.type() == Route.RTN_UNICAST && r.dev() == in && r.gateway() == 0;
    }

    /** the error a failed fib_lookup() gives (fib_props[type].error), 0 when it found a route */
    static int routeError(Route r) {
        if (r == null) {
            return ENETUNREACH;
        }
        return switch (r.type()) {
            case Route.RTN_UNREACHABLE -> EHOSTUNREACH;
            case Route.RTN_PROHIBIT -> EACCES;
            case Route.RTN_BLACKHOLE -> EINVAL;
            case Route.RTN_THROW -> ENETUNREACH;
            default -> 0;
        };
    }

}
