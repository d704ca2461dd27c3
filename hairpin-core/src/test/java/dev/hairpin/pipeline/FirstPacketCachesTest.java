package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.IptablesRestore;
import dev.hairpin.workload.Gateway;
import dev.hairpin.workload.UdpFlows;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the first-packet path remembers between connections (MASQUERADE's source address, the
 * by-source hash, the skip masks read once per packet) must never outlive what it was derived
 * from: the next new flow sees every change.
 */
class FirstPacketCachesTest {
    /** a gateway (eth0 LAN, eth1 WAN, MASQUERADE out of eth1) recording each transmitted datagram's source */
    static final class Gw {
        final Gateway gw = new Gateway(10_000, true, 0);
        final List<Integer> sources = new ArrayList<>();
        final List<Integer> sports = new ArrayList<>();

        Gw() {
            gw.clock(1_000_000_000_000L);
            gw.tap = (skb, dev, nh) -> {
                sources.add(Ipv4.saddr(skb.buf, skb.l3));
                sports.add(Ipv4.u16(skb.buf, skb.l4));
            };
        }

        void send(int saddr, int sport, int daddr) {
            sendVia(gw, saddr, sport, daddr);
        }
    }

    static final int LAN_HOST = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.1");

    @Test
    void masqueradeSeesTheOutDevicesNewAddressAtTheNextNewFlow() {
        Gw g = new Gw();
        g.send(LAN_HOST, 1000, SERVER);
        g.send(LAN_HOST, 1001, SERVER);
        assertThat(g.sources).containsExactly(Gateway.WAN_ADDR, Gateway.WAN_ADDR);

        // ip addr flush dev eth1; ip addr add 203.0.113.9/24 dev eth1
        int fresh = Ipv4.parse("203.0.113.9");
        g.gw.wan.addrs.clear();
        g.gw.wan.addrs.add(new NetDevice.InAddr(fresh, 24, 0, false));
        g.gw.host.addressesChanged();
        g.send(LAN_HOST, 1002, SERVER);
        assertThat(g.sources.getLast()).isEqualTo(fresh);
    }

    @Test
    void masqueradeSeesAnAddedDeviceWhenTheOutDeviceHasNone() {
        Gw g = new Gw();
        g.gw.wan.addrs.clear(); // the routes stay: the flow still leaves by eth1
        g.gw.host.addressesChanged();
        g.send(LAN_HOST, 1000, SERVER);
        // inet_select_addr falls back to another device's universe-scope address: eth0's
        assertThat(g.sources).containsExactly(Gateway.LAN_ADDR);

        // a device added before eth0 would not change that answer (first device first), so add
        // one and drop eth0's address: the next flow must find the new device's address
        NetDevice d = g.gw.host.add(new NetDevice("eth2", 4, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        d.addrs.add(new NetDevice.InAddr(Ipv4.parse("192.0.2.1"), 24, 0, false));
        g.gw.lan.addrs.clear();
        g.gw.lan.addrs.add(new NetDevice.InAddr(Gateway.LAN_ADDR, 8, Route.SCOPE_HOST, false));
        g.gw.host.addressesChanged();
        g.send(LAN_HOST, 1001, SERVER);
        assertThat(g.sources.getLast()).isEqualTo(Ipv4.parse("192.0.2.1"));
    }

    @Test
    void aRuleAddedBetweenPacketsIsSeenByTheNextPacket() {
        Gw g = new Gw();
        g.send(LAN_HOST, 1000, SERVER); // the full path: every FORWARD table skipped
        sendVia(g.gw, g.gw.wan, SERVER, 53, Gateway.WAN_ADDR, 1000); // the reply: the flow is established
        assertThat(g.gw.transmitted).isEqualTo(2);
        // a mangle rule sends FastPath's packets to Stack.forward, where the filter now drops
        IptablesRestore.restore(g.gw.ruleset, "*mangle\n-A FORWARD -j MARK --set-mark 1\nCOMMIT\n"
                + "*filter\n-A FORWARD -d 198.51.100.1/32 -j DROP\nCOMMIT\n");
        g.send(LAN_HOST, 1000, SERVER); // established: FastPath, then forward
        g.send(LAN_HOST, 1001, SERVER); // new: the full path
        assertThat(g.gw.transmitted).isEqualTo(2);
        assertThat(g.gw.dropped).isEqualTo(2);
    }

    /**
     * The full path trusts FastPath's header checks when FastPath noted a lookup miss for the
     * packet (Stack.firstPacket): a new flow's datagram FastPath would look up only after those
     * checks. Damaged headers and fragments of new flows must still meet ip_rcv and defrag.
     */
    @Test
    void aNewFlowsBadHeaderOrFragmentStillGoesIpRcvsWay() {
        Gateway gw = new Gateway(100, true, 0);
        gw.clock(1_000_000_000_000L);
        List<String> drops = new ArrayList<>();
        Output sink = gw.stack.output;
        gw.stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                sink.transmit(skb, dev, nexthop);
            }

            @Override
            public void drop(Skb skb, String reason) {
                drops.add(reason);
            }
        };
        byte[] bad = datagram(LAN_HOST, 3000, SERVER, 53);
        bad[10] ^= 1; // header checksum
        receive(gw, bad);
        byte[] longer = datagram(LAN_HOST, 3001, SERVER, 53);
        Ipv4.put16(longer, 2, UdpFlows.LEN + 1); // total length beyond the data
        Ipv4.put16(longer, 10, 0);
        Ipv4.put16(longer, 10, dev.hairpin.packet.Checksum.compute(longer, 0, 20));
        receive(gw, longer);
        byte[] frag = datagram(LAN_HOST, 3002, SERVER, 53);
        Ipv4.put16(frag, 6, Ipv4.IP_MF); // a first fragment: queued until the rest comes
        Ipv4.put16(frag, 10, 0);
        Ipv4.put16(frag, 10, dev.hairpin.packet.Checksum.compute(frag, 0, 20));
        receive(gw, frag);
        assertThat(drops).containsExactly("ip_rcv: bad header checksum", "ip_rcv: bad header length");
        assertThat(gw.transmitted).isZero();
        assertThat(gw.conntrack.table.count()).isZero();
        // and the same flow's intact datagram goes through
        receive(gw, datagram(LAN_HOST, 3000, SERVER, 53));
        assertThat(gw.transmitted).isEqualTo(1);
    }

