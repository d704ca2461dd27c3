package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Next hops without a neighbour entry, as the kernel resolved them in the recording
 * conformance/neigh-unresolved (Linux 6.18, default neigh sysctls): a forwarded datagram waits
 * while the host asks; with no answer, 3 s after the first packet every queued one gets ICMP
 * host unreachable (type 3 code 1) back to its sender; the next packet starts a new round. An ARP
 * answer (arp_process, the part a replayed capture of a real box needs) sends what waited; an
 * unsolicited reply from an unknown host is ignored (arp_accept 0), a request for one of our
 * addresses makes its sender a neighbour.
 */
class NeighboursTest {
    static final long T0 = 1_000_000_000_000L;
    static final int WAN_CLIENT = Ipv4.parse("198.51.100.10");
    static final int ABSENT = Ipv4.parse("10.0.0.98");

    final Host host = new Host();
    final Conntrack ct = new Conntrack(new CtConfig(), 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();
    final List<String> sentOn = new ArrayList<>();
    final NetDevice eth0;
    final NetDevice eth1;

    NeighboursTest() {
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(Ipv4.parse("203.0.113.1"), 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, Ipv4.parse("203.0.113.1"), Route.SCOPE_LINK, 0, "main"));
        host.neighbours.put(Ipv4.parse("203.0.113.254"), new byte[] {2, 0, 0, 0, 2, 1});
        host.neighbourDevs.put(Ipv4.parse("203.0.113.254"), eth1);
        host.sysctls.set("net.ipv4.ip_forward", "1");
        stack.neighboursKnown(true);
        stack.output = (skb, dev, nh) -> {
            sent.add(skb.copyDatagram());
            sentOn.add(dev.name);
        };
    }

    void fromWan(int dst, double seconds) {
        stack.advance(T0 + (long) (seconds * 1e9));
        byte[] p = MasqueradeUdpTest.udp(WAN_CLIENT, dst, 6000, 7000, "hello?");
        Skb skb = new Skb(p, 0, p.length);
        skb.in = eth1;
        stack.receive(skb);
    }

    @Test
    void withNoAnswerTheQueuedDatagramsGetHostUnreachableAfterThreeProbes() {
        fromWan(ABSENT, 0);
        fromWan(ABSENT, 1.0);
        assertThat(sent).isEmpty();
        assertThat(stack.neighbours.queued()).isEqualTo(2);
        stack.advance(T0 + 2_999_000_000L);
        assertThat(sent).isEmpty();
        stack.advance(T0 + 3_000_000_000L);
        assertThat(sent).hasSize(2);
        assertThat(sentOn).containsOnly("eth1");
        for (byte[] e : sent) {
            assertThat(Ipv4.protocol(e, 0)).isEqualTo(Ipv4.PROTO_ICMP);
            assertThat(e[20] & 0xff).isEqualTo(3);
            assertThat(e[21] & 0xff).isEqualTo(1);
            assertThat(Ipv4.daddr(e, 0)).isEqualTo(WAN_CLIENT);
            assertThat(Ipv4.saddr(e, 0)).isEqualTo(Ipv4.parse("203.0.113.1"));
            assertThat(Ipv4.daddr(e, 28)).isEqualTo(ABSENT); // the quoted datagram, TTL already lowered
            assertThat(Ipv4.ttl(e, 28)).isEqualTo(63);
        }
        // failed: the next datagram starts another round of 3 s
        fromWan(ABSENT, 4.0);
        assertThat(sent).hasSize(2);
        stack.advance(T0 + 6_999_000_000L);
        assertThat(sent).hasSize(2);
        stack.advance(T0 + 7_000_000_000L);
        assertThat(sent).hasSize(3);
    }

    @Test
    void anArpReplySendsWhatWaitedAndLaterPacketsGoAtOnce() {
        fromWan(ABSENT, 0);
        assertThat(sent).isEmpty();
        stack.arpInput(eth0, 2, ABSENT, new byte[] {2, 0, 0, 0, 1, 98}, Ipv4.parse("10.0.0.1"));
        assertThat(sent).hasSize(1);
        assertThat(sentOn).containsExactly("eth0");
        assertThat(Ipv4.daddr(sent.get(0), 0)).isEqualTo(ABSENT);
        fromWan(ABSENT, 0.5);
        assertThat(sent).hasSize(2);
        stack.advance(T0 + 10_000_000_000L);
        assertThat(sent).hasSize(2); // no late error
    }

    @Test
    void anUnsolicitedReplyIsIgnoredARequestForUsIsNot() {
        int other = Ipv4.parse("10.0.0.77");
        stack.arpInput(eth0, 2, other, new byte[] {2, 0, 0, 0, 1, 77}, Ipv4.parse("10.0.0.1"));
        fromWan(other, 0);
        assertThat(sent).isEmpty(); // arp_accept 0: the reply made no entry
        int asker = Ipv4.parse("10.0.0.66");
        stack.arpInput(eth0, 1, asker, new byte[] {2, 0, 0, 0, 1, 66}, Ipv4.parse("10.0.0.1"));
        fromWan(asker, 0.1);
        assertThat(sent).hasSize(1);
        assertThat(Ipv4.daddr(sent.get(0), 0)).isEqualTo(asker);
    }

    @Test
    void offUnlessTheNeighboursAreKnownAndNeverForADeviceWithoutArp() {
        stack.neighboursKnown(false);
        fromWan(ABSENT, 0);
        assertThat(sent).hasSize(1);
        stack.neighboursKnown(true);
        NetDevice tun = host.add(new NetDevice("tun0", 4, NetDevice.ARPHRD_NONE, new byte[6], 1420));
        tun.addrs.add(new NetDevice.InAddr(Ipv4.parse("192.0.2.1"), 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(Ipv4.parse("192.0.2.0"), 24, Route.RTN_UNICAST, tun, 0, Ipv4.parse("192.0.2.1"), Route.SCOPE_LINK, 0, "main"));
        fromWan(Ipv4.parse("192.0.2.5"), 0.1); // a device without ARP
        assertThat(sentOn).containsExactly("eth0", "tun0");
        eth0.noArp = true; // IFF_NOARP, or a tunnel's link type (the snapshot's flags / link_type)
        fromWan(Ipv4.parse("10.0.0.97"), 0.2);
        assertThat(sentOn).containsExactly("eth0", "tun0", "eth0");
    }
}
