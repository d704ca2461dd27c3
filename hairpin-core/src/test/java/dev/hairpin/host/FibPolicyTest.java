package dev.hairpin.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fib_rules_lookup() as recorded in conformance/policy-routing-fwmark: rules by priority, a
 * fwmark under a mask and a source prefix select table 100, a table without a route for the
 * destination lets the walk go on to the next rule, iif is "lo" for the host's own packets.
 */
class FibPolicyTest {
    final NetDevice lo = new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536);
    final NetDevice eth0 = new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    final NetDevice eth1 = new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    final Fib fib = new Fib();
    static final int WEB = Ipv4.parse("198.51.100.10");
    static final int NEAR = Ipv4.parse("198.51.100.200");

    FibPolicyTest() {
        fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        fib.addRoute("100", new Route(Ipv4.parse("198.51.100.128"), 25, Route.RTN_UNICAST, eth1,
                Ipv4.parse("203.0.113.254"), 0, 0, 0, "100"));
        fib.addRoute("200", new Route(0, 0, Route.RTN_UNICAST, eth0, Ipv4.parse("10.0.0.254"), 0, 0, 0, "200"));
    }

    private void rules(FibRule... extra) {
        List<FibRule> all = new java.util.ArrayList<>(List.of(FibRule.toTable(0, "local"), FibRule.toTable(32766, "main"),
                FibRule.toTable(32767, "default")));
        all.addAll(List.of(extra));
        fib.setRules(all);
    }

    @Test
    void theDefaultRulesAloneAreNoPolicy() {
        rules();
        assertThat(fib.hasPolicy()).isFalse();
        assertThat(fib.lookup(WEB, Ipv4.parse("10.0.0.3"), 1, eth0).dev()).isSameAs(eth1);
    }

    @Test
    void markUnderMaskAndSourceSelectTheirTablesInPriorityOrder() {
        rules(new FibRule(1000, 0, 0, 0, 0, 0x1, 0xff, null, null, false, "200", FibRule.TO_TABLE),
                new FibRule(1001, Ipv4.parse("10.0.0.3"), 32, 0, 0, 0, 0, null, null, false, "200", FibRule.TO_TABLE));
        assertThat(fib.hasPolicy()).isTrue();
        int lan2 = Ipv4.parse("10.0.0.2");
        assertThat(fib.lookup(WEB, lan2, 0, eth0).dev()).isSameAs(eth1);
        assertThat(fib.lookup(WEB, lan2, 0x101, eth0).dev()).as("0x101 & 0xff == 1").isSameAs(eth0);
        assertThat(fib.lookup(WEB, lan2, 0x2, eth0).dev()).isSameAs(eth1);
        assertThat(fib.lookup(WEB, Ipv4.parse("10.0.0.3"), 0, eth0).gateway()).isEqualTo(Ipv4.parse("10.0.0.254"));
    }

    @Test
    void aTableWithoutARouteLetsTheNextRuleDecide() {
        rules(new FibRule(900, Ipv4.parse("10.0.0.3"), 32, 0, 0, 0, 0, null, null, false, "100", FibRule.TO_TABLE),
                new FibRule(1001, Ipv4.parse("10.0.0.3"), 32, 0, 0, 0, 0, null, null, false, "200", FibRule.TO_TABLE));
        int lan3 = Ipv4.parse("10.0.0.3");
        assertThat(fib.lookup(NEAR, lan3, 0, eth0).table()).isEqualTo("100");
        assertThat(fib.lookup(WEB, lan3, 0, eth0).table()).isEqualTo("200");
    }

    @Test
    void iifLoMeansTheHostsOwnPacketsAndNotInverts() {
        rules(new FibRule(500, 0, 0, 0, 0, 0, 0, "lo", null, false, "200", FibRule.TO_TABLE),
                new FibRule(600, 0, 0, 0, 0, 0x7, 0xff, null, null, true, "200", FibRule.TO_TABLE));
        assertThat(fib.lookup(WEB, 0, 7, null).table()).as("own packet: iif lo").isEqualTo("200");
        assertThat(fib.lookup(WEB, 0, 7, eth0).table()).as("mark 7 with not: no match").isEqualTo("main");
        assertThat(fib.lookup(WEB, 0, 8, eth0).table()).isEqualTo("200");
    }

    @Test
    void anErrorActionEndsTheLookup() {
        rules(new FibRule(100, 0, 0, WEB, 32, 0, 0, null, null, false, null, Route.RTN_UNREACHABLE));
        assertThat(fib.lookup(WEB, 0, 0, eth0).type()).isEqualTo(Route.RTN_UNREACHABLE);
        assertThat(fib.lookup(NEAR, 0, 0, eth0).dev()).isSameAs(eth1);
    }
}