    private static void receive(Gateway gw, byte[] b) {
        Skb skb = new Skb(b, 0, b.length);
        skb.in = gw.lan;
        gw.stack.receive(skb);
    }

    /**
     * find_appropriate_src across the by-source table's resizes: with two addresses to choose
     * from, a second connection from the same source and port takes the first one's address
     * (not the one jhash would choose for its destination), however many entries came between.
     */
    @Test
    void aSourceKeepsItsMappingAcrossByHashResizes() {
        Gateway gw = new Gateway(10_000, false, 0);
        gw.clock(1_000_000_000_000L);
        IptablesRestore.restore(gw.ruleset, "*nat\n-A POSTROUTING -o eth1 -j SNAT --to-source 203.0.113.1-203.0.113.2\nCOMMIT\n");
        List<Integer> src = new ArrayList<>();
        gw.tap = (skb, dev, nh) -> src.add(Ipv4.saddr(skb.buf, skb.l3));
        int n = 3000; // the by-source buckets start at 1024: two resizes on the way
        for (int i = 0; i < n; i++) {
            sendVia(gw, Ipv4.parse("10.0.1.0") + i / 1000, 2000 + i % 1000, SERVER);
        }
        int differ = 0;
        for (int i = 0; i < n; i++) {
            sendVia(gw, Ipv4.parse("10.0.1.0") + i / 1000, 2000 + i % 1000, SERVER + 1 + i % 7);
            assertThat(src.getLast()).as("flow %d's second connection", i).isEqualTo(src.get(i));
        }
        assertThat(src).hasSize(2 * n);
        // the choice by jhash alone would differ for some of them (so the test can fail)
        for (int i = 0; i < n; i++) {
            differ += jhashChoice(Ipv4.parse("10.0.1.0") + i / 1000, SERVER + 1 + i % 7) != src.get(i) ? 1 : 0;
        }
        assertThat(differ).isPositive();
    }

    private static void sendVia(Gateway gw, int saddr, int sport, int daddr) {
        sendVia(gw, gw.lan, saddr, sport, daddr, 53);
    }

    private static void sendVia(Gateway gw, NetDevice in, int saddr, int sport, int daddr, int dport) {
        Skb skb = new Skb(datagram(saddr, sport, daddr, dport), 0, UdpFlows.LEN);
        skb.in = in;
        gw.stack.receive(skb);
    }

    /** a 56-byte UDP datagram with its header checksum (UDP checksum 0: none) */
    static byte[] datagram(int saddr, int sport, int daddr, int dport) {
        byte[] b = new byte[UdpFlows.LEN];
        b[0] = 0x45;
        Ipv4.put16(b, 2, UdpFlows.LEN);
        b[8] = 64;
        b[9] = (byte) Ipv4.PROTO_UDP;
        Ipv4.put32(b, 12, saddr);
        Ipv4.put32(b, 16, daddr);
        Ipv4.put16(b, 10, dev.hairpin.packet.Checksum.compute(b, 0, 20));
        Ipv4.put16(b, 20, sport);
        Ipv4.put16(b, 22, dport);
        Ipv4.put16(b, 24, UdpFlows.LEN - 20);
        return b;
    }

    /** find_best_ips_proto's pick between 203.0.113.1 and .2 for (src, dst) */
    private static int jhashChoice(int src, int dst) {
        int seed = dev.hairpin.nat.Jhash.leWord(dst);
        int j = dev.hairpin.nat.Jhash.jhash2Words4(dev.hairpin.nat.Jhash.leWord(src), 0, 0, 0, seed);
        return Ipv4.parse("203.0.113.1") + dev.hairpin.nat.Jhash.reciprocalScale(j, 2);
    }
}
