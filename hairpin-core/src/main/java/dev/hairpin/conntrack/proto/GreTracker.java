package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * GRE (nf_conntrack_proto_gre.c): the tuple's keys are 0 for GRE version 0 (behaving like the
 * generic tracker) and the PPTP call id for version 1 ({@link dev.hairpin.conntrack.Tuple#k2Of});
 * 30 s until both directions were seen, then 180 s and ASSURED from the first packet after the
 * reply (the reply itself still gets 30 s: SEEN_REPLY is set after the tracker ran).
 */
public final class GreTracker implements L4Tracker {
    @Override
    public int protocol() {
        return 47;
    }

    @Override
    public String name() {
        return "gre";
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        int st = c.status(ct);
        if ((st & CtStatus.SEEN_REPLY) != 0) {
            c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.GRE_STREAM));
            if ((st & (CtStatus.NAT_CLASH | CtStatus.ASSURED)) == 0) {
                c.setStatus(ct, CtStatus.ASSURED);
                c.eventCache(ct, CtEvent.ASSURED);
            }
        } else {
            c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.GRE));
        }
        return Verdict.NF_ACCEPT;
    }
}
