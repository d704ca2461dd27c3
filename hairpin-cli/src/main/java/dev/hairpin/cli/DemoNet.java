package dev.hairpin.cli;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.io.Snapshot;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's home network around one engine stack: the router (LAN eth0 10.0.0.1/24, WAN eth1
 * 203.0.113.1/24), its rules loaded through iptables-restore, and the hosts on both sides as
 * scripts that answer what the router actually sent them (so replies go to the translated
 * address and port, as on a real wire). The clock is simulated.
 */
final class DemoNet {
    static final int ROUTER_LAN = Ipv4.parse("10.0.0.1");
    static final int ROUTER_WAN = Ipv4.parse("203.0.113.1");
    static final long T0 = 1_000_000_000_000L;

    final Host host = new Host();
    final NetDevice lo;
    final NetDevice eth0;
    final NetDevice eth1;
    final Conntrack conntrack;
    final Stack stack;
    final Ruleset ruleset = new Ruleset();
    long now = T0;
    private long seq = 1;

    /** what one packet caused: frames sent (device, datagram), local delivery, drop reasons */
    record Sent(NetDevice dev, byte[] ip) {}

    static final class Result {
        final List<Sent> sent = new ArrayList<>();
        boolean delivered;
        final List<String> dropped = new ArrayList<>();

        /** the first frame sent that is not an ICMP error the router made */
        Sent forwarded() {
            for (Sent s : sent) {
                if (Ipv4.protocol(s.ip, 0) != Ipv4.PROTO_ICMP || (s.ip[20] & 0xff) == 0 || (s.ip[20] & 0xff) == 8) {
                    return s;
                }
            }
            return null;
        }
    }

    private Result current;

