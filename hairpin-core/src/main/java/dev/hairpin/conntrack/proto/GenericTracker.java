package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/** Any protocol without a tracker of its own (nf_conntrack_proto_generic.c): 600 s, no state. */
public final class GenericTracker implements L4Tracker {
    @Override
    public int protocol() {
        return 255;
    }

    @Override
    public String name() {
        return "unknown";
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.GENERIC));
        return Verdict.NF_ACCEPT;
    }
}
