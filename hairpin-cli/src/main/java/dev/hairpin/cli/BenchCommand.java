package dev.hairpin.cli;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hairpin bench}: UDP flows from the LAN through the full pipeline (PREROUTING, routing,
 * FORWARD, POSTROUTING, conntrack, NAT) on one thread. An untimed pass creates the connections
 * (timed separately as the creation rate), then timed passes send one packet per connection,
 * round robin, over the established entries.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the packet path: established UDP flows, with or without SNAT (MASQUERADE).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--connections", defaultValue = "1000", description = "concurrent UDP connections (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--no-snat", description = "no NAT rule (default: MASQUERADE on the WAN device)")
    boolean noSnat;

    @Option(names = "--packets", defaultValue = "20000000", description = "packets in the timed run (default ${DEFAULT-VALUE})")
    long packets;

    @Option(names = "--json", description = "one JSON object per workload")
    boolean json;

    @Override
    public Integer call() {
        boolean snat = !noSnat;
        Host host = new Host();
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        NetDevice eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 8, 0, false));
        NetDevice eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(Ipv4.parse("203.0.113.1"), 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 8, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        CtConfig cfg = new CtConfig();
        cfg.max = Math.max(cfg.max, connections * 2);
        Conntrack ct = new Conntrack(cfg, 1);
        Stack stack = new Stack(host, ct, new SplittableRandom(1));
        Ruleset rs = new Ruleset();
        if (snat) {
            IptablesRestore.restore(rs, "*nat\n-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n");
        }
        stack.tables = new RulesetTables(rs);
        long[] sent = {0};
        stack.output = (skb, dev, nh) -> sent[0]++;

        // one 28-byte-payload UDP datagram per connection: 10.0.0.x:1024+ -> 198.51.100.0/24:53,
        // destinations spread so one public address never runs out of ports (64512 per destination)
        byte[][] tmpl = new byte[connections][];
        for (int i = 0; i < connections; i++) {
            tmpl[i] = udp(Ipv4.parse("10.0.0.2") + i / 60000, Ipv4.parse("198.51.100.1") + i % 250, 1024 + i % 60000, 53);
        }
        byte[] buf = new byte[64];
        Skb skb = new Skb();
        long t = 1_000_000_000_000L;
        ct.advance(t);
        long c0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            send(stack, skb, buf, tmpl[i], eth0);
        }
        long createNs = System.nanoTime() - c0;
        System.gc();
        long heapAfter = used();
        // warm-up, then the timed run (the clock is not moved: nothing expires)
        run(stack, skb, buf, tmpl, eth0, Math.min(packets, 5_000_000L));
        long s0 = System.nanoTime();
        run(stack, skb, buf, tmpl, eth0, packets);
        long elapsed = System.nanoTime() - s0;
        double nsPerPacket = (double) elapsed / packets;
        double mpps = packets / (elapsed / 1e3);
        double createPerSec = connections / (createNs / 1e9);
        if (ct.table.count() != connections || sent[0] < packets) {
            System.err.println("bench: unexpected state: " + ct.table.count() + " entries, " + sent[0] + " sent");
            return 1;
        }
        if (json) {
            System.out.printf("{\"workload\":\"udp-established\",\"connections\":%d,\"snat\":%b,\"threads\":1,"
                    + "\"ns_per_packet\":%.1f,\"mpps\":%.2f,\"connections_per_sec\":%.0f,\"heap_after_create_mb\":%.1f}%n",
                    connections, snat, nsPerPacket, mpps, createPerSec, heapAfter / 1e6);
        } else {
            System.out.printf("udp-established connections=%d snat=%b threads=1: %.1f ns/packet, %.2f Mpps; "
                    + "creation %.0f connections/s (first packets, cold); heap after creation %.1f MB%n",
                    connections, snat, nsPerPacket, mpps, createPerSec, heapAfter / 1e6);
        }
        return 0;
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void run(Stack stack, Skb skb, byte[] buf, byte[][] tmpl, NetDevice in, long n) {
        int k = 0;
        for (long i = 0; i < n; i++) {
            send(stack, skb, buf, tmpl[k], in);
            if (++k == tmpl.length) {
                k = 0;
            }
        }
    }

    /** copies the template (NAT rewrites in place) and receives it: the copy is part of the figure */
    private static void send(Stack stack, Skb skb, byte[] buf, byte[] p, NetDevice in) {
        System.arraycopy(p, 0, buf, 0, p.length);
        skb.set(buf, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    private static byte[] udp(int src, int dst, int sport, int dport) {
        byte[] p = new byte[56];
        p[0] = 0x45;
        Ipv4.put16(p, 2, 56);
        p[8] = 64;
        p[9] = 17;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put16(p, 24, 36);
        Ipv4.put16(p, 26, Checksum.transport(p, 0, 20, 36));
        return p;
    }
}
