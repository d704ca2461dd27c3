package dev.hairpin.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Packets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * nf_conntrack_max and early_drop(): the new flow's bucket and the 7 after it are searched, one
 * chain at a time, and every unassured entry of the first bucket holding one is dropped.
 */
class EarlyDropTest {
    private static int flow(Conntrack c, int sport) {
        Skb s = Packets.udp("10.0.0.2", sport, "198.51.100.9", 53);
        int v = c.in(s, Hooks.LOCAL_OUT);
        if (v != Verdict.NF_ACCEPT || s.ct < 0) {
            return -1;
        }
        int ct = s.ct;
        c.confirm(s);
        c.put(s);
        return ct;
    }

    @Test
    void oneBucketHoldsEveryoneSoAllUnassuredEntriesGo() {
        CtConfig cfg = new CtConfig();
        cfg.max = 4;
        cfg.buckets = 1;
        Conntrack c = new Conntrack(cfg, 3);
        for (int i = 0; i < 4; i++) {
            assertThat(flow(c, 1000 + i)).isGreaterThanOrEqualTo(0);
        }
        List<String> log = new ArrayList<>();
        c.kernelLog = log::add;
        assertThat(flow(c, 2000)).isGreaterThanOrEqualTo(0);
        assertThat(c.stats.earlyDrop).isEqualTo(4);
        assertThat(c.table.count()).isEqualTo(1);
        assertThat(log).isEmpty();
    }

    @Test
    void assuredEntriesAreNeverDroppedAndTheNewFlowIsRefused() {
        CtConfig cfg = new CtConfig();
        cfg.max = 2;
        cfg.buckets = 1;
        Conntrack c = new Conntrack(cfg, 3);
        for (int i = 0; i < 2; i++) {
            int ct = flow(c, 1000 + i);
            c.setStatus(ct, CtStatus.ASSURED);
        }
        List<String> log = new ArrayList<>();
        c.kernelLog = log::add;
        assertThat(flow(c, 2000)).isEqualTo(-1);
        assertThat(c.stats.earlyDrop).isZero();
        assertThat(log).containsExactly("nf_conntrack: table full, dropping packet");
    }

    /**
     * Against a naive reading of early_drop over the whole table: the same victims, for any
     * table, any bucket count and any set of assured entries.
     */
    @Property(tries = 300)
    void dropsWhatANaiveScanOfTheEightBucketsDrops(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 3) Integer> kinds,
            @ForAll @IntRange(min = 1, max = 64) int buckets,
            @ForAll @IntRange(min = 0, max = 60000) int newPort) {
        CtConfig cfg = new CtConfig();
        cfg.buckets = buckets;
        Conntrack c = new Conntrack(cfg, 11);
        List<Integer> cts = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            int ct = flow(c, 1024 + i);
            if (kinds.get(i) == 0) {
                c.setStatus(ct, CtStatus.ASSURED);
            }
            cts.add(ct);
        }
        // the naive expectation
        ConntrackTable t = c.table;
        Skb probe = Packets.udp("10.0.0.2", 61000 + newPort % 4000, "198.51.100.9", 53);
        long k1 = dev.hairpin.conntrack.Tuple.k1(probe.saddr(), probe.daddr());
        long k2 = dev.hairpin.conntrack.Tuple.k2(61000 + newPort % 4000, 53, 17, 0);
        int start = t.bucketOf(k1, k2, buckets);
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < Conntrack.EVICTION_RANGE && expected.isEmpty(); i++) {
            int b = (start + i) % buckets;
            for (int ct : cts) {
                boolean inBucket = t.bucketOf(t.origK1(ct), t.origK2(ct), buckets) == b
                        || t.bucketOf(t.replyK1(ct), t.replyK2(ct), buckets) == b;
                if (inBucket && (t.status(ct) & CtStatus.ASSURED) == 0) {
                    expected.add(ct);
                }
            }
        }
        cfg.max = kinds.size();
        int got = flow(c, 61000 + newPort % 4000);
        Set<Integer> gone = new HashSet<>();
        for (int ct : cts) {
            // a dropped entry's slot may hold the new flow now
            if (ct == got || !t.isConfirmed(ct) || t.find(t.origK1(ct), t.origK2(ct)) != ct << 1) {
                gone.add(ct);
            }
        }
        if (expected.isEmpty()) {
            assertThat(got).isEqualTo(-1);
            assertThat(gone).isEmpty();
        } else {
            assertThat(got).isGreaterThanOrEqualTo(0);
            assertThat(c.stats.earlyDrop).isEqualTo(expected.size());
            assertThat(gone).isEqualTo(expected);
        }
    }
}
