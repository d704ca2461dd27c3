package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;

/** a set element's {@code counter} (nft_counter): packets and bytes it saw; the rule goes on */
final class NftCounter implements Match {
    long packets;
    long bytes;

    @Override
    public String name() {
        return "nft";
    }

    @Override
    public synchronized boolean matches(Skb skb, XtParam par) {
        packets++;
        bytes += skb.len;
        return true;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --expr counter");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" counter");
    }
}
