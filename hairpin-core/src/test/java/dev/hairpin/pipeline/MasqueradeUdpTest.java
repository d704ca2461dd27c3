package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A LAN host's UDP flow through MASQUERADE on the WAN device, with a table that masquerades in
 * POSTROUTING: what the kernel did in shared/conformance/masquerade-udp (source rewritten to the
 * WAN address with the port kept, the reply un-NATed from the entry, UNREPLIED until the reply,
 * ASSURED and the 120 s stream timeout only for a packet more than 2 s after the first).
 */
class MasqueradeUdpTest {
    static final int LAN_HOST = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.53");
    static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    final Host host = new Host();
    final CtConfig cfg = new CtConfig();
    final Conntrack ct = new Conntrack(cfg, 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();
    final List<String> sentOn = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    NetDevice eth0;
    NetDevice eth1;

    MasqueradeUdpTest() {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(WAN_ADDR, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, WAN_ADDR, Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        cfg.acct = true;
        stack.tables = (table, hook, skb, par) -> {
            if (table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1) {
                return par.services.masquerade(skb, NatRange.NONE);
            }
            return Verdict.NF_ACCEPT;
        };
        stack.output = (skb, dev, nh) -> {
            sent.add(skb.copyDatagram());
            sentOn.add(dev.name);
        };
        ct.addListener((t, e, ev, u) -> events.add(ConntrackFormat.event(t, e, ev, false)));
    }

    static byte[] udp(int src, int dst, int sport, int dport, String payload) {
        byte[] data = payload.getBytes();
        int len = 28 + data.length;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, 1);
        p[8] = 64;
        p[9] = 17;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put16(p, 24, 8 + data.length);
        System.arraycopy(data, 0, p, 28, data.length);
        Ipv4.put16(p, 26, Checksum.transport(p, 0, 20, 8 + data.length));
        return p;
    }

    void receive(NetDevice in, byte[] p, double seconds) {
        ct.advance(1_000_000_000_000L + (long) (seconds * 1e9));
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    @Test
    void masqueradesKeepsThePortUnNatsTheReplyAndAssuresAfterTwoSeconds() {
        receive(eth0, udp(LAN_HOST, SERVER, 5353, 53, "query-1"), 0);
        assertThat(sentOn).containsExactly("eth1");
        byte[] out = sent.getFirst();
        assertThat(Ipv4.saddr(out, 0)).isEqualTo(WAN_ADDR);
        assertThat(Ipv4.u16(out, 20)).isEqualTo(5353);
        assertThat(Ipv4.ttl(out, 0)).isEqualTo(63);
        assertThat(Checksum.transportValid(out, 0)).isTrue();
        assertThat(Checksum.ipv4HeaderValid(out, 0)).isTrue();

        receive(eth1, udp(SERVER, WAN_ADDR, 53, 5353, "answer-1"), 0.1);
        byte[] back = sent.get(1);
        assertThat(sentOn.get(1)).isEqualTo("eth0");
        assertThat(Ipv4.daddr(back, 0)).isEqualTo(LAN_HOST);
        assertThat(Ipv4.u16(back, 22)).isEqualTo(5353);
        assertThat(Checksum.transportValid(back, 0)).isTrue();

        receive(eth0, udp(LAN_HOST, SERVER, 5353, 53, "query-3"), 2.6);

        assertThat(events).containsExactly(
                "    [NEW] udp      17 30 src=10.0.0.2 dst=198.51.100.53 sport=5353 dport=53 [UNREPLIED] src=198.51.100.53 dst=203.0.113.1 sport=53 dport=5353",
                " [UPDATE] udp      17 30 src=10.0.0.2 dst=198.51.100.53 sport=5353 dport=53 src=198.51.100.53 dst=203.0.113.1 sport=53 dport=5353",
                " [UPDATE] udp      17 120 src=10.0.0.2 dst=198.51.100.53 sport=5353 dport=53 src=198.51.100.53 dst=203.0.113.1 sport=53 dport=5353 [ASSURED]");
        int[] all = ct.snapshot();
        assertThat(all).hasSize(1);
        assertThat(ConntrackFormat.entry(ct.table, all[0], false)).isEqualTo(
                "udp      17 120 src=10.0.0.2 dst=198.51.100.53 sport=5353 dport=53 packets=2 bytes=70 src=198.51.100.53 dst=203.0.113.1 sport=53 dport=5353 packets=1 bytes=36 [ASSURED] mark=0 use=1");
    }

    @Test
    void anEntryExpiresOnTheSimulatedClockWithADestroyEventWithoutTimer() {
        receive(eth0, udp(LAN_HOST, SERVER, 6000, 53, "q"), 0);
        ct.advance(1_000_000_000_000L + 31_000_000_000L);
        assertThat(ct.snapshot()).isEmpty();
        assertThat(events.getLast()).isEqualTo(
                "[DESTROY] udp      17 src=10.0.0.2 dst=198.51.100.53 sport=6000 dport=53 packets=1 bytes=29 [UNREPLIED] src=198.51.100.53 dst=203.0.113.1 sport=53 dport=6000 packets=0 bytes=0");
    }

    @Test
    void aFlowDroppedBeforeConfirmationLeavesNoEntryAndNoEvent() {
        stack.tables = (table, hook, skb, par) -> table == Tables.FILTER && hook == Hooks.FORWARD ? Verdict.NF_DROP : Verdict.NF_ACCEPT;
        receive(eth0, udp(LAN_HOST, SERVER, 7000, 53, "q"), 0);
        assertThat(sent).isEmpty();
        assertThat(events).isEmpty();
        assertThat(ct.table.count()).isZero();
    }
}
