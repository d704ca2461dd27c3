package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * The way an established, forwarded TCP or UDP packet goes through {@link Stack} (ip_rcv,
 * PREROUTING, the routing decision, ip_forward, FORWARD, POSTROUTING, ip_output) written as one
 * straight method: the same steps in the same order through the same conntrack, NAT and rule
 * calls, without what such a packet cannot need (defragmentation, IP options, local delivery,
 * the nat table's first-packet evaluation, tables with no rule at the hook).
 *
 * <p>It is a shortcut, never a second implementation: each step either applies, or hands the
 * packet to the full path's code for that very point ({@link Stack#resumeAfterConntrack},
 * {@link RouteInput#slow}, {@link Stack#forward}, {@link Stack#postRouting}), so a packet
 * leaving the shortcut ends exactly as if it had gone the full way from the start. Until it
 * attaches the entry it only reads (its lookup, like the full path's, reaps an expired entry it
 * meets, and a miss is remembered so the full path need not look again); it answers false (not
 * handled) for anything else: fragments, options, bad headers or checksums, other protocols,
 * rules in raw or mangle PREROUTING, packets of no entry or of a NEW/RELATED one. Off while
 * tracing (the trace shows every step).
 */
final class FastPath {
    private static final int RAW_MANGLE = 1 << Tables.RAW | 1 << Tables.MANGLE;
    /** conntrack's hooks unregistered (no rule needs it): nothing to track, the full path passes it */
    private static final int CT_OFF = 1 << Tables.CONNTRACK;
    private static final int MANGLE_SECURITY = 1 << Tables.MANGLE | 1 << Tables.SECURITY;
    private static final int FILTER = 1 << Tables.FILTER;
    /** IHL 5, no options: the smallest datagram is a 20-byte header and 8 bytes of UDP */
    private static final int MIN_LEN = Ipv4.MIN_HEADER + 8;

    private final Stack stack;
    /** packets the shortcut took to the end (tests check it was exercised) */
    long handled;

    FastPath(Stack stack) {
        this.stack = stack;
    }

    /** true: the packet went its whole way here; false: untouched, go the full way */
    boolean receive(Skb skb) {
        byte[] b = skb.buf;
        int l3 = skb.l3;
        int avail = skb.len;
        if (avail < MIN_LEN || skb.csumPartial) { // a partial checksum: NAT's pseudo-header-only update is the full path's
            return false;
        }
        // the 20-byte header and the ports in three loads:
        // w0 = version/IHL, TOS, total length, id, flags/fragment offset
        // w1 = TTL, protocol, checksum, saddr;  w2 = daddr, sport, dport
        long w0 = Ipv4.i64(b, l3);
        long w1 = Ipv4.i64(b, l3 + 8);
        long w2 = Ipv4.i64(b, l3 + 16);
        int tot = (int) (w0 >>> 32) & 0xffff;
        int proto = (int) (w1 >>> 48) & 0xff;
        if ((w0 >>> 56) != 0x45 || tot < MIN_LEN || tot > avail || (w0 & (Ipv4.IP_MF | Ipv4.IP_OFFSET)) != 0
                || (proto != Ipv4.PROTO_UDP && proto != Ipv4.PROTO_TCP)) {
            return false;
        }
        if (!Checksum.ipv4Header20Valid(w0, w1, w2)) {
            return false;
        }
        int saddr = (int) w1;
        int daddr = (int) (w2 >>> 32);
        int l4 = l3 + Ipv4.MIN_HEADER;
        int l4len = tot - Ipv4.MIN_HEADER;
        Conntrack conntrack = stack.conntrack;
        Tables tables = stack.tables;
        int[] skip = tables.skipMasks();
        if ((skip[Hooks.PRE_ROUTING] & (RAW_MANGLE | CT_OFF)) != RAW_MANGLE) {
            return false;
        }
        // ip_rcv_core() as the full path; raw has nothing to say; nf_conntrack_in()'s lookup
        // (which, like the full path's, reaps an expired entry it meets)
        long k1 = Tuple.k1(saddr, daddr);
        long k2 = Tuple.k2((int) (w2 >>> 16), (int) w2, proto, 0);
        int node = conntrack.findLive(k1, k2);
        if (node < 0) {
            conntrack.noteMiss(k1, k2); // a new flow: the full path need not look again
            return false;
        }
        int ct = node >>> 1;
        int ctinfo;
        if ((node & 1) != 0) {
            ctinfo = CtInfo.ESTABLISHED_REPLY;
        } else if ((conntrack.status(ct) & CtStatus.SEEN_REPLY) != 0) {
            ctinfo = CtInfo.ESTABLISHED;
        } else {
            return false; // NEW or RELATED: the nat table may still have its say
        }
        // udp_error / tcp_error's checksum, summed here where the header is at hand (pure: a
        // failing one is left to the full path, INVALID there). UDP's 0 means none.
        // UDP's length and checksum words (udp_error), read as one
        int uw = proto == Ipv4.PROTO_UDP ? Ipv4.i32(b, l4 + 4) : 0;
        boolean verify = conntrack.config.checksum && (proto == Ipv4.PROTO_TCP || (uw & 0xffff) != 0);
        if (verify && !Checksum.verifyTransport(b, l4, l4len, saddr, daddr, proto)) {
            return false;
        }
        skb.len = tot;
        skb.l4 = l4;
        skb.ipRcv();
        NetDevice in = skb.in;
        // the hook's rule parameters (XtParam) are set only where a table runs
        skb.hook = Hooks.PRE_ROUTING;
        conntrack.attach(skb, ct, ctinfo);
        int v;
        // a replied UDP entry's valid datagram only refreshes it (unless it assures it); else the tracker
        int ulen = uw >>> 16;
        int status = proto != Ipv4.PROTO_UDP || ulen > l4len || ulen < 8 ? -1 : conntrack.refreshRepliedUdp(ct, node & 1, tot);
        if (status < 0) {
            skb.csumValid = verify;
            v = conntrack.track(skb, ct, proto, Hooks.PRE_ROUTING);
            skb.csumValid = false;
            if (v == Conntrack.REPEAT) {
                // the tracker killed the entry (a SYN reopening a closed one): a fresh entry, maybe in
                // the same slot (ct == skb.ct again), whose first packet takes the full way
                stack.resumeAfterConntrack(skb, conntrack.in(skb, Hooks.PRE_ROUTING));
                return true;
            }
            if (v != Verdict.NF_ACCEPT || skb.ct != ct) {
                stack.resumeAfterConntrack(skb, v);
                return true;
            }
            status = conntrack.status(ct);
        }
        // mangle: no rules; nat: an established packet only gets its manip (nf_nat_inet_fn).
        // The NAT bits read once: only NAT's own setup (a first packet's) changes them.
        int rs = saddr;
        int rd = daddr;
        // PREROUTING's manip is the destination's (nf_nat_packet's status bit for it)
        boolean preNat = (status & Nat.statusBit(Manip.DST, node & 1)) != 0
                && stack.nat.natPacketL4(skb, Hooks.PRE_ROUTING, proto, status, false, w1, w2);
        if (preNat) {
            rs = Ipv4.saddr(b, l3);
            rd = Ipv4.daddr(b, l3);
        }
        // ip_route_input_noref(): the flow's cached forward decision, else the full routing
        int slot = FlowCache.slot(ct, ctinfo, rs, rd, in);
        long stamp = stack.host.fib.generation() + stack.host.sysctls.version();
        NetDevice out = stack.flows.out(slot, rs, rd, in, stamp);
        if (out == null) {
            stack.routing.slow(skb, slot, stamp);
            return true;
        }
        skb.rtType = Route.RTN_UNICAST;
        skb.out = out; // a cached route has no mtu metric: skb.rtMtu is ipRcv's 0, out.mtu the path's
        skb.nexthop = stack.flows.nexthop(slot);
        // ip_forward(): TTL (as read: nothing before changes it), MTU and FORWARD's mangle/security
        // with rules go the full way
        int fwdSkip = skip[Hooks.FORWARD];
        if ((int) (w1 >>> 56) <= 1 || tot > out.mtu || (fwdSkip & MANGLE_SECURITY) != MANGLE_SECURITY) {
            stack.forward(skb);
            return true;
        }
        skb.hook = Hooks.FORWARD;
        // ip_decrease_ttl(): where no rule looks at the packet before POSTROUTING's manip, the
        // TTL is decreased in that manip's one header update (the same bytes)
        boolean ttlDue = (fwdSkip & FILTER) != 0;
        if (!ttlDue) {
            Ipv4.decreaseTtl(b, l3);
            stack.setHook(skb, Hooks.FORWARD, in, out);
            v = tables.run(Tables.FILTER, Hooks.FORWARD, skb, stack.par);
            if (v != Verdict.NF_ACCEPT) {
                stack.finish(skb, v, "FORWARD");
                return true;
            }
        }
        // ip_output(): POSTROUTING; a masqueraded flow leaving by another device, mangle rules
        // or loopback go the full way
        ConntrackTable table = conntrack.table;
        int masq = table.masqIndex(ct);
        if ((skip[Hooks.POST_ROUTING] & 1 << Tables.MANGLE) == 0 || out.isLoopback()
                || masq != 0 && ctinfo == CtInfo.ESTABLISHED && masq != out.ifindex
                || (status & CtStatus.HELPER) != 0) { // nf_confirm's helper: the full way
            if (ttlDue) {
                Ipv4.decreaseTtl(b, l3);
            }
            stack.postRouting(skb);
            return true;
        }
        skb.hook = Hooks.POST_ROUTING;
        // POSTROUTING's manip is the source's; the header words read above still hold unless
        // PREROUTING's manip or FORWARD's rules came between
        if ((status & Nat.statusBit(Manip.SRC, node & 1)) != 0) {
            if (preNat || !ttlDue) {
                w1 = Ipv4.i64(b, l3 + 8);
                w2 = Ipv4.i64(b, l3 + 16);
            }
            ttlDue &= !stack.nat.natPacketL4(skb, Hooks.POST_ROUTING, proto, status, ttlDue, w1, w2);
        }
        if (ttlDue) {
            Ipv4.decreaseTtl(b, l3);
        }
        v = conntrack.confirm(skb);
        if (v != Verdict.NF_ACCEPT) {
            stack.finish(skb, v, "POSTROUTING");
            return true;
        }
        if (skb.len > out.mtu) { // a FORWARD target grew it (TCPMSS)
            Fragmenter.fragment(stack, skb, out, out.mtu);
        } else if (stack.neighbours.output(skb, out, skb.nexthop) && stack.output != null) {
            stack.output.transmit(skb, out, skb.nexthop);
        }
        conntrack.put(skb);
        handled++;
        return true;
    }
}
