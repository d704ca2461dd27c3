package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import org.junit.jupiter.api.Test;

/**
 * Conntrack's hooks run only while a rule holds a reference on it (nf_ct_netns_get() from the
 * checkentry of NAT targets, conntrack/connmark matches ...), as recorded in conntrack-on-demand
 * and rp-filter-modes; and the routing decisions recorded in forwarding-toggle / rp-filter-modes.
 * Uses {@link MasqueradeUdpTest}'s two-interface host.
 */
class ConntrackOnDemandTest {
    final MasqueradeUdpTest net = new MasqueradeUdpTest();
    final Ruleset rs = new Ruleset();

    ConntrackOnDemandTest() {
        net.stack.tables = new RulesetTables(rs);
    }

    void ipt(String... args) {
        assertThat(Iptables.run(rs, args).exitCode()).isZero();
    }

    byte[] lanDatagram(String payload) {
        return MasqueradeUdpTest.udp(MasqueradeUdpTest.LAN_HOST, MasqueradeUdpTest.SERVER, 5000, 53, payload);
    }

    @Test
    void countingRulesTrackNothingAndTheNatTableNeverRuns() {
        ipt("-A", "FORWARD", "-p", "udp");
        ipt("-t", "nat", "-A", "POSTROUTING", "-p", "udp");
        net.receive(net.eth0, lanDatagram("q1"), 0);
        assertThat(net.sentOn).containsExactly("eth1");
        assertThat(Ipv4.saddr(net.sent.getFirst(), 0)).isEqualTo(MasqueradeUdpTest.LAN_HOST);
        assertThat(net.ct.snapshot()).isEmpty();
        assertThat(net.events).isEmpty();
        assertThat(Iptables.run(rs, "-t", "nat", "-S", "-v").stdout()).contains("-c 0 0");
    }

