package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Workers} on real threads, one per worker: handed-over replies cross threads through the rings. */
class WorkersThreadsTest {
    static final String RULES = """
            *nat
            -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.9:53
            COMMIT
            """;

    /**
     * 2 workers, 300 WAN clients through a DNAT to one fixed address:port (no port to choose:
     * about half the replies arrive at the worker that does not own the flow and are handed
     * over). Each thread sends what RSS gives it, first the originals, then (after both are
     * done) the answers; every answer leaves on eth1 to its client, none is lost or doubled.
     */
    @Test
    void repliesOfFlowsThatCannotBeMadeHomeCrossThreads() throws Exception {
        int n = 2;
        int clients = 300;
        List<List<WorkersTestbed.Out>> outs = new ArrayList<>();
        List<WorkersTestbed.Gw> gws = new ArrayList<>();
        Workers ws = new Workers(n, w -> {
            List<WorkersTestbed.Out> o = new ArrayList<>();
            outs.add(o);
            WorkersTestbed.Gw g = new WorkersTestbed.Gw(RULES, o, w);
            gws.add(g);
            return g.stack;
        });
        List<List<byte[]>> originals = new ArrayList<>();
        List<List<byte[]>> replies = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            originals.add(new ArrayList<>());
            replies.add(new ArrayList<>());
        }
        for (int c = 0; c < clients; c++) {
            int client = Ipv4.parse("192.0.2.1") + c % 200;
            int port = 1024 + c;
            byte[] o = WorkersTestbed.udp(client, WorkersTestbed.WAN, port, 5353, 10);
            originals.get(ws.workerOf(o, 0, o.length)).add(o);
            byte[] r = WorkersTestbed.udp(Ipv4.parse("10.0.0.9"), client, 53, port, 6);
            replies.get(ws.workerOf(r, 0, r.length)).add(r);
        }
        CyclicBarrier originalsDone = new CyclicBarrier(n);
        AtomicInteger repliesDone = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int me = w;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Skb skb = new Skb();
                    for (byte[] p : originals.get(me)) {
                        skb.set(p, 0, p.length);
                        skb.in = gws.get(me).wan;
                        ws.receive(me, skb);
                    }
                    originalsDone.await();
                    for (byte[] p : replies.get(me)) {
                        skb.set(p, 0, p.length);
                        skb.in = gws.get(me).lan;
                        ws.receive(me, skb);
                    }
                    repliesDone.incrementAndGet();
                    while (repliesDone.get() < n) {
                        ws.poll(me);
                        Thread.onSpinWait();
                    }
                    ws.poll(me); // what the other handed over before it finished
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failures).isEmpty();
        List<WorkersTestbed.Out> all = new ArrayList<>();
        outs.forEach(all::addAll);
        assertThat(all).allSatisfy(o -> assertThat(o.reason()).isNull());
        assertThat(all.stream().filter(o -> o.where().equals("eth0"))).hasSize(clients);
        List<String> answered = all.stream().filter(o -> o.where().equals("eth1"))
                .map(o -> Ipv4.toString(Ipv4.saddr(o.bytes(), 0)) + ":" + Ipv4.u16(o.bytes(), 20) + " > "
                        + Ipv4.toString(Ipv4.daddr(o.bytes(), 0)) + ":" + Ipv4.u16(o.bytes(), 22))
                .sorted().toList();
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            expected.add("203.0.113.1:5353 > " + Ipv4.toString(Ipv4.parse("192.0.2.1") + c % 200) + ":" + (1024 + c));
        }
        Collections.sort(expected);
        assertThat(answered).containsExactlyElementsOf(expected);
        assertThat(ws.handedOff()).isBetween(50L, 250L); // about half of 300
        assertThat(ws.foreignFlows()).isEqualTo((int) ws.handedOff());
        assertThat(ws.conntrackCount()).isEqualTo(clients);
    }

    /** counters of rule sets that differ cannot be summed rule by rule */
    @Test
    void differentRuleSetsAreNotSummed() {
        Ruleset a = new Ruleset();
        IptablesRestore.restore(a, "*filter\n-A FORWARD -p udp -j ACCEPT\nCOMMIT\n");
        Ruleset b = new Ruleset();
        IptablesRestore.restore(b, "*filter\n-A FORWARD -p udp -j ACCEPT\n-A FORWARD -p tcp -j ACCEPT\nCOMMIT\n");
        assertThatThrownBy(() -> RuleCounters.sum(List.of(a, b))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filter chain FORWARD");
    }
}
