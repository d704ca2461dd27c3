package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * The host's own ICMP errors and their rate limits (net/ipv4/icmp.c: icmp_send,
 * icmpv4_xrlim_allow; route.c: ip_error, ip_rt_send_redirect): each sent through OUTPUT and
 * POSTROUTING like any local packet, with the offending packet's entry attached. The limits
 * draw on one inet_peer bucket per address ({@link InetPeers}).
 */
final class IcmpErrors {
    /** ip_rt_error_burst and ip_rt_error_cost (5 * HZ and HZ jiffies), in nanoseconds */
    private static final long ERROR_BURST = 5_000_000_000L;
    private static final long ERROR_COST = 1_000_000_000L;
    /**
     * inet_peer's rate_tokens / rate_last per address: one bucket that ip_error() (keyed by the
     * packet's source) and icmp_send()'s icmpv4_xrlim_allow() (keyed by the error's destination)
     * both draw from (recorded: icmp-error-ratelimit, where an unroutable packet's error costs
     * two tokens).
     */
    final InetPeers errorPeers = new InetPeers();
    /** XRLIM_BURST_FACTOR: icmp_send's bucket holds six errors' worth of tokens */
    private static final int XRLIM_BURST_FACTOR = 6;

    private final Stack stack;

    IcmpErrors(Stack stack) {
        this.stack = stack;
    }

    /**
     * The token bucket of inet_peer_xrlim_allow() and ip_error(): tokens grow with the time since
     * the peer's last use, up to {@code burst}; a send costs {@code cost}. A new peer starts 60 s
     * in the past, so its bucket is full.
     */
    private boolean peerAllow(int addr, long cost, long burst) {
        long now = stack.conntrack.now();
        long[] peer = peer(addr, now);
        long token = Math.min(burst, peer[0] + (now - peer[1]));
        peer[1] = now;
        boolean ok = token >= cost;
        peer[0] = ok ? token - cost : token;
        return ok;
    }

    /** a peer's bucket: rate_tokens, rate_last, n_redirects; a new one starts 60 s in the past (full) */
    private long[] peer(int addr, long now) {
        return errorPeers.get(addr, now);
    }

    /** ip_rt_redirect_load (HZ/50), ip_rt_redirect_number, ip_rt_redirect_silence (load << 10) */
    private static final long REDIRECT_LOAD = 20_000_000L;
    private static final int REDIRECT_NUMBER = 9;
    private static final long REDIRECT_SILENCE = REDIRECT_LOAD << 10;

    /**
     * ip_rt_send_redirect(): an ICMP host redirect naming the next hop, per source: the first at
     * once, each next one only after 20 ms &lt;&lt; (redirects sent) of quiet, none after 9 until
     * 20.48 s pass without one (rate_last then follows every packet). The inet_peer is the one
     * ip_error() and icmp_send()'s limit use (its tokens reset with the silence). A redirect
     * related to a NATed (or not yet fully NATed) entry is dropped by NAT in OUTPUT
     * (recorded: icmp-redirect).
     */
    void sendRedirect(Skb skb) {
        long now = stack.conntrack.now();
        long[] peer = peer(skb.saddr(), now);
        if (now - (peer[1] + REDIRECT_SILENCE) > 0) {
            peer[0] = 0;
            peer[2] = 0;
        }
        if (peer[2] >= REDIRECT_NUMBER) {
            peer[1] = now;
            return;
        }
        if (peer[2] == 0 || now - (peer[1] + (REDIRECT_LOAD << peer[2])) > 0) {
            send(skb, 5, 1, skb.nexthop);
            peer[1] = now;
            peer[2]++;
        }
    }

    /**
     * icmpv4_mask_allow() and icmpv4_xrlim_allow(): an error of a type in icmp_ratemask (frag
     * needed excepted) towards a non-loopback route costs icmp_ratelimit of its destination's
     * bucket; icmp_ratelimit 0 leaves the bucket alone. The host-wide icmp_msgs_per_sec bucket
     * (1000/s, burst 50, random cost) is not modelled.
     */
    private boolean rateAllow(int type, int code, int daddr, NetDevice dev) {
        if (type > 18 || (type == 3 && code == 4)
                || (stack.host.sysctls.icmpRatemask() & 1L << type) == 0) {
            return true;
        }
        long timeout = stack.host.sysctls.icmpRatelimitMs() * 1_000_000L;
        if (timeout <= 0 || dev.isLoopback()) {
            return true;
        }
        return peerAllow(daddr, timeout, XRLIM_BURST_FACTOR * timeout);
    }

