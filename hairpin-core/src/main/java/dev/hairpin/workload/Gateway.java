package dev.hairpin.workload;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.SplittableRandom;

/**
 * The benchmark gateway: lo, eth0 (LAN, 10.0.0.1/8), eth1 (WAN, 203.0.113.1/24, default route via
 * 203.0.113.254), ip_forward=1, conntrack (and NAT's by-source table) presized for the workload, optionally MASQUERADE out of
 * eth1 and a FORWARD chain of {@code filterRules} rules no benchmark packet matches (kube-proxy
 * style: {@code -d 172.16.x.y/32 -p udp --dport 53 -j DROP}), then the ACCEPT policy.
 * Without MASQUERADE, the stateful firewall's usual first rule, {@code -A FORWARD -m conntrack
 * --ctstate INVALID -j DROP}, is what registers conntrack (the kernel runs it only while a rule
 * needs it: nf_ct_netns_get), so the flows are still tracked.
 * Transmitted packets are counted, and a hook may look at them.
 */
public final class Gateway {
    public static final int LAN_ADDR = Ipv4.parse("10.0.0.1");
    public static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    public final Host host = new Host();
    public final NetDevice lan;
    public final NetDevice wan;
    public final Conntrack conntrack;
    public final Stack stack;
    public final Ruleset ruleset = new Ruleset();
    public long transmitted;
    public long dropped;
    /** called for every transmitted packet when set (the workloads read NAT'ed ports with it) */
    public Output tap;

    public Gateway(int maxConnections, boolean snat, int filterRules) {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        lan = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        lan.addrs.add(new NetDevice.InAddr(LAN_ADDR, 8, 0, false));
        wan = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        wan.addrs.add(new NetDevice.InAddr(WAN_ADDR, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, wan, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 8, Route.RTN_UNICAST, lan, 0, LAN_ADDR, Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, wan, 0, WAN_ADDR, Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        CtConfig cfg = new CtConfig();
        cfg.max = Math.max(cfg.max, maxConnections + maxConnections / 4 + 16);
        conntrack = new Conntrack(cfg, 1);
        stack = new Stack(host, conntrack, new SplittableRandom(1));
        // sized before traffic, as an operator sizes nf_conntrack_buckets: no growth while creating
        conntrack.table.reserve(maxConnections);
        stack.nat.reserve(maxConnections);
        StringBuilder rules = new StringBuilder();
        if (snat) {
            rules.append("*nat\n-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n");
        }
        if (!snat || filterRules > 0) {
            rules.append("*filter\n");
            if (!snat) {
                rules.append("-A FORWARD -m conntrack --ctstate INVALID -j DROP\n");
            }
            for (int i = 0; i < filterRules; i++) {
                rules.append("-A FORWARD -d 172.16.").append(i >>> 8 & 0xff).append('.').append(i & 0xff)
                        .append("/32 -p udp --dport 53 -j DROP\n");
            }
            rules.append("COMMIT\n");
        }
        if (!rules.isEmpty()) {
            IptablesRestore.restore(ruleset, rules.toString());
        }
        stack.tables = new RulesetTables(ruleset);
        stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                transmitted++;
                if (tap != null) {
                    tap.transmit(skb, dev, nexthop);
                }
            }

            @Override
            public void drop(Skb skb, String reason) {
                dropped++;
            }
        };
    }

    /** Sets the simulated clock (ns) and runs the timers that came due. */
    public void clock(long nowNs) {
        conntrack.advance(nowNs);
    }
}
