package dev.hairpin.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tracer on a small router (LAN eth0 10.0.0.1/24, WAN eth1 203.0.113.1/24): each step a
 * packet takes is recorded with the netfilter meaning the kernel gives it, and each fate names
 * the real cause (the rule, the policy, conntrack).
 */
class TracerTest {
    final Host host = new Host();
    final CtConfig cfg = new CtConfig();
    final Conntrack ct;
    final Stack stack;
    final Ruleset rules = new Ruleset();
    final Tracer tracer;
    final List<String> sent = new ArrayList<>();
    NetDevice eth0;
    NetDevice eth1;
    long seq = 1;

    TracerTest() {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(Ipv4.parse("203.0.113.1"), 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        ct = new Conntrack(cfg, 1);
        ct.advance(1_000_000_000_000L);
        stack = new Stack(host, ct, new SplittableRandom(1));
        stack.tables = new RulesetTables(rules);
        stack.output = (skb, dev, nh) -> sent.add(dev.name);
        tracer = new Tracer(ct);
        stack.trace(tracer);
    }

    void load(String text) {
        assertThat(IptablesRestore.restore(rules, text).exitCode()).isZero();
    }

    PacketTrace receive(NetDevice in, byte[] p) {
        int before = tracer.traces().size();
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        skb.seq = seq++;
        stack.receive(skb);
        return tracer.get(before + 1);
    }

    static byte[] tcp(String src, int sport, String dst, int dport, int flags) {
        byte[] p = new byte[40];
        p[0] = 0x45;
        Ipv4.put16(p, 2, 40);
        p[8] = 64;
        p[9] = 6;
        Ipv4.put32(p, 12, Ipv4.parse(src));
        Ipv4.put32(p, 16, Ipv4.parse(dst));
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put32(p, 24, 1000);
        p[32] = 0x50;
        p[33] = (byte) flags;
        Ipv4.put16(p, 34, 1000);
        Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, 20));
        return p;
    }

    @Test
    void aDroppedPacketNamesTheRuleAndEachMissNamesWhatFailed() {
        load("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :checks - [0:0]
                -A FORWARD -s 192.0.2.0/24 -j ACCEPT
                -A FORWARD -p udp -j ACCEPT
                -A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT
                -A FORWARD -j checks
                -A FORWARD -p tcp -m tcp --dport 23 -j DROP
                -A checks -i eth1 -j DROP
                COMMIT
                """);
        PacketTrace t = receive(eth0, tcp("10.0.0.2", 40000, "198.51.100.10", 23, 0x02));
        assertThat(t.fate.kind()).isEqualTo(Fate.Kind.DROPPED_BY_RULE);
        assertThat(t.fate.table()).isEqualTo("filter");
        assertThat(t.fate.chain()).isEqualTo("FORWARD");
        assertThat(t.fate.rule()).isEqualTo(5);
        assertThat(t.fate.ruleText()).isEqualTo("-A FORWARD -p tcp -m tcp --dport 23 -j DROP");
        List<Step.Rule> misses = t.of(Step.Rule.class).stream().filter(r -> !r.matched()).toList();
        assertThat(misses).extracting(Step.Rule::failed)
                .containsExactly("-s 192.0.2.0/24", "-p udp", "-m tcp --dport 22", "-i eth1");
        assertThat(t.of(Step.Jump.class)).containsExactly(new Step.Jump("filter", "FORWARD", 4, "checks", false));
        assertThat(t.of(Step.Return.class)).containsExactly(new Step.Return("filter", "checks", "FORWARD"));
        assertThat(t.of(Step.Route.class)).containsExactly(new Step.Route("forward", "default via 203.0.113.254 dev eth1", "eth1", "203.0.113.254"));
        assertThat(sent).isEmpty();
    }

    @Test
    void thePolicyIsTheCauseWhenNoRuleDecides() {
        load("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                :OUTPUT ACCEPT [0:0]
                -A FORWARD -i eth1 -j ACCEPT
                COMMIT
                """);
        PacketTrace t = receive(eth0, tcp("10.0.0.2", 40000, "198.51.100.10", 80, 0x02));
        assertThat(t.fate.kind()).isEqualTo(Fate.Kind.DROPPED_BY_POLICY);
        assertThat(t.fate.describe()).isEqualTo("dropped by the policy of filter FORWARD");
    }

    @Test
    void conntrackSaysNewThenReplyAndTheNatBindingIsShownOnce() {
        load("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A POSTROUTING -o eth1 -j MASQUERADE
                COMMIT
                """);
        PacketTrace syn = receive(eth0, tcp("10.0.0.2", 40000, "198.51.100.10", 80, 0x02));
        Step.Conntrack c = syn.of(Step.Conntrack.class).getFirst();
        assertThat(c.result()).isEqualTo("new");
        assertThat(c.ctstate()).isEqualTo("NEW");
        Step.Nat snat = syn.of(Step.Nat.class).stream().filter(n -> n.manip().equals("SNAT")).findFirst().orElseThrow();
        assertThat(snat.binding()).isEqualTo("made");
        assertThat(Ipv4.toString(snat.after().saddr())).isEqualTo("203.0.113.1");
        assertThat(syn.fate.kind()).isEqualTo(Fate.Kind.SENT);
        assertThat(syn.fate.dev()).isEqualTo("eth1");
        assertThat(syn.of(Step.Event.class)).hasSize(1);
        assertThat(syn.of(Step.Event.class).getFirst().line().strip()).startsWith("[NEW] tcp");

        PacketTrace synack = receive(eth1, tcp("198.51.100.10", 80, "203.0.113.1", 40000, 0x12));
        Step.Conntrack r = synack.of(Step.Conntrack.class).getFirst();
        assertThat(r.result()).isEqualTo("hit-reply");
        assertThat(r.ctstate()).isEqualTo("ESTABLISHED (reply)");
        // the nat table is not consulted for an established flow: no rule steps in nat at all
        assertThat(synack.of(Step.Rule.class)).isEmpty();
        assertThat(synack.of(Step.Policy.class)).isEmpty();
        Step.Nat dnat = synack.of(Step.Nat.class).stream().filter(Step.Nat::rewrote).findFirst().orElseThrow();
        assertThat(dnat.binding()).isEqualTo("existing");
        assertThat(Ipv4.toString(synack.last.daddr())).isEqualTo("10.0.0.2");
        assertThat(synack.fate.dev()).isEqualTo("eth0");
    }

    @Test
    void anInvalidSegmentSaysWhyAndARejectNamesTheResetItSent() {
        load("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A FORWARD -m conntrack --ctstate INVALID -j DROP
                -A FORWARD -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset
                COMMIT
                """);
        PacketTrace bad = receive(eth0, tcp("10.0.0.2", 40000, "198.51.100.10", 80, 0x03)); // SYN+FIN
        Step.Conntrack c = bad.of(Step.Conntrack.class).getFirst();
        assertThat(c.result()).isEqualTo("invalid");
        assertThat(c.reason()).contains("invalid TCP flag combination");
        assertThat(bad.fate.kind()).isEqualTo(Fate.Kind.DROPPED_BY_RULE);
        assertThat(bad.fate.rule()).isEqualTo(1);

        PacketTrace telnet = receive(eth0, tcp("10.0.0.2", 40001, "198.51.100.10", 23, 0x02));
        assertThat(telnet.fate.kind()).isEqualTo(Fate.Kind.REJECTED);
        PacketTrace rst = tracer.get(telnet.fate.generated());
        assertThat(rst.parent).isEqualTo(telnet.id);
        assertThat(rst.header.flagNames()).contains("rst");
        assertThat(rst.fate.kind()).isEqualTo(Fate.Kind.SENT);
        assertThat(rst.fate.dev()).isEqualTo("eth0");
        assertThat(sent).containsExactly("eth0");
    }

    @Test
    void aMartianIsDroppedByTheStackWithItsReason() {
        PacketTrace t = receive(eth1, tcp("127.0.0.1", 1, "203.0.113.1", 80, 0x02));
        assertThat(t.fate.kind()).isEqualTo(Fate.Kind.DROPPED_BY_STACK);
        assertThat(t.fate.reason()).contains("martian");
    }

    @Test
    void offMeansNothingIsRecorded() {
        stack.trace(null);
        receive0(eth0, tcp("10.0.0.2", 40000, "198.51.100.10", 80, 0x02));
        assertThat(tracer.traces()).isEmpty();
        assertThat(sent).containsExactly("eth1");
    }

    void receive0(NetDevice in, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        skb.seq = seq++;
        stack.receive(skb);
    }
}
