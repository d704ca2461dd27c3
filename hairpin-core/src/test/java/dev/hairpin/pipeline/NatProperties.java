package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * NAT through the whole pipeline, for any sequence of new flows through a source NAT with a
 * small port range (so clashes and port searches happen): the table's tuples stay unique, the
 * reply to every translated packet is translated back to exactly the original tuple, and every
 * rewritten checksum equals a full recomputation (a UDP checksum of 0 stays 0).
 */
class NatProperties {
    record Flow(int client, int sport, int server, int dport, boolean tcp, int payload, boolean noUdpCsum) {}

    static final int WAN = Ipv4.parse("203.0.113.1");

    @Provide
    Arbitrary<List<Flow>> flows() {
        Arbitrary<Flow> f = Combinators.combine(
                Arbitraries.integers().between(2, 5), Arbitraries.of(1000, 1024, 1050, 2000, 40000, 65535),
                Arbitraries.integers().between(1, 3), Arbitraries.of(53, 80, 443),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 37), Arbitraries.of(true, false))
                .as((c, sp, s, dp, tcp, pl, nocs) -> new Flow(Ipv4.parse("10.0.0." + c), sp, Ipv4.parse("198.51.100." + s), dp,
                        tcp, pl, nocs));
        return f.list().ofMinSize(1).ofMaxSize(120);
    }

    // fresh for every try (jqwik may reuse the instance)
    Host host;
    Conntrack ct;
    final List<byte[]> sent = new ArrayList<>();
    final List<String> sentOn = new ArrayList<>();
    NetDevice eth0;
    NetDevice eth1;

    Stack stack(long seed) {
        host = new Host();
        ct = new Conntrack(new CtConfig(), seed);
        sent.clear();
        sentOn.clear();
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(WAN, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        Stack s = new Stack(host, ct, new SplittableRandom(seed));
        NatRange range = new NatRange(NatRange.MAP_IPS | NatRange.PROTO_SPECIFIED, WAN, WAN, 1024, 1100, 0);
        s.tables = (table, hook, skb, par) -> table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1
                ? par.services.natSetup(skb, range, Manip.SRC) : Verdict.NF_ACCEPT;
        s.output = (skb, dev, nh) -> {
            sent.add(skb.copyDatagram());
            sentOn.add(dev.name);
        };
        return s;
    }

    static byte[] packet(int src, int sport, int dst, int dport, boolean tcp, int payload, boolean noUdpCsum, int flags) {
        int l4 = tcp ? 20 : 8;
        int len = 20 + l4 + payload;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, 7);
        p[8] = 64;
        p[9] = (byte) (tcp ? 6 : 17);
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        for (int i = 0; i < payload; i++) {
            p[20 + l4 + i] = (byte) (i * 37 + sport);
        }
        if (tcp) {
            boolean synAck = (flags & 0x12) == 0x12;
            Ipv4.put32(p, 24, synAck ? 5000 : 1000);
            Ipv4.put32(p, 28, synAck ? 1001 : 0); // the SYN-ACK acknowledges the SYN (seq 1000)
            p[32] = 0x50;
            p[33] = (byte) flags;
            Ipv4.put16(p, 34, 64240);
        } else {
            Ipv4.put16(p, 24, 8 + payload);
        }
        if (tcp || !noUdpCsum) {
            Checksum.setTransport(p, 0);
        }
        return p;
    }

    @Property(tries = 150)
    void tuplesStayUniqueRepliesUnNatToTheOriginalAndChecksumsAreFull(@ForAll("flows") List<Flow> flows,
            @ForAll long seed) {
        Stack s = stack(seed);
        long now = 1_000_000_000_000L;
        Set<String> seen = new HashSet<>();
        for (Flow f : flows) {
            String key = f.tcp + " " + f.client + ":" + f.sport + ">" + f.server + ":" + f.dport;
            if (!seen.add(key)) {
                continue; // the same flow again is not new
            }
            now += 1_000_000;
            ct.advance(now);
            byte[] in = packet(f.client, f.sport, f.server, f.dport, f.tcp, f.payload, f.noUdpCsum, 0x02);
            int before = sent.size();
            receive(s, eth0, in.clone());
            if (sent.size() == before) {
                continue; // every port of the range taken: dropped at confirmation
            }
            byte[] out = sent.getLast();
            assertThat(sentOn.getLast()).isEqualTo("eth1");
            assertChecksums(in, out, f);
            assertThat(Ipv4.saddr(out, 0)).isEqualTo(WAN);
            int port = Ipv4.u16(out, 20);
            assertThat(port).isBetween(1024, 1100);

            // the answer to the translated tuple comes back as the original tuple, reversed
            byte[] reply = packet(f.server, f.dport, WAN, port, f.tcp, f.payload, f.noUdpCsum, f.tcp ? 0x12 : 0);
            receive(s, eth1, reply.clone());
            byte[] back = sent.getLast();
            assertThat(sentOn.getLast()).isEqualTo("eth0");
            assertThat(Ipv4.saddr(back, 0)).isEqualTo(f.server);
            assertThat(Ipv4.u16(back, 20)).isEqualTo(f.dport);
            assertThat(Ipv4.daddr(back, 0)).isEqualTo(f.client);
            assertThat(Ipv4.u16(back, 22)).isEqualTo(f.sport);
            assertChecksums(reply, back, f);
        }
        // one hash for both directions: no tuple twice
        Set<String> tuples = new HashSet<>();
        for (int e : ct.snapshot()) {
            for (int dir = 0; dir < 2; dir++) {
                String t = ct.table.protocol(e) + " " + ct.table.src(e, dir) + ":" + ct.table.sport(e, dir) + ">"
                        + ct.table.dst(e, dir) + ":" + ct.table.dport(e, dir);
                assertThat(tuples.add(t)).as("tuple %s appears twice", t).isTrue();
            }
        }
    }

    private void receive(Stack s, NetDevice dev, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = dev;
        s.receive(skb);
    }

    /** header checksum valid; L4 checksum as a full recomputation gives (UDP 0 stays 0) */
    private static void assertChecksums(byte[] in, byte[] out, Flow f) {
        assertThat(Checksum.ipv4HeaderValid(out, 0)).isTrue();
        int at = 20 + (f.tcp ? 16 : 6);
        int got = Ipv4.u16(out, at);
        if (!f.tcp && Ipv4.u16(in, at) == 0) {
            assertThat(got).isZero();
            return;
        }
        assertThat(got).isEqualTo(Checksum.transport(out, 0));
    }
}
