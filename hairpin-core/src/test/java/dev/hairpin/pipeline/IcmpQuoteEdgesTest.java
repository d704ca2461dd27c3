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
 * ICMP errors about a MASQUERADEd flow with unusual quotes, as Linux 6.18 did in the recording
 * icmp-quote-edges: a quoted non-first fragment has no tuple (ipv4_get_l4proto), so the error
 * is untracked (conntrack -S error), not un-NATed, and goes to the gateway; a TCP quote shorter
 * than 8 bytes is RELATED but NAT cannot make the quoted header writable, so it is dropped.
 */
class IcmpQuoteEdgesTest {
    static final int LAN_HOST = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.10");
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

    IcmpQuoteEdgesTest() {
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
        host.sysctls.set("net.ipv4.icmp_ratelimit", "0");
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
        byte[] p = new byte[28 + data.length];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
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

    /** an ICMP error from a router to the gateway quoting {@code quote} */
    static byte[] icmpError(int type, int code, byte[] quote) {
        byte[] p = new byte[28 + quote.length];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        Ipv4.put16(p, 4, 1);
        p[8] = 64;
        p[9] = 1;
        Ipv4.put32(p, 12, Ipv4.parse("198.51.100.254"));
        Ipv4.put32(p, 16, WAN_ADDR);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        p[20] = (byte) type;
        p[21] = (byte) code;
        System.arraycopy(quote, 0, p, 28, quote.length);
        Ipv4.put16(p, 22, Checksum.compute(p, 20, p.length - 20));
        return p;
    }

    void receive(NetDevice in, byte[] p, double seconds) {
        ct.advance(1_000_000_000_000L + (long) (seconds * 1e9));
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    /** the flow's datagram as the server received it (MASQUERADEd), its first {@code n} bytes */
    byte[] quoted(int n) {
        receive(eth0, udp(LAN_HOST, SERVER, 5000, 6000, "payload-payload"), 0);
        receive(eth1, udp(SERVER, WAN_ADDR, 6000, 5000, "answer"), 0.1);
        return java.util.Arrays.copyOf(sent.getFirst(), n);
    }

    @Test
    void aQuotedNonFirstFragmentIsNoKnownFlow() {
        byte[] q = quoted(28);
        Ipv4.put16(q, 6, 1); // fragment offset 8 bytes
        Ipv4.put16(q, 10, 0);
        Ipv4.put16(q, 10, Checksum.compute(q, 0, 20));
        int before = sent.size();
        receive(eth1, icmpError(3, 4, q), 0.2);
        assertThat(sent).hasSize(before); // delivered to the gateway, not forwarded
        assertThat(ct.stats.error).isEqualTo(1);
        // the same quote as a first fragment (MF) is RELATED and goes to the LAN host
        Ipv4.put16(q, 6, 0x2000);
        Ipv4.put16(q, 10, 0);
        Ipv4.put16(q, 10, Checksum.compute(q, 0, 20));
        receive(eth1, icmpError(3, 4, q), 0.3);
        assertThat(sent).hasSize(before + 1);
        assertThat(Ipv4.daddr(sent.getLast(), 0)).isEqualTo(LAN_HOST);
    }

    @Test
    void aQuoteShorterThanEightTransportBytesCannotBeTranslated() {
        byte[] q6 = quoted(26);
        byte[] q8 = java.util.Arrays.copyOf(sent.getFirst(), 28);
        int before = sent.size();
        receive(eth1, icmpError(3, 3, q6), 0.2);
        assertThat(sent).hasSize(before);
        assertThat(ct.stats.error).isZero(); // it was RELATED: dropped by NAT, not by conntrack
        receive(eth1, icmpError(3, 3, q8), 0.3);
        assertThat(sent).hasSize(before + 1);
        assertThat(Ipv4.u16(sent.getLast(), 28 + 20)).isEqualTo(5000);
        assertThat(Ipv4.saddr(sent.getLast(), 28)).isEqualTo(LAN_HOST);
    }
}
