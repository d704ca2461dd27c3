package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled evaluator (flat arrays, skip loop, jump stack) decides as a naive walk of the
 * chains with {@link IptIp#matches} does: random IP parts over a few addresses, protocols,
 * interfaces and fragment flags, random jumps, gotos and returns between two user chains.
 */
class EvaluatorEquivalenceTest {
    private static final String[] ADDRS = {"10.0.0.1", "10.0.0.2", "10.0.1.1", "192.168.1.1"};
    private static final int[] MASKS = {0, 0xffffff00, 0xffffffff, 0xffff0000};
    private static final String[] IFACES = {"", "eth0", "eth+", "wlan0", "+"};
    private static final int[] PROTOS = {0, 6, 17, 1};
    private static final String[] DEVS = {"eth0", "eth1", "wlan0"};

    record RuleSpec(int src, int smsk, int dst, int dmsk, String in, String out, int proto, int flags, int inv,
                    int action) {
        IptIp ip() {
            // nf_tables refuses a negated address with a zero mask: such rules never load
            int i = inv;
            if (smsk == 0) {
                i &= ~IptIp.INV_SRCIP;
            }
            if (dmsk == 0) {
                i &= ~IptIp.INV_DSTIP;
            }
            return new IptIp(src, smsk, dst, dmsk, in, out, proto, flags, i);
        }
    }

    @Provide
    Arbitrary<List<RuleSpec>> rules() {
        return rule().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<PacketSpec>> packets() {
        return packet().list().ofMinSize(1).ofMaxSize(20);
    }

    /** action: 0 ACCEPT, 1 DROP, 2 count only, 3 jump A, 4 goto B, 5 RETURN */
    Arbitrary<RuleSpec> rule() {
        Arbitrary<Integer> addr = Arbitraries.integers().between(0, ADDRS.length - 1).map(i -> Ipv4.parse(ADDRS[i]));
        Arbitrary<Integer> mask = Arbitraries.of(MASKS[0], MASKS[1], MASKS[2], MASKS[3]);
        Arbitrary<String> iface = Arbitraries.of(IFACES);
        Arbitrary<Integer> proto = Arbitraries.of(PROTOS[0], PROTOS[1], PROTOS[2], PROTOS[3]);
        Arbitrary<Integer> flags = Arbitraries.of(0, IptIp.F_FRAG);
        Arbitrary<Integer> inv = Arbitraries.integers().between(0, 0x7f).map(v -> v & ~IptIp.INV_TOS);
        return Combinators.combine(addr, mask, addr, mask, iface, iface, proto, flags).flatAs(
                (s, sm, d, dm, i, o, p, f) -> Combinators.combine(inv, Arbitraries.integers().between(0, 5))
                        .as((n, a) -> new RuleSpec(s, sm, d, dm, i, o, p, f, n, a)));
    }

    record PacketSpec(int src, int dst, int proto, boolean fragment, int in, int out) {}

    Arbitrary<PacketSpec> packet() {
        Arbitrary<Integer> addr = Arbitraries.integers().between(0, ADDRS.length - 1).map(i -> Ipv4.parse(ADDRS[i]));
        return Combinators.combine(addr, addr, Arbitraries.of(6, 17, 1, 47), Arbitraries.of(true, false),
                Arbitraries.integers().between(-1, DEVS.length - 1), Arbitraries.integers().between(-1, DEVS.length - 1))
                .as(PacketSpec::new);
    }

    private static Rule toRule(RuleSpec r, boolean builtin) {
        List<Match> none = List.of();
        return switch (r.action()) {
            case 0 -> Rule.verdict(r.ip(), none, Rule.Kind.ACCEPT);
            case 1 -> Rule.verdict(r.ip(), none, Rule.Kind.DROP);
            case 2 -> Rule.verdict(r.ip(), none, Rule.Kind.NONE);
            case 3 -> builtin ? Rule.jump(r.ip(), none, "A", false) : Rule.verdict(r.ip(), none, Rule.Kind.NONE);
            case 4 -> builtin ? Rule.jump(r.ip(), none, "B", true) : Rule.verdict(r.ip(), none, Rule.Kind.DROP);
            default -> Rule.verdict(r.ip(), none, Rule.Kind.RETURN);
        };
    }

    @Property(tries = 400)
    void compiledEvaluationEqualsANaiveWalk(@ForAll("rules") List<RuleSpec> fwd, @ForAll("rules") List<RuleSpec> a,
                                            @ForAll("rules") List<RuleSpec> b, @ForAll("packets") List<PacketSpec> pkts,
                                            @ForAll boolean dropPolicy) {
        List<Rule> fr = new ArrayList<>();
        fwd.forEach(r -> fr.add(toRule(r, true)));
        List<Rule> ar = new ArrayList<>();
        a.forEach(r -> ar.add(toRule(r, false)));
        List<Rule> br = new ArrayList<>();
        b.forEach(r -> br.add(toRule(r, false)));
        int policy = dropPolicy ? Verdict.NF_DROP : Verdict.NF_ACCEPT;
        Chain forward = new Chain("FORWARD", Hooks.FORWARD, policy, new Counter(), fr);
        Table t = new Table(TableDef.FILTER, List.of(forward, new Chain("A", -1, 0, new Counter(), ar), new Chain("B", -1, 0, new Counter(), br)));
        XtParam par = new XtParam();
        par.services = new FakeServices();
        for (PacketSpec p : pkts) {
            Skb skb = packet(p);
            int expected = naive(t, skb, policy);
            assertThat(t.doTable(Hooks.FORWARD, skb, par)).as("%s", p).isEqualTo(expected);
        }
    }

    private static Skb packet(PacketSpec p) {
        byte[] buf = new byte[40];
        buf[0] = 0x45;
        Ipv4.put16(buf, 2, 40);
        Ipv4.put16(buf, 6, p.fragment() ? 5 : 0);
        buf[8] = 64;
        buf[9] = (byte) p.proto();
        Ipv4.put32(buf, 12, p.src());
        Ipv4.put32(buf, 16, p.dst());
        Skb skb = new Skb(buf, 0, 40);
        skb.in = p.in() < 0 ? null : new NetDevice(DEVS[p.in()], 2 + p.in(), NetDevice.ARPHRD_ETHER, new byte[6], 1500);
        skb.out = p.out() < 0 ? null : new NetDevice(DEVS[p.out()], 2 + p.out(), NetDevice.ARPHRD_ETHER, new byte[6], 1500);
        return skb;
    }

    /** ipt_do_table as a plain walk: chains by name, a list as the return stack */
    private static int naive(Table t, Skb skb, int policy) {
        boolean frag = (Ipv4.fragOff(skb.buf, 0) & Ipv4.IP_OFFSET) != 0;
        List<int[]> stack = new ArrayList<>();
        List<Chain> chains = new ArrayList<>(t.chains());
        Chain c = t.chain("FORWARD");
        int i = 0;
        while (true) {
            if (i >= c.rules().size()) {
                if (stack.isEmpty()) {
                    return policy;
                }
                int[] top = stack.remove(stack.size() - 1);
                c = chains.get(top[0]);
                i = top[1];
                continue;
            }
            Rule r = c.rules().get(i);
            if (!r.ip().matches(skb, skb.in, skb.out, frag)) {
                i++;
                continue;
            }
            switch (r.kind()) {
                case ACCEPT -> {
                    return Verdict.NF_ACCEPT;
                }
                case DROP -> {
                    return Verdict.NF_DROP;
                }
                case NONE -> i++;
                case RETURN -> {
                    if (stack.isEmpty()) {
                        return policy;
                    }
                    int[] top = stack.remove(stack.size() - 1);
                    c = chains.get(top[0]);
                    i = top[1];
                }
                case JUMP -> {
                    stack.add(new int[] {chains.indexOf(c), i + 1});
                    c = t.chain(r.chain());
                    i = 0;
                }
                case GOTO -> {
                    c = t.chain(r.chain());
                    i = 0;
                }
                default -> throw new AssertionError(r.kind());
            }
        }
    }
}