    DemoNet(int conntrackMax, String rules) {
        lo = host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536));
        lo.addrs.add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[] {2, 0, 0, 0, 0, 1}, 1500));
        eth0.addrs.add(new NetDevice.InAddr(ROUTER_LAN, 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[] {2, 0, 0, 0, 0, 2}, 1500));
        eth1.addrs.add(new NetDevice.InAddr(ROUTER_WAN, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, ROUTER_LAN, Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, ROUTER_WAN, Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        host.sysctls.set("net.netfilter.nf_conntrack_max", Integer.toString(conntrackMax));
        host.sysctls.set("net.netfilter.nf_conntrack_buckets", Integer.toString(conntrackMax));
        host.sysctls.set("net.netfilter.nf_conntrack_acct", "1");
        CtConfig cfg = new CtConfig();
        Snapshot.applyConntrack(host, cfg);
        conntrack = new Conntrack(cfg, 0x5eed);
        conntrack.advance(now);
        stack = new Stack(host, conntrack, new SplittableRandom(7));
        stack.tables = new RulesetTables(ruleset);
        Iptables.Result r = IptablesRestore.restore(ruleset, rules);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("built-in rules refused by iptables-restore: " + r.stderr());
        }
        stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                current.sent.add(new Sent(dev, skb.copyDatagram()));
            }

            @Override
            public void deliver(Skb skb) {
                if (skb.seq != 0) {
                    current.delivered = true;
                }
            }

            @Override
            public void drop(Skb skb, String reason) {
                current.dropped.add(reason);
            }
        };
    }

    /** {@code iptables ARGS} against the router's ruleset (stdout, or stderr on failure) */
    String iptables(String... args) {
        Iptables.Result r = Iptables.run(ruleset, args);
        return r.stdout() + r.stderr();
    }

    void advance(double seconds) {
        now += (long) (seconds * 1e9);
        conntrack.advance(now);
    }

    /** A datagram arrives on {@code in} (null: the router itself sends it). */
    Result send(NetDevice in, byte[] p) {
        advance(0.01);
        current = new Result();
        Skb skb = new Skb(p, 0, p.length);
        skb.seq = seq++;
        if (in == null) {
            stack.localOut(skb, null, 0);
        } else {
            skb.in = in;
            stack.receive(skb);
        }
        return current;
    }

    // ---------------------------------------------------------------- conversations

    static final int FIN = 1;
    static final int SYN = 2;
    static final int RST = 4;
    static final int PSH = 8;
    static final int ACK = 16;

    /**
     * A TCP connection from {@code cli} (arriving on {@code cliDev}, or the router's own when null):
     * handshake, a request and a response, and a FIN teardown when {@code close}. The server
     * answers the SYN the router actually sent (after DNAT/SNAT). Returns false when the router
     * did not let the SYN through (or no answer came back).
     */
    boolean tcp(NetDevice cliDev, int cli, int cport, int dst, int dport, int request, boolean close) {
        int iss = 1000;
        int siss = 5000;
        Result r = send(cliDev, tcp(cli, cport, dst, dport, SYN, iss, 0, 0));
        Sent syn = r.forwarded();
        if (syn == null) {
            return false;
        }
        int ss = Ipv4.saddr(syn.ip, 0);
        int sd = Ipv4.daddr(syn.ip, 0);
        int sp = Ipv4.u16(syn.ip, 20);
        int dp = Ipv4.u16(syn.ip, 22);
        Result back = send(syn.dev, tcp(sd, dp, ss, sp, SYN | ACK, siss, iss + 1, 0));
        if (back.forwarded() == null && !back.delivered) {
            return false;
        }
        send(cliDev, tcp(cli, cport, dst, dport, ACK, iss + 1, siss + 1, 0));
        if (request > 0) {
            send(cliDev, tcp(cli, cport, dst, dport, PSH | ACK, iss + 1, siss + 1, request));
            send(syn.dev, tcp(sd, dp, ss, sp, PSH | ACK, siss + 1, iss + 1 + request, 600));
            send(cliDev, tcp(cli, cport, dst, dport, ACK, iss + 1 + request, siss + 601, 0));
        }
        if (close) {
            send(cliDev, tcp(cli, cport, dst, dport, FIN | ACK, iss + 1 + request, siss + 601, 0));
            send(syn.dev, tcp(sd, dp, ss, sp, FIN | ACK, siss + 601, iss + 2 + request, 0));
            send(cliDev, tcp(cli, cport, dst, dport, ACK, iss + 2 + request, siss + 602, 0));
        }
        return true;
    }

    /** a UDP query and, if the router passed it on, the answer from where it went */
    Result udp(NetDevice cliDev, int cli, int cport, int dst, int dport, int len, int answer) {
        Result r = send(cliDev, udpPacket(cli, cport, dst, dport, len));
        Sent q = r.forwarded();
        if (q != null && answer > 0) {
            send(q.dev, udpPacket(Ipv4.daddr(q.ip, 0), Ipv4.u16(q.ip, 22), Ipv4.saddr(q.ip, 0), Ipv4.u16(q.ip, 20), answer));
        }
        return r;
    }

    /** an echo request and the reply from where it went */
    Result ping(NetDevice cliDev, int cli, int dst, int id) {
        Result r = send(cliDev, echo(cli, dst, 8, id));
        Sent q = r.forwarded();
        if (q != null) {
            send(q.dev, echo(Ipv4.daddr(q.ip, 0), Ipv4.saddr(q.ip, 0), 0, Ipv4.u16(q.ip, 24)));
        }
        return r;
    }

    // ---------------------------------------------------------------- datagrams

    private int ipId = 100;

    byte[] tcp(int src, int sport, int dst, int dport, int flags, int seqNo, int ack, int payload) {
        int len = 40 + payload;
        byte[] p = ip(len, Ipv4.PROTO_TCP, src, dst);
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put32(p, 24, seqNo);
        Ipv4.put32(p, 28, ack);
        p[32] = 0x50;
        p[33] = (byte) flags;
        Ipv4.put16(p, 34, 64240);
        Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, len - 20));
        return p;
    }

    byte[] udpPacket(int src, int sport, int dst, int dport, int payload) {
        int len = 28 + payload;
        byte[] p = ip(len, Ipv4.PROTO_UDP, src, dst);
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put16(p, 24, len - 20);
        Ipv4.put16(p, 26, Checksum.transport(p, 0, 20, len - 20));
        return p;
    }

    byte[] echo(int src, int dst, int type, int id) {
        byte[] p = ip(28 + 32, Ipv4.PROTO_ICMP, src, dst);
        p[20] = (byte) type;
        Ipv4.put16(p, 24, id);
        Ipv4.put16(p, 26, 1);
        Ipv4.put16(p, 22, Checksum.compute(p, 20, 40));
        return p;
    }

    private byte[] ip(int len, int proto, int src, int dst) {
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, ipId++);
        Ipv4.put16(p, 6, Ipv4.IP_DF);
        p[8] = 64;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        return p;
    }
}
