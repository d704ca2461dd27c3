package dev.hairpin.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The destination index over runs of {@code -d a/32} rules (kube-proxy's shape) decides and
 * counts exactly as the plain rule-by-rule walk: the same table evaluated with a trace attached
 * (which walks every rule) gives the same verdict for every packet and the same counters on
 * every rule and policy afterwards. Rules repeat destinations, add ports, sources, inversions,
 * count-only rules and jumps into a user chain that is itself a run.
 */
class ClassifierEquivalenceTest {

    @Provide
    Arbitrary<List<Integer>> chain() {
        // rule kind * 256 + parameter; long enough for runs past Table.RUN_MIN
        return Arbitraries.integers().between(0, 8 * 256 - 1).list().ofMinSize(0).ofMaxSize(80);
    }

    @Provide
    Arbitrary<List<Integer>> packets() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(60);
    }

    static String rule(String chain, int spec) {
        int kind = spec >>> 8;
        int a = spec & 15;
        int b = (spec >>> 4) & 3;
        int port = 1 + ((spec >>> 6) & 3);
        String d = " -d 10.0.0." + a + "/32";
        return "-A " + chain + switch (kind) {
            case 0 -> d + " -j ACCEPT";
            case 1 -> d + " -p udp --dport " + port + " -j DROP";
            case 2 -> d + " -p tcp -j RETURN";
            case 3 -> d + " -s 10.1.0." + b + "/32 -j ACCEPT";
            case 4 -> chain.equals("FORWARD") ? d + " -j SVC" : d + " -p udp -j DROP";
            case 5 -> " -s 10.1.0." + b + "/32 -j DROP";
            case 6 -> d;
            default -> " ! -d 10.0.0." + a + "/32 -p udp --dport " + port + " -j DROP";
        } + "\n";
    }

    static Table build(List<Integer> forward, List<Integer> svc, boolean dropPolicy) {
        StringBuilder sb = new StringBuilder("*filter\n:FORWARD " + (dropPolicy ? "DROP" : "ACCEPT") + " [0:0]\n:SVC - [0:0]\n");
        forward.forEach(s -> sb.append(rule("FORWARD", s)));
        svc.forEach(s -> sb.append(rule("SVC", s)));
        sb.append("COMMIT\n");
        Ruleset rs = new Ruleset();
        IptablesRestore.restore(rs, sb.toString());
        return rs.table(TableDef.FILTER);
    }

    @Property(tries = 300)
    void indexedRunsDecideAndCountAsTheRuleByRuleWalk(@ForAll("chain") List<Integer> forward,
            @ForAll("chain") List<Integer> svc, @ForAll("packets") List<Integer> packets, @ForAll boolean dropPolicy) {
        Table fast = build(forward, svc, dropPolicy);
        Table walk = build(forward, svc, dropPolicy);
        XtParam pf = new XtParam();
        pf.services = new FakeServices();
        XtParam pw = new XtParam();
        pw.services = new FakeServices();
        pw.trace = (table, chain, num, rule, matched) -> {};
        NetDevice eth0 = new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
        for (int p : packets) {
            Skb a = packet(p, eth0);
            Skb b = packet(p, eth0);
            assertThat(fast.doTable(Hooks.FORWARD, a, pf)).as("packet %08x", p)
                    .isEqualTo(walk.doTable(Hooks.FORWARD, b, pw));
        }
        assertThat(counters(fast)).isEqualTo(counters(walk));
    }

    static List<String> counters(Table t) {
        List<String> out = new ArrayList<>();
        for (Chain c : t.chains()) {
            out.add(c.name() + " policy " + c.policyCounter().packets() + "/" + c.policyCounter().bytes());
            for (Rule r : c.rules()) {
                out.add(c.name() + " " + r.counter().packets() + "/" + r.counter().bytes());
            }
        }
        return out;
    }

    /** UDP or TCP from 10.1.0.(0..3) to 10.0.0.(0..17), destination port 1..4 */
    static Skb packet(int p, NetDevice in) {
        boolean udp = (p & 1) == 0;
        int len = udp ? 28 : 40;
        byte[] buf = new byte[len];
        buf[0] = 0x45;
        Ipv4.put16(buf, 2, len);
        buf[8] = 64;
        buf[9] = (byte) (udp ? Ipv4.PROTO_UDP : Ipv4.PROTO_TCP);
        Ipv4.put32(buf, 12, Ipv4.parse("10.1.0.0") + ((p >>> 1) & 3));
        Ipv4.put32(buf, 16, Ipv4.parse("10.0.0.0") + ((p >>> 3) % 18));
        Ipv4.put16(buf, 10, Checksum.compute(buf, 0, 20));
        Ipv4.put16(buf, 20, 4000);
        Ipv4.put16(buf, 22, 1 + ((p >>> 8) & 3));
        if (!udp) {
            buf[32] = 0x50;
        } else {
            Ipv4.put16(buf, 24, 8);
        }
        Skb skb = new Skb(buf, 0, len);
        skb.in = in;
        return skb;
    }
}
