package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Amanda and SANE helpers through MASQUERADE as Linux 6.18 did them in the recordings
 * amanda-helper-nat and sane-helper.
 */
class AmandaSaneHelperTest {
    static final int SERVER = Ipv4.parse("10.0.0.2");
    static final int CLIENT = Ipv4.parse("198.51.100.10");
    static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    final Host host = new Host();
    final Conntrack ct = new Conntrack(new CtConfig(), 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();

    final NetDevice eth0;
    final NetDevice eth1;

    AmandaSaneHelperTest() {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(WAN_ADDR, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"),
                Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, WAN_ADDR, Route.SCOPE_LINK,
                0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        stack.tables = (table, hook, skb, par) -> {
            if (table == Tables.RAW && hook == Hooks.PRE_ROUTING && par.in == eth0 && skb.ct < 0) {
                int dport = Ipv4.u16(skb.buf, skb.l4 + 2);
                if (skb.protocol() == 17 && dport == 10080) {
                    skb.helper = CtExt.HELPER_AMANDA;
                } else if (skb.protocol() == 6 && dport == 6566) {
                    skb.helper = CtExt.HELPER_SANE;
                }
            }
            if (table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1) {
                return par.services.masquerade(skb, NatRange.NONE);
            }
            return Verdict.NF_ACCEPT;
        };
        stack.output = (skb, dev, nh) -> sent.add(skb.copyDatagram());
    }

    static byte[] udp(int src, int dst, int sport, int dport, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        byte[] u = new byte[8 + data.length];
        Ipv4.put16(u, 0, sport);
        Ipv4.put16(u, 2, dport);
        Ipv4.put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        byte[] p = PptpHelperTest.ip(src, dst, 17, u);
        Checksum.setTransport(p, 0);
        return p;
    }

    void receive(NetDevice in, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    static String udpPayload(byte[] p) {
        return new String(p, 28, Ipv4.totLen(p, 0) - 28, StandardCharsets.US_ASCII);
    }

    @Test
    void amandaAnswerExpectsItsPortsAndRefreshesTheRequestTo300Seconds() {
        receive(eth0, udp(SERVER, CLIENT, 850, 10080, "Amanda 2.6 REQ HANDLE 000-1 SEQ 1\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 850, "Amanda 2.6 REP HANDLE 000-1 SEQ 1\n"
                + "CONNECT DATA 50000 MESG 50001 INDEX 50002\nOPTIONS features=ffff;\n"));
        assertThat(ct.table.ext.expects).extracting(e -> e.dport).containsExactlyInAnyOrder(50000, 50001, 50002);
        int master = ct.table.ext.expects.getFirst().master;
        assertThat((ct.table.deadline(master) - ct.table.now()) / 1_000_000_000L).isEqualTo(300);
        assertThat((ct.table.ext.expects.getFirst().deadline - ct.table.now()) / 1_000_000_000L).isEqualTo(180);
        // the server's connection to 50000 leaves masqueraded (follows the master)
        receive(eth0, CtHelpersTest.tcp(SERVER, CLIENT, 700, 50000, 0x02, 100, 0, ""));
        assertThat(Ipv4.saddr(sent.getLast(), 0)).isEqualTo(WAN_ADDR);
    }

    @Test
    void portZeroEndsTheSearchAndOnlyFiveCharactersAreRead() {
        receive(eth0, udp(SERVER, CLIENT, 852, 10080, "REQ\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 852, "CONNECT DATA 0 MESG 50011\n"));
        assertThat(ct.table.ext.expects).isEmpty();
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 852, "CONNECT DATA 123456 STATE 50013\n"));
        assertThat(ct.table.ext.expects).extracting(e -> e.dport).containsExactlyInAnyOrder(12345, 50013);
    }

    @Test
    void clashingPortsAreRewrittenInTheAnswerWithItsLengthsAndChecksum() {
        String ports = "CONNECT DATA 50000 MESG 50001 INDEX 50002\n";
        receive(eth0, udp(SERVER, CLIENT, 850, 10080, "REQ\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 850, ports));
        // a second request answered with the same ports: each clashes with the first's (EBUSY);
        // a replay takes the kernel's draws from its datagram
        String kernel = "CONNECT DATA 61000 MESG 55595 INDEX 62967\n";
        stack.helperRewrites(skb -> kernel.getBytes(StandardCharsets.US_ASCII));
        receive(eth0, udp(SERVER, CLIENT, 851, 10080, "REQ\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 851, ports));
        byte[] out = sent.getLast();
        assertThat(udpPayload(out)).isEqualTo(kernel);
        assertThat(Checksum.transportValid(out, 0)).isTrue();
        assertThat(ct.table.ext.expects).extracting(e -> e.dport).contains(61000, 55595, 62967);
        // without the kernel's word: a port drawn above 9999 has a digit more, the datagram grows
        stack.helperRewrites(null);
        receive(eth0, udp(SERVER, CLIENT, 852, 10080, "REQ\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 852, "CONNECT DATA 9999\n"));
        receive(eth0, udp(SERVER, CLIENT, 853, 10080, "REQ\n"));
        receive(eth1, udp(CLIENT, WAN_ADDR, 10080, 853, "CONNECT DATA 9999\n"));
        out = sent.getLast();
        assertThat(udpPayload(out)).matches("CONNECT DATA [1-6][0-9]{4}\n");
        assertThat(Ipv4.u16(out, 24)).isEqualTo(8 + "CONNECT DATA 99999\n".length());
        assertThat(Checksum.transportValid(out, 0)).isTrue();
    }

    @Test
    void saneNetStartAndItsSuccessfulReplyExpectTheDataConnection() {
        receive(eth0, CtHelpersTest.tcp(SERVER, CLIENT, 40000, 6566, 0x02, 1000, 0, ""));
        receive(eth1, CtHelpersTest.tcp(CLIENT, WAN_ADDR, 6566, 40000, 0x12, 9000, 1001, ""));
        receive(eth0, CtHelpersTest.tcp(SERVER, CLIENT, 40000, 6566, 0x10, 1001, 9001, ""));
        // a 9-byte request is not looked at
        receive(eth0, CtHelpersTest.tcp(SERVER, CLIENT, 40000, 6566, 0x18, 1001, 9001, "\0\0\0\7\0\0\0\1\0"));
        receive(eth1, CtHelpersTest.tcp(CLIENT, WAN_ADDR, 6566, 40000, 0x18, 9001, 1010, "\0\0\0\0\0\0\u0020\u002a\0\0\0\0"));
        assertThat(ct.table.ext.expects).isEmpty();
        // SANE_NET_START, then status 0, zero word, port 0x4e2b (20011)
        receive(eth0, CtHelpersTest.tcp(SERVER, CLIENT, 40000, 6566, 0x18, 1010, 9013, "\0\0\0\7\0\0\0\1"));
        receive(eth1, CtHelpersTest.tcp(CLIENT, WAN_ADDR, 6566, 40000, 0x18, 9013, 1018, "\0\0\0\0\0\0\u004e\u002b\0\0\0\0"));
        assertThat(ct.table.ext.expects).singleElement().satisfies(e -> {
            assertThat(e.src).isEqualTo(SERVER); // the client's own address: no NAT half
            assertThat(e.dst).isEqualTo(CLIENT);
            assertThat(e.dport).isEqualTo(0x4e2b);
        });
    }
}