    /**
     * ip_error(): the packet had no usable route. Silent when the input device does not forward
     * (recorded: forwarding-toggle) and for a blackhole; else destination unreachable (network,
     * host, or communication prohibited: code 0, 1, 13), at most a burst of 5 and then one a
     * second per source address (the inet_peer token bucket; recorded: route-types-unreachable).
     */
    void ipError(Skb skb, NetDevice in, int err) {
        int code = switch (err) {
            case RouteInput.ENETUNREACH -> 0;
            case RouteInput.EHOSTUNREACH -> 1;
            case RouteInput.EACCES -> 13;
            default -> -1;
        };
        if (!stack.host.sysctls.forwarding(in) || code < 0) {
            stack.dropped(skb, "ip_error: no route (silent)");
            return;
        }
        if (peerAllow(skb.saddr(), ERROR_COST, ERROR_BURST)) {
            send(skb, 3, code, 0);
        }
        stack.dropped(skb, "ip_error: destination unreachable, code " + code);
    }

    /**
     * icmp_send(): an ICMP error about {@code orig}, sent through OUTPUT with the offending
     * packet's conntrack entry attached (icmp_glue_bits' nf_ct_attach), so NAT rewrites the
     * quoted packet back.
     */
    void send(Skb orig, int type, int code, int info) {
        byte[] b = orig.buf;
        int l3 = orig.l3;
        if ((Ipv4.fragOff(b, l3) & Ipv4.IP_OFFSET) != 0) {
            return;
        }
        if (orig.rtType == Route.RTN_BROADCAST || orig.rtType == Route.RTN_MULTICAST) {
            return;
        }
        int saddrOrig = orig.saddr();
        if (saddrOrig == 0 || Stack.isMulticast(saddrOrig) || saddrOrig == -1) {
            return;
        }
        if (Ipv4.protocol(b, l3) == Ipv4.PROTO_ICMP && orig.len - (orig.l4 - l3) >= 1) {
            int t = b[orig.l4] & 0xff;
            if (t > 18 || dev.hairpin.conntrack.proto.IcmpTracker.isError(t)) {
                return; // never an error about an error
            }
        }
        // source: the destination when it is ours, else the input device's address
        // (icmp_errors_use_inbound_ifaddr, for a received packet) or chosen by the route back
        int saddr = orig.daddr();
        if (orig.rtType != Route.RTN_LOCAL) {
            saddr = orig.in != null && stack.host.sysctls.icmpErrorsUseInboundIfaddr()
                    ? stack.host.selectAddr(orig.in, saddrOrig, Route.SCOPE_LINK) : 0;
        }
        byte[] opts = new byte[40];
        int dopt = stack.echoOptions(orig, opts);
        if (dopt < 0) {
            return;
        }
        int daddr = saddrOrig;
        // icmp_route_lookup(): an output route (iif lo) through the policy rules, from the
        // error's source, with IP4_REPLY_MARK (the offending packet's mark under fwmark_reflect)
        int mark = stack.replyMark(orig);
        Route r = stack.host.fib.lookup(daddr, saddr, mark, null);
        if (RouteInput.routeError(r) != 0) {
            return;
        }
        NetDevice dev = r.type() == Route.RTN_LOCAL ? stack.host.loopback() : r.dev();
        if (!rateAllow(type, code, daddr, dev)) {
            return;
        }
        if (saddr == 0) {
            saddr = r.prefsrc() != 0 ? r.prefsrc() : stack.host.selectAddr(dev, r.gateway() != 0 ? r.gateway() : daddr, Route.SCOPE_UNIVERSE);
        }
        // the received datagram's record route / timestamp, echoed (ip_options_echo)
        int hl = 20 + IpOptions.echoLength(dopt);
        int room = Math.min(576, dev.mtu) - hl - 8;
        int quoted = Math.min(orig.len, room);
        int len = hl + 8 + quoted;
        byte[] p = new byte[len];
        int tos = (Ipv4.tos(b, l3) & 0x1e) | 0xc0; // RT_TOS | IPTOS_PREC_INTERNETCONTROL
        Stack.ipHeader(p, tos, len, 0, stack.host.sysctls.defaultTtl(), Ipv4.PROTO_ICMP, saddr, daddr);
        if (hl > 20) {
            p[0] = (byte) (0x40 | hl >>> 2);
            IpOptions.build(p, 0, opts, dopt, saddr, stack.wallNanos());
        }
        p[hl] = (byte) type;
        p[hl + 1] = (byte) code;
        Ipv4.put32(p, hl + 4, info);
        System.arraycopy(b, l3, p, hl + 8, quoted);
        Ipv4.put16(p, hl + 2, Checksum.compute(p, hl, len - hl));
        Skb n = new Skb(p, 0, len);
        n.owner = Skb.OWNER_KERNEL; // icmp_send() sends on the ICMP control socket (REJECT's too)
        n.mark = mark; // icmp_push_reply: the error carries the mark it was routed with
        Ipv4.put16(p, Ipv4.ID, stack.ipIds.ipId(n) & 0xffff);
        Ipv4.put16(p, Ipv4.CHECK, 0);
        Ipv4.put16(p, Ipv4.CHECK, Checksum.compute(p, 0, hl));
        stack.attachRelated(n, orig);
        stack.localOut(n, r);
    }

}
