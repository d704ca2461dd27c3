package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.proto.UdpLiteTracker;
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
 * UDP-Lite and DCCP through MASQUERADE, as Linux 6.18 did in the recording udplite-dccp-nat:
 * UDP-Lite is tracked with ports (its checksum verified with 17 in the pseudo-header, over the
 * covered bytes), translated with its checksum, ASSURED at the first packet after the reply;
 * DCCP has had no tracker since 6.16: a generic entry without ports (600 s, `sport=0 dport=0`
 * as conntrack prints it), so a second host's flow to the same server clashes and is dropped.
 */
class UdpLiteDccpTest {
    static final int LAN_HOST = Ipv4.parse("10.0.0.2");
    static final int LAN_HOST2 = Ipv4.parse("10.0.0.3");
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

    UdpLiteDccpTest() {
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

    static byte[] ip(int proto, int src, int dst, byte[] l4) {
        byte[] p = new byte[20 + l4.length];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        Ipv4.put16(p, 4, 1);
        p[8] = 64;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        System.arraycopy(l4, 0, p, 20, l4.length);
        return p;
    }

    /** a UDP-Lite datagram, its checksum over {@code cscov} bytes (0: all) with {@code pseudoProto} */
    static byte[] udplite(int src, int dst, int sport, int dport, String payload, int cscov, int pseudoProto) {
        byte[] data = payload.getBytes();
        byte[] l4 = new byte[8 + data.length];
        Ipv4.put16(l4, 0, sport);
        Ipv4.put16(l4, 2, dport);
        Ipv4.put16(l4, 4, cscov);
        System.arraycopy(data, 0, l4, 8, data.length);
        int cov = cscov == 0 ? l4.length : Math.min(cscov, l4.length);
        int c = ~Checksum.sum(l4, 0, cov, Checksum.pseudoHeader(src, dst, pseudoProto, l4.length)) & 0xffff;
        Ipv4.put16(l4, 6, c == 0 ? 0xffff : c);
        return ip(UdpLiteTracker.PROTO, src, dst, l4);
    }

    static byte[] dccpRequest(int src, int dst, int sport, int dport) {
        byte[] l4 = new byte[20];
        Ipv4.put16(l4, 0, sport);
        Ipv4.put16(l4, 2, dport);
        l4[4] = 5;         // data offset: 5 words
        l4[8] = 1;         // Request, X=1
        l4[15] = 100;      // sequence number
        l4[19] = 42;       // service code
        return ip(33, src, dst, l4);
    }

    void receive(NetDevice in, byte[] p, double seconds) {
        ct.advance(1_000_000_000_000L + (long) (seconds * 1e9));
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    static boolean conntrackChecksumOk(byte[] p) {
        int len = p.length - 20;
        return UdpLiteTracker.checksumOk(p, 0, 20, len, UdpLiteTracker.coverage(p, 20, len), Ipv4.PROTO_UDP);
    }

    @Test
    void udpLiteIsMasqueradedWithItsChecksumAndAssuredAtTheNextPacketAfterTheReply() {
        receive(eth0, udplite(LAN_HOST, SERVER, 5000, 6000, "lite-query", 0, Ipv4.PROTO_UDP), 0);
        assertThat(sentOn).containsExactly("eth1");
        byte[] out = sent.getFirst();
        assertThat(Ipv4.saddr(out, 0)).isEqualTo(WAN_ADDR);
        assertThat(Ipv4.u16(out, 20)).isEqualTo(5000);
        assertThat(conntrackChecksumOk(out)).isTrue();

        receive(eth1, udplite(SERVER, WAN_ADDR, 6000, 5000, "lite-answer", 0, Ipv4.PROTO_UDP), 0.1);
        assertThat(sentOn.get(1)).isEqualTo("eth0");
        assertThat(Ipv4.daddr(sent.get(1), 0)).isEqualTo(LAN_HOST);
        assertThat(conntrackChecksumOk(sent.get(1))).isTrue();
        // partial coverage: the bytes past it do not count
        receive(eth0, udplite(LAN_HOST, SERVER, 5000, 6000, "partial-coverage", 8, Ipv4.PROTO_UDP), 0.3);
        assertThat(sent).hasSize(3);

        assertThat(events).containsExactly(
                "    [NEW] udplite  136 30 src=10.0.0.2 dst=198.51.100.10 sport=5000 dport=6000 [UNREPLIED] src=198.51.100.10 dst=203.0.113.1 sport=6000 dport=5000",
                " [UPDATE] udplite  136 30 src=10.0.0.2 dst=198.51.100.10 sport=5000 dport=6000 src=198.51.100.10 dst=203.0.113.1 sport=6000 dport=5000",
                " [UPDATE] udplite  136 120 src=10.0.0.2 dst=198.51.100.10 sport=5000 dport=6000 src=198.51.100.10 dst=203.0.113.1 sport=6000 dport=5000 [ASSURED]");
    }

    @Test
    void theRfcChecksumABadCoverageAndAZeroChecksumAreInvalid() {
        byte[] zero = udplite(LAN_HOST, SERVER, 5000, 6000, "no-sum", 0, Ipv4.PROTO_UDP);
        Ipv4.put16(zero, 26, 0);
        byte[][] bad = {
            udplite(LAN_HOST, SERVER, 5000, 6000, "rfc-sum", 0, UdpLiteTracker.PROTO),
            udplite(LAN_HOST, SERVER, 5000, 6000, "cov3", 3, Ipv4.PROTO_UDP),
            udplite(LAN_HOST, SERVER, 5000, 6000, "cov-long", 200, Ipv4.PROTO_UDP),
            zero,
        };
        for (byte[] p : bad) {
            receive(eth0, p, 0);
        }
        assertThat(ct.table.count()).isZero();
        assertThat(ct.stats.invalid).isEqualTo(4);
        // INVALID packets leave untracked, un-NATed
        assertThat(sent).hasSize(4).allSatisfy(p -> assertThat(Ipv4.saddr(p, 0)).isEqualTo(LAN_HOST));
    }

    @Test
    void withoutChecksumVerificationTheRfcChecksumIsTracked() {
        cfg.checksum = false;
        receive(eth0, udplite(LAN_HOST, SERVER, 5002, 6000, "rfc-unchecked", 0, UdpLiteTracker.PROTO), 0);
        assertThat(ct.table.count()).isEqualTo(1);
        assertThat(Ipv4.saddr(sent.getFirst(), 0)).isEqualTo(WAN_ADDR);
    }

    @Test
    void theHostsUdpLiteStackChecksWith136AndAnswersPortUnreachable() {
        receive(eth1, udplite(SERVER, WAN_ADDR, 6101, 7000, "conntrack-sum", 0, Ipv4.PROTO_UDP), 0);
        assertThat(sent).isEmpty(); // a bad checksum for udplite_rcv(): dropped silently
        receive(eth1, udplite(SERVER, WAN_ADDR, 6101, 7000, "rfc-inbound", 0, UdpLiteTracker.PROTO), 0.1);
        assertThat(sent).hasSize(1);
        byte[] icmp = sent.getFirst();
        assertThat(Ipv4.protocol(icmp, 0)).isEqualTo(Ipv4.PROTO_ICMP);
        assertThat(icmp[20] & 0xff).isEqualTo(3);
        assertThat(icmp[21] & 0xff).isEqualTo(3);
    }

    @Test
    void dccpIsAGenericEntryWithoutPortsSoASecondHostClashes() {
        receive(eth0, dccpRequest(LAN_HOST, SERVER, 40000, 5001), 0);
        receive(eth0, dccpRequest(LAN_HOST, SERVER, 40001, 5002), 0.1); // same entry: no ports
        receive(eth0, dccpRequest(LAN_HOST2, SERVER, 40000, 5001), 0.2);
        assertThat(sent).hasSize(2);
        // ports untouched, DCCP checksum left as it was (no l4 manip for a generic protocol)
        assertThat(Ipv4.u16(sent.getFirst(), 20)).isEqualTo(40000);
        assertThat(Ipv4.u16(sent.getFirst(), 26)).isEqualTo(Ipv4.u16(dccpRequest(LAN_HOST, SERVER, 40000, 5001), 26));
        int[] all = ct.snapshot();
        assertThat(all).hasSize(1);
        assertThat(ConntrackFormat.entry(ct.table, all[0], false)).isEqualTo(
                "dccp     33 599 src=10.0.0.2 dst=198.51.100.10 sport=0 dport=0 packets=2 bytes=80 [UNREPLIED] src=198.51.100.10 dst=203.0.113.1 sport=0 dport=0 packets=0 bytes=0 mark=0 use=1");
        assertThat(ct.stats.insertFailed).isEqualTo(1);
        assertThat(ct.stats.drop).isEqualTo(1);
    }
}
