package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A gateway per worker (eth0 10.0.0.1/24 LAN, eth1 203.0.113.1/24 WAN) and datagrams to feed it. */
final class WorkersTestbed {
    static final int LAN = Ipv4.parse("10.0.0.1");
    static final int WAN = Ipv4.parse("203.0.113.1");

    /** one worker's gateway and what came out of it */
    static final class Gw {
        final Host host = new Host();
        final Stack stack;
        final Ruleset rules = new Ruleset();
        final List<Out> out;
        final NetDevice lan;
        final NetDevice wan;

        Gw(String rulesText, List<Out> out, long seed) {
            this.out = out;
            host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                    .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
            lan = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
            lan.addrs.add(new NetDevice.InAddr(LAN, 24, 0, false));
            wan = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
            wan.addrs.add(new NetDevice.InAddr(WAN, 24, 0, false));
            host.addressesChanged();
            host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, wan, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
            host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, lan, 0, LAN, Route.SCOPE_LINK, 0, "main"));
            host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, wan, 0, WAN, Route.SCOPE_LINK, 0, "main"));
            host.sysctls.set("net.ipv4.ip_forward", "1");
            CtConfig cfg = new CtConfig();
            cfg.max = 100_000;
            Conntrack ct = new Conntrack(cfg, 1);
            stack = new Stack(host, ct, new SplittableRandom(seed));
            IptablesRestore.restore(rules, rulesText);
            stack.tables = new RulesetTables(rules);
            stack.output = new Output() {
                @Override
                public void transmit(Skb skb, NetDevice dev, int nexthop) {
                    out.add(new Out(dev.name, skb.copyDatagram(), null));
                }

                @Override
                public void deliver(Skb skb) {
                    out.add(new Out("local", skb.copyDatagram(), null));
                }

                @Override
                public void drop(Skb skb, String reason) {
                    out.add(new Out("drop", skb.copyDatagram(), reason));
                }
            };
            ct.advance(1_000_000_000_000L);
        }
    }

    /** a datagram out of a device (or delivered, or dropped with a reason) */
    record Out(String where, byte[] bytes, String reason) {}

    /** W gateways as one engine, all writing to one output list */
    static Workers engine(int n, String rules, List<Out> out, List<Gw> gws) {
        return new Workers(n, w -> {
            Gw g = new Gw(rules, out, 1000 + w);
            gws.add(g);
            return g.stack;
        });
    }

    /** IPv4 datagram (20-byte header, TTL 64, id {@code id}) with {@code l4} as its payload, checksums set */
    static byte[] ip(int proto, int src, int dst, int id, byte[] l4) {
        byte[] b = new byte[20 + l4.length];
        b[0] = 0x45;
        Ipv4.put16(b, 2, b.length);
        Ipv4.put16(b, 4, id);
        b[8] = 64;
        b[9] = (byte) proto;
        Ipv4.put32(b, 12, src);
        Ipv4.put32(b, 16, dst);
        System.arraycopy(l4, 0, b, 20, l4.length);
        Checksum.setTransport(b, 0);
        Checksum.setIpv4Header(b, 0);
        return b;
    }

    static byte[] udp(int src, int dst, int sport, int dport, int payload) {
        byte[] u = new byte[8 + payload];
        Ipv4.put16(u, 0, sport);
        Ipv4.put16(u, 2, dport);
        Ipv4.put16(u, 4, u.length);
        for (int i = 0; i < payload; i++) {
            u[8 + i] = (byte) (i * 7 + payload);
        }
        return ip(Ipv4.PROTO_UDP, src, dst, 0, u);
    }

    /** transport header of {@code proto} with ports (TCP: a bare ACK-less SYN-less segment would be invalid, so only the ports matter for dispatch) */
    static byte[] ported(int proto, int src, int dst, int sport, int dport) {
        byte[] l4 = new byte[proto == Ipv4.PROTO_TCP ? 20 : 12];
        Ipv4.put16(l4, 0, sport);
        Ipv4.put16(l4, 2, dport);
        return ip(proto, src, dst, 0, l4);
    }

    /** a TCP SYN (data offset 5, window 64240) */
    static byte[] tcpSyn(int src, int dst, int sport, int dport, int seq) {
        byte[] t = new byte[20];
        Ipv4.put16(t, 0, sport);
        Ipv4.put16(t, 2, dport);
        Ipv4.put32(t, 4, seq);
        t[12] = 0x50;
        t[13] = 0x02;
        Ipv4.put16(t, 14, 64240);
        return ip(Ipv4.PROTO_TCP, src, dst, 0, t);
    }

    static byte[] icmpQuery(int type, int src, int dst, int id, int seq) {
        byte[] m = new byte[16];
        m[0] = (byte) type;
        Ipv4.put16(m, 4, id);
        Ipv4.put16(m, 6, seq);
        return ip(Ipv4.PROTO_ICMP, src, dst, 0, m);
    }

    /** ICMP error {@code type}/{@code code} from {@code src} to {@code dst} quoting {@code quoted}'s header and 8 bytes */
    static byte[] icmpError(int type, int code, int src, int dst, byte[] quoted) {
        int q = Math.min(quoted.length, 28);
        byte[] m = new byte[8 + q];
        m[0] = (byte) type;
        m[1] = (byte) code;
        System.arraycopy(quoted, 0, m, 8, q);
        return ip(Ipv4.PROTO_ICMP, src, dst, 0, m);
    }

    /** random unicast address outside 0/8, 127/8 and multicast */
    static int addr(SplittableRandom r) {
        while (true) {
            int a = r.nextInt();
            int top = a >>> 24;
            if (top != 0 && top != 127 && top < 224) {
                return a;
            }
        }
    }

    static List<Out> copy(List<Out> l) {
        return new ArrayList<>(l);
    }
}
