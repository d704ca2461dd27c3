package dev.hairpin.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Packets;
import org.junit.jupiter.api.Test;

/**
 * __nf_conntrack_confirm()'s clash check after an entry with one of the new flow's tuples was
 * inserted between the flow's lookups (nf_conntrack_in, NAT's used-tuple check) and its confirm:
 * those lookups found nothing, yet confirm must still see the clash.
 */
class ConfirmClashTest {
    private static final int TCP_SYN = 0x02;

    @Test
    void originalTupleInsertedAfterTheMissIsAClashUdpResolves() {
        Conntrack c = new Conntrack(new CtConfig(), 1);
        Skb s = Packets.udp("10.0.0.2", 1024, "198.51.100.1", 53);
        assertThat(c.in(s, Hooks.LOCAL_OUT)).isEqualTo(Verdict.NF_ACCEPT); // no checksum to verify
        assertThat(s.ct).isGreaterThanOrEqualTo(0);
        int loser = s.ct;
        long k1 = c.table.origK1(loser);
        long k2 = c.table.origK2(loser);
        assertThat(c.tupleTaken(Tuple.invertK1(k1), Tuple.invertK2(k2), loser)).isFalse(); // as NAT's null binding asks
        int winner = CtNetlink.create(c, k1, k2, Tuple.invertK1(k1), Tuple.invertK2(k2), 0, 30, 0, 0);
        assertThat(winner).isGreaterThanOrEqualTo(0);

        assertThat(c.confirm(s)).isEqualTo(Verdict.NF_ACCEPT);
        assertThat(s.ct).isEqualTo(winner); // nf_ct_resolve_clash: the packet takes the winner's entry
        assertThat(c.stats.clashResolve).isEqualTo(1);
        assertThat(c.table.confirmedCount()).isEqualTo(1);
    }

    @Test
    void replyTupleFoundFreeThenInsertedIsAClashTcpDrops() {
        Conntrack c = new Conntrack(new CtConfig(), 1);
        Skb s = Packets.tcp("10.0.0.2", 1024, "198.51.100.1", 80, TCP_SYN);
        assertThat(c.in(s, Hooks.LOCAL_OUT)).isEqualTo(Verdict.NF_ACCEPT); // no checksum to verify
        assertThat(s.ct).isGreaterThanOrEqualTo(0);
        int ct = s.ct;
        long rk1 = c.table.replyK1(ct);
        long rk2 = c.table.replyK2(ct);
        assertThat(c.tupleTaken(rk1, rk2, ct)).isFalse();
        // another flow whose original tuple is this flow's reply
        assertThat(CtNetlink.create(c, rk1, rk2, Tuple.invertK1(rk1), Tuple.invertK2(rk2), 0, 30, 0, 0))
                .isGreaterThanOrEqualTo(0);

        assertThat(c.confirm(s)).isEqualTo(Verdict.NF_DROP);
        assertThat(c.stats.insertFailed).isEqualTo(1);
        assertThat(c.table.confirmedCount()).isEqualTo(1);
    }
}
