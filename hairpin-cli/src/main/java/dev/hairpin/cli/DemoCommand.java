package dev.hairpin.cli;

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
import dev.hairpin.pipeline.Stack;
import dev.hairpin.pipeline.Tables;
import dev.hairpin.tools.ConntrackFormat;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code hairpin demo}: a home router on a built-in network (LAN 10.0.0.0/24 on eth0, public
 * 203.0.113.1 on eth1), MASQUERADE on the way out; LAN hosts send DNS queries, the server
 * answers, time passes; prints the {@code conntrack -E} stream and the final table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a built-in home-router network through the engine and show conntrack's view of it.")
final class DemoCommand implements Callable<Integer> {
    static final long T0 = 1_000_000_000_000L;

    @Override
    public Integer call() {
        Host host = new Host();
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        NetDevice eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        NetDevice eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(Ipv4.parse("203.0.113.1"), 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        CtConfig cfg = new CtConfig();
        cfg.acct = true;
        Conntrack ct = new Conntrack(cfg, 1);
        Stack stack = new Stack(host, ct, new SplittableRandom(7));
        // -t nat -A POSTROUTING -o eth1 -j MASQUERADE
        stack.tables = (table, hook, skb, par) -> table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1
                ? par.services.masquerade(skb, NatRange.NONE) : Verdict.NF_ACCEPT;
        stack.output = (skb, dev, nh) -> System.out.printf("  out %-4s %s%n", dev.name, describe(skb));
        ct.addListener((t, e, ev, u) -> System.out.println(ConntrackFormat.event(t, e, ev, false)));

        System.out.println("Router: eth0 10.0.0.1/24 (LAN), eth1 203.0.113.1/24 (WAN); rule: -t nat -A POSTROUTING -o eth1 -j MASQUERADE");
        System.out.println("conntrack -E, with each packet the router sent:");
        int server = Ipv4.parse("198.51.100.53");
        int wan = Ipv4.parse("203.0.113.1");
        send(stack, eth0, udp(Ipv4.parse("10.0.0.2"), server, 5353, 53), 0.0);
        send(stack, eth1, udp(server, wan, 53, 5353), 0.1);
        send(stack, eth0, udp(Ipv4.parse("10.0.0.3"), server, 5353, 53), 0.2);
        send(stack, eth1, udp(server, wan, 53, 5353), 0.3);
        send(stack, eth0, udp(Ipv4.parse("10.0.0.2"), server, 5353, 53), 2.5);
        System.out.println("The second host's port 5353 was taken on 203.0.113.1, so it got another (the kernel picks it at random).");
        ct.advance(T0 + 40_000_000_000L);
        System.out.println("40 s later, conntrack -L:");
        for (int e : ct.snapshot()) {
            System.out.println(ConntrackFormat.entry(ct.table, e, false));
        }
        System.out.println("conntrack -S: " + ConntrackFormat.stats(ct.stats));
        return 0;
    }

    private static void send(Stack stack, NetDevice in, byte[] p, double t) {
        stack.conntrack.advance(T0 + (long) (t * 1e9));
        System.out.printf("  in  %-4s %s%n", in.name, describe(new Skb(p, 0, p.length)));
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    private static String describe(Skb s) {
        return Ipv4.toString(s.saddr()) + ":" + Ipv4.u16(s.buf, s.l4) + " > " + Ipv4.toString(s.daddr()) + ":" + Ipv4.u16(s.buf, s.l4 + 2)
                + " udp ttl=" + Ipv4.ttl(s.buf, s.l3);
    }

    private static byte[] udp(int src, int dst, int sport, int dport) {
        byte[] p = new byte[36];
        p[0] = 0x45;
        Ipv4.put16(p, 2, 36);
        p[8] = 64;
        p[9] = 17;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put16(p, 24, 16);
        Ipv4.put16(p, 26, Checksum.transport(p, 0, 20, 16));
        return p;
    }
}
