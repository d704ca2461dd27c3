package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * UDP tracking (nf_conntrack_proto_udp.c): 30 s until both directions were seen, 120 s
 * ("stream") and ASSURED once a packet arrives more than 2 s after the first one on a replied
 * flow.
 */
public final class UdpTracker implements L4Tracker {
    static final long STREAM_DELAY_NS = 2_000_000_000L;

    @Override
    public int protocol() {
        return Ipv4.PROTO_UDP;
    }

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        if (!valid(c, skb, hook)) {
            return -Verdict.NF_ACCEPT;
        }
        int st = c.status(ct); // read once: nothing below changes it before setStatus
        if ((st & CtStatus.CONFIRMED) == 0) {
            c.setL4aux(ct, c.now() + STREAM_DELAY_NS); // stream_ts
        }
        if ((st & CtStatus.SEEN_REPLY) != 0) {
            boolean stream = c.now() > c.l4aux(ct);
            long timeout = c.config.timeout(stream ? CtTimeout.UDP_REPLIED : CtTimeout.UDP_UNREPLIED);
            c.refreshAcct(ct, ctinfo, skb, timeout);
            if ((st & CtStatus.NAT_CLASH) != 0) {
                return Verdict.NF_ACCEPT; // never assured: they time out soon
            }
            if (stream && (st & CtStatus.ASSURED) == 0) {
                c.setStatus(ct, CtStatus.ASSURED);
                c.eventCache(ct, CtEvent.ASSURED);
            }
        } else {
            c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.UDP_UNREPLIED));
        }
        return Verdict.NF_ACCEPT;
    }

    /** udp_error(): header present, length field sane, checksum (PRE_ROUTING, when non-zero) */
    static boolean valid(Conntrack c, Skb skb, int hook) {
        int avail = skb.l3 + skb.len - skb.l4;
        if (avail < 8) {
            return false;
        }
        int ulen = Ipv4.u16(skb.buf, skb.l4 + 4);
        if (ulen > avail || ulen < 8) {
            return false;
        }
        if (c.config.checksum && hook == Hooks.PRE_ROUTING && !skb.csumValid && !skb.csumPartial && Ipv4.u16(skb.buf, skb.l4 + 6) != 0) {
            return Checksum.verifyTransport(skb.buf, skb.l3, skb.l4, avail);
        }
        return true;
    }
}
