package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ipt_do_table semantics: first match, counters, jumps, returns, policies. */
class TableEvaluationTest {
    private final FakeServices svc = new FakeServices();
    private final XtParam par = new XtParam();

    {
        par.services = svc;
    }

    private static Ruleset load(String rules) {
        Ruleset rs = new Ruleset();
        Iptables.Result r = IptablesRestore.restore(rs, rules);
        assertThat(r.stderr()).isEmpty();
        return rs;
    }

    private static Rule rule(Ruleset rs, String table, String chain, int n) {
        return rs.table(table).chain(chain).rules().get(n - 1);
    }

    private static NetDevice dev(String name) {
        return new NetDevice(name, 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    }

    @Test
    void firstMatchingRuleDecidesAndOnlyItCounts() {
        Ruleset rs = load("""
                *filter
                :INPUT DROP [0:0]
                -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
                -A INPUT -p tcp -j DROP
                -A INPUT -p tcp -m tcp --dport 22 -j DROP
                COMMIT
                """);
        Skb skb = Packets.tcp("10.0.0.2", 40000, "10.0.0.1", 22, 0x02);
        int v = rs.table("filter").doTable(Hooks.LOCAL_IN, skb, par);
        assertThat(v).isEqualTo(Verdict.NF_ACCEPT);
        assertThat(rule(rs, "filter", "INPUT", 1).counter().packets()).isEqualTo(1);
        assertThat(rule(rs, "filter", "INPUT", 1).counter().bytes()).isEqualTo(40);
        assertThat(rule(rs, "filter", "INPUT", 2).counter().packets()).isZero();
        assertThat(rule(rs, "filter", "INPUT", 3).counter().packets()).isZero();
    }

    @Test
    void policyAppliesAtTheEndAndCountsInThePolicyCounters() {
        Ruleset rs = load("""
                *filter
                :INPUT DROP [0:0]
                -A INPUT -p udp -j ACCEPT
                COMMIT
                """);
        Skb skb = Packets.tcp("10.0.0.2", 40000, "10.0.0.1", 80, 0x02);
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, skb, par)).isEqualTo(Verdict.NF_DROP);
        Chain input = rs.table("filter").chain("INPUT");
        assertThat(input.policyCounter().packets()).isEqualTo(1);
        assertThat(input.policyCounter().bytes()).isEqualTo(40);
        assertThat(Iptables.run(rs, "-S", "-v").stdout()).contains("-P INPUT DROP -c 1 40");
    }

    @Test
    void jumpReturnsToTheRuleAfterTheJumpAndGotoDoesNot() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                :a - [0:0]
                :b - [0:0]
                -A INPUT -j a
                -A INPUT -j DROP
                -A a -p tcp -j RETURN
                -A a -j ACCEPT
                -A b -j RETURN
                COMMIT
                """);
        Skb tcp = Packets.tcp("10.0.0.2", 1, "10.0.0.1", 2, 0x10);
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, tcp, par)).isEqualTo(Verdict.NF_DROP);
        Skb udp = Packets.udp("10.0.0.2", 1, "10.0.0.1", 2);
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, udp, par)).isEqualTo(Verdict.NF_ACCEPT);
        assertThat(rule(rs, "filter", "INPUT", 1).counter().packets()).isEqualTo(2);
        assertThat(rule(rs, "filter", "INPUT", 2).counter().packets()).isEqualTo(1);

        Ruleset g = load("""
                *filter
                :INPUT DROP [0:0]
                :a - [0:0]
                -A INPUT -g a
                -A INPUT -j ACCEPT
                -A a -j RETURN
                COMMIT
                """);
        // goto pushes nothing: RETURN in a falls back to INPUT's caller, i.e. the policy
        assertThat(g.table("filter").doTable(Hooks.LOCAL_IN, tcp, par)).isEqualTo(Verdict.NF_DROP);
        assertThat(g.table("filter").chain("INPUT").policyCounter().packets()).isEqualTo(1);
        assertThat(rule(g, "filter", "INPUT", 2).counter().packets()).isZero();
    }

    @Test
    void userChainFallOffReturnsAndRuleWithoutTargetOnlyCounts() {
        Ruleset rs = load("""
                *filter
                :FORWARD ACCEPT [0:0]
                :count - [0:0]
                -A FORWARD -j count
                -A FORWARD -s 10.0.0.0/8 -j DROP
                -A count -p tcp
                COMMIT
                """);
        Skb skb = Packets.tcp("10.1.2.3", 1, "192.0.2.1", 2, 0x10);
        assertThat(rs.table("filter").doTable(Hooks.FORWARD, skb, par)).isEqualTo(Verdict.NF_DROP);
        assertThat(rule(rs, "filter", "count", 1).counter().packets()).isEqualTo(1);
    }

    @Test
    void negationsInvertEachField() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT ! -s 10.0.0.0/8 -j DROP
                -A INPUT ! -i eth+ -j DROP
                -A INPUT ! -p tcp -j DROP
                -A INPUT -p tcp -m tcp ! --dport 22 -j DROP
                COMMIT
                """);
        Table t = rs.table("filter");
        Skb ok = Packets.tcp("10.0.0.2", 1, "10.0.0.1", 22, 0x02);
        ok.in = dev("eth0");
        assertThat(t.doTable(Hooks.LOCAL_IN, ok, par)).isEqualTo(Verdict.NF_ACCEPT);
        Skb other = Packets.tcp("192.0.2.1", 1, "10.0.0.1", 22, 0x02);
        other.in = dev("eth0");
        assertThat(t.doTable(Hooks.LOCAL_IN, other, par)).isEqualTo(Verdict.NF_DROP);
        Skb wlan = Packets.tcp("10.0.0.2", 1, "10.0.0.1", 22, 0x02);
        wlan.in = dev("wlan0");
        assertThat(t.doTable(Hooks.LOCAL_IN, wlan, par)).isEqualTo(Verdict.NF_DROP);
        Skb port = Packets.tcp("10.0.0.2", 1, "10.0.0.1", 80, 0x02);
        port.in = dev("eth1");
        assertThat(t.doTable(Hooks.LOCAL_IN, port, par)).isEqualTo(Verdict.NF_DROP);
        assertThat(rule(rs, "filter", "INPUT", 4).counter().packets()).isEqualTo(1);
    }

    @Test
    void statisticNthMatchesThePacketAfterOffsetThenEveryNth() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -m statistic --mode nth --every 3 --packet 1 -j DROP
                COMMIT
                """);
        List<Integer> verdicts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            verdicts.add(rs.table("filter").doTable(Hooks.LOCAL_IN, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par));
        }
        // counter starts at every-packet = 2-1 = 1: packets 2, 5 match
        assertThat(verdicts).containsExactly(1, 0, 1, 1, 0, 1, 1);
    }

    /**
     * iptables-nft zeroes counters by re-adding each rule whose counter is not zero (and -Z CHAIN
     * N re-adds that rule): the kernel builds a new xt_statistic, so the nth counter starts over;
     * -I of another rule leaves it alone. Recorded in conformance/statistic-nth-midflow.
     */
    @Test
    void zeroingCountersRestartsTheNthCounterOfRulesThatCounted() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -m statistic --mode nth --every 3 --packet 2 -j DROP
                COMMIT
                """);
        // the rule matches the packets whose index since the rule was (re)added is 2 mod 3
        List<Integer> v = new ArrayList<>();
        Runnable pkt = () -> v.add(rs.table("filter").doTable(Hooks.LOCAL_IN, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par));
        pkt.run();                                  // index 0; the rule's counter still 0
        assertThat(Iptables.run(rs, "-Z", "INPUT").exitCode()).isZero(); // counter 0: not re-added
        pkt.run();                                  // 1
        assertThat(Iptables.run(rs, "-I", "INPUT", "-p", "icmp", "-j", "ACCEPT").exitCode()).isZero();
        pkt.run();                                  // -I leaves the rule alone: 2, match
        pkt.run();                                  // 3
        assertThat(Iptables.run(rs, "-Z", "INPUT").exitCode()).isZero(); // counted: re-added
        pkt.run();                                  // 0
        pkt.run();                                  // 1
        pkt.run();                                  // 2, match
        pkt.run();                                  // 3
        assertThat(Iptables.run(rs, "-Z", "INPUT", "2").exitCode()).isZero(); // -Z CHAIN N always re-adds
        pkt.run();                                  // 0
        pkt.run();                                  // 1 (without the restart: 5, a match)
        assertThat(v).containsExactly(1, 1, 0, 1, 1, 1, 0, 1, 1, 1);
    }

    @Test
    void statisticRandomComparesWithTheStoredProbability() {
        Ruleset rs = load("""
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -p udp -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.0.0.5
                COMMIT
                """);
        svc.nextRandom = 0x3fffffff;
        assertThat(rs.table("nat").doTable(Hooks.PRE_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par))
                .isEqualTo(Verdict.NF_ACCEPT);
        assertThat(svc.calls).hasSize(1);
        svc.nextRandom = 0xc0000000;
        rs.table("nat").doTable(Hooks.PRE_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par);
        assertThat(svc.calls).hasSize(1);
    }

    @Test
    void statisticRandomWithProbabilityOneAlwaysMatches() {
        // xt_statistic keeps lround(1.0 * 2^31) = 0x80000000 in a u32: every draw is below it
        Ruleset rs = load("""
                *nat
                :PREROUTING ACCEPT [0:0]
                -A PREROUTING -p udp -m statistic --mode random --probability 1 -j DNAT --to-destination 10.0.0.5
                COMMIT
                """);
        svc.nextRandom = 0x7fffffff;
        rs.table("nat").doTable(Hooks.PRE_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par);
        svc.nextRandom = -1;
        rs.table("nat").doTable(Hooks.PRE_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par);
        assertThat(svc.calls).hasSize(2);
    }

    @Test
    void rejectCallsTheServiceAndDrops() {
        Ruleset rs = load("""
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset
                -A FORWARD -p udp -j REJECT
                COMMIT
                """);
        Table t = rs.table("filter");
        assertThat(t.doTable(Hooks.FORWARD, Packets.tcp("1.1.1.1", 1, "2.2.2.2", 23, 2), par)).isEqualTo(0);
        assertThat(t.doTable(Hooks.FORWARD, Packets.udp("1.1.1.1", 1, "2.2.2.2", 69), par)).isEqualTo(0);
        assertThat(svc.calls).containsExactly("reject true 0", "reject false 3");
    }

    @Test
    void logBuildsTheKernelLine() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -j LOG --log-prefix "in: "
                COMMIT
                """);
        Skb skb = Packets.tcp("10.0.0.2", 40000, "10.0.0.1", 22, 0x02);
        skb.in = dev("eth0");
        rs.table("filter").doTable(Hooks.LOCAL_IN, skb, par);
        assertThat(svc.calls).containsExactly("log 4 in: IN=eth0 OUT= MAC= SRC=10.0.0.2 DST=10.0.0.1 LEN=40 TOS=0x00 "
                + "PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ");
    }

    @Test
    void traceSeesEveryStep() {
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                :a - [0:0]
                -A INPUT -p udp -j DROP
                -A INPUT -j a
                COMMIT
                """);
        List<String> steps = new ArrayList<>();
        par.trace = new RuleTrace() {
            @Override
            public void rule(Table table, Chain chain, int num, Rule rule, boolean matched) {
                steps.add(chain.name() + "#" + num + (matched ? "+" : "-"));
            }

            @Override
            public void jump(Table table, Chain from, int num, Chain to, boolean isGoto) {
                steps.add("jump " + to.name());
            }

            @Override
            public void policy(Table table, Chain chain, int verdict) {
                steps.add("policy " + chain.name());
            }
        };
        rs.table("filter").doTable(Hooks.LOCAL_IN, Packets.tcp("1.1.1.1", 1, "2.2.2.2", 2, 2), par);
        assertThat(steps).containsExactly("INPUT#1-", "INPUT#2+", "jump a", "policy INPUT");
    }

    @Test
    void recentDropsTheFourthNewSshConnectionWithinAMinute() {
        Ruleset rs = load("""
                *filter
                -A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name EVAL_SSH --rsource
                -A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 60 --hitcount 4 --name EVAL_SSH --rsource -j DROP
                COMMIT
                """);
        Table t = rs.table("filter");
        List<Integer> verdicts = new ArrayList<>();
        long[] times = {0, 1, 2, 3, 4, 70, 71};
        for (long sec : times) {
            svc.now = sec * 1_000_000_000L;
            Skb skb = Packets.tcp("198.51.100.7", 40000, "10.0.0.1", 22, 0x02);
            skb.ct = 1;
            skb.ctinfo = dev.hairpin.packet.CtInfo.NEW;
            verdicts.add(t.doTable(Hooks.LOCAL_IN, skb, par));
        }
        int a = Verdict.NF_ACCEPT;
        int d = Verdict.NF_DROP;
        // --set stamps every packet (and --update the dropped ones): the 4th and 5th see 4+ stamps
        // within 60 s; at 70 s and 71 s only the stamps of 70 (and 71) are that recent
        assertThat(verdicts).containsExactly(a, a, a, d, d, a, a);
        Skb other = Packets.tcp("198.51.100.8", 40000, "10.0.0.1", 22, 0x02);
        other.ct = 2;
        other.ctinfo = dev.hairpin.packet.CtInfo.NEW;
        assertThat(t.doTable(Hooks.LOCAL_IN, other, par)).isEqualTo(a);
    }

    @Test
    void hashlimitGarbageCollectionKeepsLiveFlowsAndDropsIdleOnes() {
        Ruleset rs = load("""
                *filter
                :INPUT DROP [0:0]
                -A INPUT -m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 1 --hashlimit-mode srcip --hashlimit-name EVAL_GC --hashlimit-htable-expire 1000 --hashlimit-htable-gcinterval 100 -j ACCEPT
                COMMIT
                """);
        Table t = rs.table("filter");
        int n = 300;
        java.util.function.IntFunction<Skb> from = k -> Packets.udp("10." + (k >> 8) + "." + (k & 0xff) + ".1",
                1000, "10.255.0.1", 53);
        svc.now = 0;
        for (int k = 0; k < n; k++) {
            assertThat(t.doTable(Hooks.LOCAL_IN, from.apply(k), par)).as("first of %d", k).isEqualTo(Verdict.NF_ACCEPT);
        }
        // garbage collections run at 0.2 s, 0.4 s ...: every flow is still live, none has credit
        for (int step = 1; step <= 4; step++) {
            svc.now = step * 200_000_000L;
            for (int k = 0; k < n; k++) {
                assertThat(t.doTable(Hooks.LOCAL_IN, from.apply(k), par)).as("%d at step %d", k, step)
                        .isEqualTo(Verdict.NF_DROP);
            }
        }
        // long idle: the buckets expired and were collected; flows start again with a full bucket
        svc.now = 10_000_000_000L;
        t.doTable(Hooks.LOCAL_IN, from.apply(n), par);
        svc.now = 10_000_000_001L;
        for (int k = 0; k < n; k++) {
            assertThat(t.doTable(Hooks.LOCAL_IN, from.apply(k), par)).as("again %d", k).isEqualTo(Verdict.NF_ACCEPT);
        }
    }

    @Test
    void withoutIpvsSynproxyOrTeeMachineryTheKernelsAnswersHold() {
        Ruleset rs = load("""
                *filter
                -A INPUT -m ipvs --ipvs -j DROP
                -A INPUT -m ipvs --vproto 6 -j DROP
                -A INPUT -p tcp -m tcp --dport 80 -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460
                -A INPUT -m ipvs ! --ipvs -j ACCEPT
                COMMIT
                *mangle
                -A PREROUTING -j TEE --gateway 10.9.9.9 --oif eth1
                COMMIT
                """);
        Table t = rs.table("filter");
        // no IPVS: only "! --ipvs" matches; SYNPROXY without a proxy drops a SYN and an ACK (with
        // or without PSH: a cookie it cannot check), lets a FIN or RST on
        assertThat(t.doTable(Hooks.LOCAL_IN, Packets.tcp("1.1.1.1", 1000, "2.2.2.2", 80, 0x02), par))
                .isEqualTo(Verdict.NF_DROP);
        assertThat(t.doTable(Hooks.LOCAL_IN, Packets.tcp("1.1.1.1", 1000, "2.2.2.2", 80, 0x18), par))
                .isEqualTo(Verdict.NF_DROP);
        assertThat(t.doTable(Hooks.LOCAL_IN, Packets.tcp("1.1.1.1", 1000, "2.2.2.2", 80, 0x11), par))
                .isEqualTo(Verdict.NF_ACCEPT);
        assertThat(rule(rs, "filter", "INPUT", 1).counter().packets()).isZero();
        assertThat(rule(rs, "filter", "INPUT", 2).counter().packets()).isZero();
        assertThat(rule(rs, "filter", "INPUT", 4).counter().packets()).isEqualTo(1);
        rs.table("mangle").doTable(Hooks.PRE_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par);
        assertThat(svc.calls).contains("dup 10.9.9.9 eth1");
        assertThat(Iptables.run(rs, "-S", "INPUT").stdout()).isEqualTo("""
                -P INPUT ACCEPT
                -A INPUT -m ipvs --ipvs -j DROP
                -A INPUT -m ipvs --vproto 6 -j DROP
                -A INPUT -p tcp -m tcp --dport 80 -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460
                -A INPUT -m ipvs ! --ipvs -j ACCEPT
                """);
        assertThat(Iptables.run(rs, "-A", "INPUT", "-j", "SYNPROXY").exitCode()).isNotZero();
    }

    @Test
    void recentListsBelongToTheirRulesetAndLiveWhileARuleUsesThem() {
        String rules = """
                *filter
                -A INPUT -m recent --rcheck --name SHARED -j DROP
                -A INPUT -m recent --set --name SHARED
                COMMIT
                """;
        Ruleset a = load(rules);
        Ruleset b = load(rules);
        Skb p1 = Packets.udp("192.0.2.1", 1, "10.0.0.1", 2);
        assertThat(a.table("filter").doTable(Hooks.LOCAL_IN, p1, par)).isEqualTo(Verdict.NF_ACCEPT);
        assertThat(a.table("filter").doTable(Hooks.LOCAL_IN, p1, par)).isEqualTo(Verdict.NF_DROP);
        // another host, same list name: its own list
        assertThat(b.table("filter").doTable(Hooks.LOCAL_IN, p1, par)).isEqualTo(Verdict.NF_ACCEPT);
        // iptables-restore replaces the rules in one transaction: the list lives on
        assertThat(IptablesRestore.restore(a, rules).exitCode()).isZero();
        assertThat(a.table("filter").doTable(Hooks.LOCAL_IN, p1, par)).isEqualTo(Verdict.NF_DROP);
        // flushed by one command, added by another: the list was destroyed in between
        assertThat(Iptables.run(a, "-F").exitCode()).isZero();
        assertThat(Iptables.run(a, "-A", "INPUT", "-m", "recent", "--rcheck", "--name", "SHARED", "-j", "DROP")
                .exitCode()).isZero();
        assertThat(a.table("filter").doTable(Hooks.LOCAL_IN, p1, par)).isEqualTo(Verdict.NF_ACCEPT);
    }

    @Test
    void hashlimitBurstThenRateAndTablesSharedByNameSurviveARestore() {
        String rules = """
                *filter
                :INPUT DROP [0:0]
                -A INPUT -p udp -m hashlimit --hashlimit-upto 10/sec --hashlimit-burst 5 --hashlimit-mode srcip --hashlimit-name EVAL_HL -j ACCEPT
                COMMIT
                """;
        Ruleset rs = load(rules);
        Skb p = Packets.udp("192.0.2.1", 1, "10.0.0.1", 2);
        svc.now = 0;
        List<Integer> got = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            got.add(rs.table("filter").doTable(Hooks.LOCAL_IN, p, par));
        }
        int a = Verdict.NF_ACCEPT;
        int d = Verdict.NF_DROP;
        assertThat(got).containsExactly(a, a, a, a, a, d, d);
        // 100 ms = 25 jiffies earn one packet at 10/s
        svc.now = 100_000_000L;
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, p, par)).isEqualTo(a);
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, p, par)).isEqualTo(d);
        // a reload keeps the table (and its empty bucket), as the kernel does
        assertThat(IptablesRestore.restore(rs, rules).exitCode()).isZero();
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, p, par)).isEqualTo(d);
        // another source has its own bucket
        assertThat(rs.table("filter").doTable(Hooks.LOCAL_IN, Packets.udp("192.0.2.2", 1, "10.0.0.1", 2), par))
                .isEqualTo(a);
    }
}
