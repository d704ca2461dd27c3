package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The ARP side of ip_finish_output2 (net/core/neighbour.c, net/ipv4/arp.c): a packet for a
 * next hop with no neighbour entry is queued while the host asks for it (NUD_INCOMPLETE); when
 * nobody answers within mcast_solicit probes retrans_time apart (3 x 1 s by default) the entry
 * fails and each queued packet gets ICMP host unreachable (arp_error_report → ipv4_link_failure),
 * which rides the packet's conntrack entry as any icmp_send does. A packet for a failed entry
 * starts a new round. An ARP reply or request from the next hop (in a replayed capture)
 * resolves it and the queued packets leave then.
 *
 * <p>Only where the host's neighbours are known (a snapshot's {@code ip neigh}): {@link #enabled}.
 * Broadcast, multicast and devices without ARP (loopback, tun) need no entry. Not modelled: the
 * queue's byte limit (unres_qlen_bytes), entries going stale and probing again, and the error of
 * a packet the host itself sent (the kernel delivers it to its own socket, over lo).
 */
final class Neighbours {
    private final Stack stack;
    /** on when the host's neighbour table is known; off, every next hop is taken as resolved */
    boolean enabled;

    /** a neighbour being resolved: when it fails, and what waits for it */
    private static final class Pending {
        final NetDevice dev;
        final int addr;
        final long failAt;
        /** the packets, each with its entry's original k1 (is the entry it holds still the same one?) */
        final List<Skb> queue = new ArrayList<>();
        final List<Long> keys = new ArrayList<>();

        Pending(NetDevice dev, int addr, long failAt) {
            this.dev = dev;
            this.addr = addr;
            this.failAt = failAt;
        }
    }

    /** by {@code ifindex << 32 | addr} */
    private final Map<Long, Pending> pending = new HashMap<>();

    Neighbours(Stack stack) {
        this.stack = stack;
    }

    /** true: send {@code skb} now; false: it was queued (the caller must not release it) */
    boolean output(Skb skb, NetDevice dev, int nexthop) {
        if (!enabled || dev.type != NetDevice.ARPHRD_ETHER || dev.noArp || needsNoArp(skb, dev, nexthop)) {
            return true;
        }
        if (resolved(dev, nexthop)) {
            return true;
        }
        long key = (long) dev.ifindex << 32 | (nexthop & 0xffffffffL);
        Pending p = pending.get(key);
        if (p == null) { // __neigh_event_send: NUD_INCOMPLETE, the first probe now
            long retrans = stack.host.sysctls.getLong("net.ipv4.neigh." + dev.name + ".retrans_time_ms",
                    stack.host.sysctls.getLong("net.ipv4.neigh.default.retrans_time_ms", 1000));
            long probes = stack.host.sysctls.getLong("net.ipv4.neigh." + dev.name + ".mcast_solicit",
                    stack.host.sysctls.getLong("net.ipv4.neigh.default.mcast_solicit", 3))
                    + stack.host.sysctls.getLong("net.ipv4.neigh." + dev.name + ".app_solicit",
                            stack.host.sysctls.getLong("net.ipv4.neigh.default.app_solicit", 0));
            p = new Pending(dev, nexthop, stack.conntrack.now() + Math.max(1, probes) * Math.max(10, retrans) * 1_000_000L);
            pending.put(key, p);
        }
        p.queue.add(copy(skb, dev));
        p.keys.add(skb.ct >= 0 ? stack.conntrack.table.k1(skb.ct, 0) : 0L);
        return false;
    }

    private boolean resolved(NetDevice dev, int addr) {
        NetDevice d = stack.host.neighbourDevs.get(addr);
        return stack.host.neighbours.containsKey(addr) && (d == null || d == dev);
    }

    /** arp_constructor's NUD_NOARP: broadcast, multicast, a point-to-point or loopback device */
    private boolean needsNoArp(Skb skb, NetDevice dev, int nexthop) {
        if (skb.rtType == Route.RTN_BROADCAST || skb.rtType == Route.RTN_MULTICAST || nexthop == -1
                || (nexthop & 0xf0000000) == 0xe0000000) {
            return true;
        }
        Route r = stack.host.fib.lookupLocal(nexthop);
        return r != null && r.type() == Route.RTN_BROADCAST;
    }

    /** the queued packet as the kernel's skb keeps it: its bytes, devices, route and conntrack entry */
    private Skb copy(Skb skb, NetDevice dev) {
        byte[] b = java.util.Arrays.copyOfRange(skb.buf, skb.l3, skb.l3 + skb.len);
        Skb c = new Skb(b, 0, b.length);
        c.l4 = Ipv4.ihlBytes(b, 0);
        c.in = skb.in;
        c.out = dev;
        c.mark = skb.mark;
        c.nexthop = skb.nexthop;
        c.rtType = skb.rtType;
        c.local = skb.local;
        c.seq = skb.seq;
        c.zone = skb.zone;
        c.csumPartial = skb.csumPartial;
        c.ct = skb.ct;
        c.ctinfo = skb.ctinfo;
        return c;
    }

    /** neigh_timer_handler(): the entries whose probes ran out fail, their packets get host unreachable */
    void expire(long now) {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> failed = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (now >= p.failAt) {
                failed.add(p);
                it.remove();
            }
        }
        failed.sort(java.util.Comparator.comparingLong(p -> p.failAt));
        for (Pending p : failed) {
            for (int i = 0; i < p.queue.size(); i++) {
                Skb s = p.queue.get(i);
                if (s.in == null) {
                    continue; // the host's own packet: the error goes to its socket, over lo
                }
                if (s.ct >= 0 && (!stack.conntrack.table.isConfirmed(s.ct) || stack.conntrack.table.k1(s.ct, 0) != p.keys.get(i))) {
                    s.ct = -1; // the entry is gone: the error finds its own
                }
                stack.icmpSend(s, 3, 1, 0);
            }
        }
    }

    /**
     * arp_process(): an ARP packet from {@code sender} ({@code mac}) on {@code dev}: a request
     * for one of this host's addresses makes or refreshes its entry (neigh_event_ns), a reply
     * refreshes one that exists (arp_accept 0); the packets waiting for it leave now.
     */
    void arpInput(NetDevice dev, int op, int sender, byte[] mac, int target) {
        if (!enabled || sender == 0) {
            return;
        }
        long key = (long) dev.ifindex << 32 | (sender & 0xffffffffL);
        Pending p = pending.get(key);
        boolean forUs = op == 1 && stack.host.fib.isLocal(target);
        boolean known = p != null || resolved(dev, sender);
        if (!forUs && !(op == 2 && known)) {
            return;
        }
        stack.host.neighbours.put(sender, mac);
        stack.host.neighbourDevs.put(sender, dev);
        if (p != null) {
            pending.remove(key);
            for (Skb s : p.queue) {
                if (stack.output != null) {
                    stack.output.transmit(s, dev, s.nexthop);
                }
            }
        }
    }

    /** the packets waiting, for tests */
    int queued() {
        return pending.values().stream().mapToInt(p -> p.queue.size()).sum();
    }
}
