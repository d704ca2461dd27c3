package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * NAT port ownership ({@code Nat.owner}): with 2..8 workers, every SNAT or MASQUERADE binding a
 * worker makes has a reply tuple dispatched back to that worker, and no two workers' entries
 * hold the same reply tuple (the same NAT address:port towards the same peer), though each
 * chose its ports without looking at the others'.
 */
class NatOwnershipProperties {
    static final String RULES = """
            *nat
            -A POSTROUTING -o eth1 -d 198.51.100.0/30 -p udp -j SNAT --to-source 203.0.113.1:2000-2255
            -A POSTROUTING -o eth1 -d 198.51.100.4/30 -j SNAT --to-source 203.0.113.5-203.0.113.6
            -A POSTROUTING -o eth1 -j MASQUERADE
            COMMIT
            """;

    @Property(tries = 60)
    void everyChosenReplyComesHomeAndNoneClash(@ForAll long seed, @ForAll @IntRange(min = 2, max = 8) int n,
            @ForAll @IntRange(min = 1, max = 120) int flows) {
        SplittableRandom r = new SplittableRandom(seed);
        List<WorkersTestbed.Out> out = new ArrayList<>();
        List<WorkersTestbed.Gw> gws = new ArrayList<>();
        Workers ws = WorkersTestbed.engine(n, RULES, out, gws);
        Set<String> sent = new HashSet<>();
        Skb skb = new Skb();
        for (int i = 0; i < flows; i++) {
            // few clients, few ports, few servers: the kept port often clashes or is not home
            int src = Ipv4.parse("10.0.0.2") + r.nextInt(4);
            int dst = Ipv4.parse("198.51.100.1") + r.nextInt(8);
            int sport = 1024 + r.nextInt(3);
            byte[] p = switch (r.nextInt(3)) {
                case 0 -> WorkersTestbed.udp(src, dst, sport, 53, 8);
                case 1 -> WorkersTestbed.tcpSyn(src, dst, sport, 80, r.nextInt());
                default -> WorkersTestbed.icmpQuery(8, src, dst, sport, i);
            };
            if (!sent.add(Ipv4.protocol(p, 0) + " " + src + " " + dst + " " + sport)) {
                continue; // the same flow again
            }
            int w = ws.workerOf(p, 0, p.length);
            skb.set(p, 0, p.length);
            skb.in = gws.get(w).lan;
            ws.receive(w, skb);
            ws.settle();
        }
        assertThat(out).allSatisfy(o -> assertThat(o.where()).as(o.reason()).isEqualTo("eth1"));
        Set<List<Long>> replies = new HashSet<>();
        int entries = 0;
        for (int w = 0; w < n; w++) {
            ConntrackTable t = gws.get(w).stack.conntrack.table;
            for (int ct : gws.get(w).stack.conntrack.snapshot()) {
                entries++;
                long rk1 = t.replyK1(ct);
                long rk2 = t.replyK2(ct);
                assertThat(t.status(ct) & CtStatus.SRC_NAT).as("source-NATed").isNotZero();
                assertThat(Rss.ofTuple(rk1, rk2, n)).as("worker of reply %s", Tuple.toString(rk1, rk2)).isEqualTo(w);
                assertThat(replies.add(List.of(rk1, rk2))).as("reply tuple %s twice", Tuple.toString(rk1, rk2)).isTrue();
            }
        }
        assertThat(entries).isEqualTo(out.size());
        assertThat(ws.foreignFlows()).isZero();
        assertThat(ws.handedOff()).isZero();
    }

    /** with one worker the engine is the single stack: no owner, no steering, the kernel's search */
    @Property(tries = 5)
    void oneWorkerHasNoOwner(@ForAll long seed) {
        List<WorkersTestbed.Gw> gws = new ArrayList<>();
        Workers ws = WorkersTestbed.engine(1, RULES, new ArrayList<>(), gws);
        assertThat(ws.stack(0).nat.owner).isNull();
        assertThat(ws.stack(0).steering).isNull();
    }
}