    @Test
    void aNatRuleStartsTrackingAndItsDeletionStopsItLeavingTheEntry() {
        ipt("-A", "FORWARD", "-p", "udp");
        net.receive(net.eth0, lanDatagram("q1"), 0);
        ipt("-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE");
        net.receive(net.eth0, lanDatagram("q2"), 0.1);
        net.receive(net.eth0, lanDatagram("q3"), 0.2); // established: the fast path's way
        assertThat(Ipv4.saddr(net.sent.get(1), 0)).isEqualTo(MasqueradeUdpTest.WAN_ADDR);
        assertThat(Ipv4.saddr(net.sent.get(2), 0)).isEqualTo(MasqueradeUdpTest.WAN_ADDR);
        assertThat(net.ct.snapshot()).hasSize(1);
        ipt("-t", "nat", "-D", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE");
        net.receive(net.eth0, lanDatagram("q4"), 0.3);
        assertThat(Ipv4.saddr(net.sent.get(3), 0)).isEqualTo(MasqueradeUdpTest.LAN_HOST);
        assertThat(net.ct.snapshot()).hasSize(1); // left in the table, not moved
        assertThat(net.events).hasSize(1);
    }

    @Test
    void aConntrackMatchAloneStartsTrackingButCtNotrackDoesNot() {
        ipt("-t", "raw", "-A", "PREROUTING", "-p", "udp", "-j", "CT", "--notrack");
        net.receive(net.eth0, lanDatagram("q1"), 0);
        assertThat(net.events).isEmpty();
        ipt("-t", "raw", "-F");
        ipt("-A", "FORWARD", "-m", "conntrack", "--ctstate", "NEW");
        net.receive(net.eth0, lanDatagram("q2"), 0.1);
        assertThat(net.events).hasSize(1);
    }

    @Test
    void forwardingOffOnTheInputDeviceDropsWithoutAnIcmpError() {
        net.host.sysctls.set("net.ipv4.conf.eth0.forwarding", "0");
        net.receive(net.eth0, lanDatagram("q1"), 0);
        assertThat(net.sent).isEmpty();
    }

    @Test
    void looseReversePathFilteringRefusesASourceRoutedToABlackhole() {
        net.host.fib.addMain(new Route(Ipv4.parse("192.0.2.128"), 25, Route.RTN_BLACKHOLE, null, 0, 0, 0, 0, "main"));
        net.host.sysctls.set("net.ipv4.conf.eth1.rp_filter", "2");
        byte[] p = MasqueradeUdpTest.udp(Ipv4.parse("192.0.2.200"), MasqueradeUdpTest.LAN_HOST, 1000, 7000, "x");
        net.receive(net.eth1, p, 0);
        assertThat(net.sent).isEmpty();
        net.host.sysctls.set("net.ipv4.conf.eth1.rp_filter", "0");
        net.receive(net.eth1, MasqueradeUdpTest.udp(Ipv4.parse("192.0.2.200"), MasqueradeUdpTest.LAN_HOST, 1001, 7000, "y"), 0.1);
        assertThat(net.sentOn).containsExactly("eth0");
    }

    @Test
    void ipErrorAnswersUnreachableAndProhibitRoutesFiveAtOnceThenOneASecondPerSource() {
        net.host.fib.addMain(new Route(Ipv4.parse("198.51.100.128"), 25, Route.RTN_UNREACHABLE, null, 0, 0, 0, 0, "main"));
        net.host.fib.addMain(new Route(Ipv4.parse("198.51.100.64"), 26, Route.RTN_PROHIBIT, null, 0, 0, 0, 0, "main"));
        net.host.fib.addMain(new Route(Ipv4.parse("198.51.100.32"), 27, Route.RTN_BLACKHOLE, null, 0, 0, 0, 0, "main"));
        // as recorded (route-types-unreachable): icmp_ratelimit 0, so only ip_error's own bucket
        // limits; with the default 1000 icmp_send's shares the tokens (icmp-error-ratelimit)
        net.host.sysctls.set("net.ipv4.icmp_ratelimit", "0");
        int host = MasqueradeUdpTest.LAN_HOST;
        net.receive(net.eth0, MasqueradeUdpTest.udp(host, Ipv4.parse("198.51.100.70"), 1, 9, "p"), 0);
        net.receive(net.eth0, MasqueradeUdpTest.udp(host, Ipv4.parse("198.51.100.40"), 2, 9, "b"), 0);
        assertThat(net.sent).hasSize(1);
        assertThat(net.sent.getFirst()[21]).isEqualTo((byte) 13); // communication prohibited
        for (int i = 0; i < 7; i++) {
            net.receive(net.eth0, MasqueradeUdpTest.udp(host, Ipv4.parse("198.51.100.200"), 10 + i, 9, "u"), 0.001 * i);
        }
        assertThat(net.sent).hasSize(5); // the prohibit error took the first of the five tokens
        assertThat(net.sent.getLast()[21]).isEqualTo((byte) 1); // host unreachable
        net.receive(net.eth0, MasqueradeUdpTest.udp(host, Ipv4.parse("198.51.100.200"), 20, 9, "u"), 1.1);
        assertThat(net.sent).hasSize(6);
        net.receive(net.eth0, MasqueradeUdpTest.udp(host, Ipv4.parse("198.51.100.200"), 21, 9, "u"), 1.2);
        assertThat(net.sent).hasSize(6);
        net.receive(net.eth0, MasqueradeUdpTest.udp(Ipv4.parse("10.0.0.3"), Ipv4.parse("198.51.100.200"), 22, 9, "u"), 1.2);
        assertThat(net.sent).hasSize(7); // another source, another bucket
    }

    /** the datagram's first or second half as a fragment (8-byte aligned split of its payload) */
    static byte[] half(byte[] d, boolean first) {
        int payload = d.length - 20;
        int cut = (payload / 2) & ~7;
        int len = first ? cut : payload - cut;
        byte[] f = new byte[20 + len];
        System.arraycopy(d, 0, f, 0, 20);
        System.arraycopy(d, 20 + (first ? 0 : cut), f, 20, len);
        Ipv4.put16(f, 2, f.length);
        Ipv4.put16(f, 6, first ? 0x2000 : cut / 8);
        Ipv4.put16(f, 10, 0);
        Ipv4.put16(f, 10, dev.hairpin.packet.Checksum.compute(f, 0, 20));
        return f;
    }

    @Test
    void withoutARuleNeedingItFragmentsAreForwardedAsTheyCome() {
        ipt("-A", "FORWARD", "-f");
        byte[] d = lanDatagram("x".repeat(100));
        net.receive(net.eth0, half(d, false), 0);
        net.receive(net.eth0, half(d, true), 0.1);
        assertThat(net.sentOn).containsExactly("eth1", "eth1");
        assertThat(Ipv4.fragOff(net.sent.getFirst(), 0) & Ipv4.IP_OFFSET).isNotZero(); // the second half first
        ipt("-A", "FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
        net.receive(net.eth0, half(d, false), 0.2);
        assertThat(net.sent).hasSize(2); // held for reassembly now
        net.receive(net.eth0, half(d, true), 0.3);
        // reassembled, then out with the fragments' own boundaries, in order (frag_list)
        assertThat(net.sent).hasSize(4);
        assertThat(Ipv4.fragOff(net.sent.get(2), 0) & (Ipv4.IP_OFFSET | Ipv4.IP_MF)).isEqualTo(Ipv4.IP_MF);
        assertThat(Ipv4.fragOff(net.sent.get(3), 0) & Ipv4.IP_OFFSET).isNotZero();
    }
}
