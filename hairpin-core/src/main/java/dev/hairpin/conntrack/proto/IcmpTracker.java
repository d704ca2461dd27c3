package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * ICMP tracking (nf_conntrack_proto_icmp.c): queries (echo, timestamp, info, address mask) make
 * entries refreshed to 30 s by every packet and never assured; errors are matched, through the
 * packet they quote, to the connection they are about and become RELATED to it.
 */
public final class IcmpTracker implements L4Tracker {
    /** NR_ICMP_TYPES */
    static final int NR_ICMP_TYPES = 18;

    @Override
    public int protocol() {
        return Ipv4.PROTO_ICMP;
    }

    @Override
    public String name() {
        return "icmp";
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        int type = c.table.dport(ct, 0) >>> 8; // type of the ORIGINAL tuple
        if (type != 8 && type != 13 && type != 15 && type != 17) {
            return -Verdict.NF_ACCEPT; // can't create a new ICMP "conn" with this
        }
        c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.ICMP));
        return Verdict.NF_ACCEPT;
    }

    /** icmp_is_err() */
    public static boolean isError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /**
     * nf_conntrack_icmpv4_error(): NF_ACCEPT to go on with normal tracking (a query, or an error
     * now attached RELATED to its connection: skb.ct is then set); -NF_ACCEPT when the packet is
     * invalid or quotes no known connection (the caller counts {@code error}).
     */
    public static int error(Conntrack c, Skb skb, int hook) {
        byte[] b = skb.buf;
        int avail = skb.l3 + skb.len - skb.l4;
        if (avail < 8) {
            return -Verdict.NF_ACCEPT; // short packet
        }
        if (c.config.checksum && hook == Hooks.PRE_ROUTING && !Checksum.verifyIcmp(b, skb.l4, avail)) {
            return -Verdict.NF_ACCEPT; // bad hw icmp checksum
        }
        int type = b[skb.l4] & 0xff;
        if (type > NR_ICMP_TYPES) {
            return -Verdict.NF_ACCEPT;
        }
        if (!isError(type)) {
            return Verdict.NF_ACCEPT;
        }
        // the quoted packet: IP header + at least 8 bytes of its transport header
        int inner = skb.l4 + 8;
        int innerAvail = avail - 8;
        if (innerAvail < Ipv4.MIN_HEADER || Ipv4.version(b, inner) != 4) {
            return -Verdict.NF_ACCEPT;
        }
        int ihl = Ipv4.ihlBytes(b, inner);
        if (ihl < Ipv4.MIN_HEADER || innerAvail < ihl) {
            return -Verdict.NF_ACCEPT;
        }
        if ((Ipv4.fragOff(b, inner) & Ipv4.IP_OFFSET) != 0) {
            return -Verdict.NF_ACCEPT; // ipv4_get_l4proto(): a quoted non-first fragment has no tuple
        }
        int proto = Ipv4.protocol(b, inner);
        int il4 = inner + ihl;
        int l4avail = innerAvail - ihl;
        long k2 = Tuple.k2Of(b, il4, l4avail, proto, skb.zone);
        if (k2 == -1) {
            return -Verdict.NF_ACCEPT;
        }
        long k1 = Tuple.k1(Ipv4.saddr(b, inner), Ipv4.daddr(b, inner));
        if (proto == 47 && !c.table.ext.greKeymaps.isEmpty() && Tuple.pptpGre(b, il4, l4avail)) {
            // gre_pkt_to_tuple() for the quoted PPTP GRE packet too: its source key from the keymap
            k2 = Tuple.k2(c.table.ext.greSrcKey(k1, Tuple.dport(k2)), Tuple.dport(k2), proto, skb.zone);
        }
        // the quoted packet went the other way: look up its inverse
        long ik2 = Tuple.invertK2(k2);
        if (ik2 == -1) {
            return -Verdict.NF_ACCEPT;
        }
        int node = c.findLive(Tuple.invertK1(k1), ik2);
        if (node < 0) {
            return -Verdict.NF_ACCEPT;
        }
        int ct = node >>> 1;
        int dir = node & 1;
        if (skb.daddr() != c.table.dst(ct, dir)) {
            return -Verdict.NF_ACCEPT; // outer daddr != inner
        }
        c.attach(skb, ct, dir == 0 ? CtInfo.RELATED : CtInfo.RELATED_REPLY);
        return Verdict.NF_ACCEPT;
    }
}
