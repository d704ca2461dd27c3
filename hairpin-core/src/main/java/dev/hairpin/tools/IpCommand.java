package dev.hairpin.tools;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip address add|del ADDR/LEN dev DEV} (iproute2) on the engine's host: the address list
 * (a second address in a primary's subnet is secondary), the connected route, the local table,
 * and what the kernel does when an address goes: with promote_secondaries the first secondary
 * of its subnet becomes primary, else those secondaries go too; MASQUERADE's inetaddr notifier
 * destroys the entries masqueraded out of that device to that address
 * (nf_nat_masquerade_inet_event, inet_cmp). Messages and exit codes as iproute2 6.1 gives them.
 * Not modelled: a device left without any IPv4 address (the kernel then also drops its routes
 * and neighbours). {@code ip rule add|del}: {@link IpRule}; {@code ip route}: {@link IpRoute};
 * {@code ip link set}: {@link IpLink}; {@code ip neigh}: {@link IpNeigh}. Other {@code ip}
 * commands are refused.
 */
public final class IpCommand {
    private IpCommand() {}

    public static ToolResult run(Host host, Conntrack conntrack, List<String> args) {
        if (args.size() == 5 && List.of("address", "addr", "a").contains(args.get(0))
                && List.of("add", "del", "delete").contains(args.get(1)) && args.get(3).equals("dev")) {
            NetDevice dev = host.device(args.get(4));
            if (dev == null) {
                return new ToolResult("", "Cannot find device \"" + args.get(4) + "\"\n", 1);
            }
            int[] a = prefix(args.get(2));
            if (a == null) {
                return new ToolResult("", "Error: any valid prefix is expected rather than \"" + args.get(2) + "\".\n", 1);
            }
            return args.get(1).equals("add") ? add(host, dev, a[0], a[1]) : del(host, conntrack, dev, a[0], a[1]);
        }
        if (args.size() >= 2 && List.of("rule", "ru").contains(args.get(0))
                && List.of("add", "del", "delete").contains(args.get(1))) {
            return IpRule.run(host, args.get(1).equals("add"), args.subList(2, args.size()));
        }
        if (args.size() >= 2 && List.of("route", "ro", "r").contains(args.get(0))) {
            return IpRoute.run(host, args.get(1), args.subList(2, args.size()));
        }
        if (args.size() >= 2 && List.of("link", "l").contains(args.get(0)) && args.get(1).equals("set")) {
            return IpLink.set(host, conntrack, args.subList(2, args.size()));
        }
        if (args.size() >= 2 && List.of("neigh", "neighbour", "neighbor", "n").contains(args.get(0))) {
            return IpNeigh.run(host, args.get(1), args.subList(2, args.size()));
        }
        return new ToolResult("", "hairpin: ip " + String.join(" ", args)
                + ": not modelled (ip address add|del, ip rule add|del, ip route add|del|replace|change|append|prepend,"
                + " ip link set DEV up|down|mtu N and ip neigh add|replace|change|del|flush are)\n", 2);
    }

    private static int[] prefix(String s) {
        String[] p = s.split("/");
        try {
            int len = p.length > 1 ? Integer.parseInt(p[1]) : 32;
            return len < 0 || len > 32 ? null : new int[] {Ipv4.parse(p[0]), len};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int mask(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /** __inet_insert_ifa(): secondary when a primary of the device covers the same subnet */
    private static ToolResult add(Host host, NetDevice dev, int addr, int len) {
        boolean secondary = false;
        for (NetDevice.InAddr a : dev.addrs) {
            if (a.local() == addr && a.prefixLen() == len) {
                return new ToolResult("", "Error: ipv4: Address already assigned.\n", 2);
            }
            if (!a.secondary() && a.prefixLen() == len && ((a.local() ^ addr) & mask(len)) == 0) {
                secondary = true;
            }
        }
        dev.addrs.add(new NetDevice.InAddr(addr, len, Route.SCOPE_UNIVERSE, secondary));
        // fib_add_ifaddr: a device that is down gets its local route only; loopback's prefix route is local's
        if (!secondary && len < 32 && dev.up && !dev.isLoopback()) {
            host.fib.addMain(connected(dev, addr, len));
        }
        host.addressesChanged();
        return new ToolResult("", "", 0);
    }

    private static Route connected(NetDevice dev, int addr, int len) {
        return new Route(addr & mask(len), len, Route.RTN_UNICAST, dev, 0, addr, Route.SCOPE_LINK, 0, "main");
    }

    /** __inet_del_ifa() */
    private static ToolResult del(Host host, Conntrack conntrack, NetDevice dev, int addr, int len) {
        NetDevice.InAddr gone = null;
        for (NetDevice.InAddr a : dev.addrs) {
            if (a.local() == addr && a.prefixLen() == len) {
                gone = a;
                break;
            }
        }
        if (gone == null) {
            return new ToolResult("", "Error: ipv4: Address not found.\n", 2);
        }
        List<Integer> removed = new ArrayList<>();
        int at = dev.addrs.indexOf(gone);
        dev.addrs.remove(at);
        removed.add(addr);
        if (!gone.secondary()) {
            boolean promote = host.sysctls.getLong("net.ipv4.conf.all.promote_secondaries", 0) != 0
                    || host.sysctls.getLong("net.ipv4.conf." + dev.name + ".promote_secondaries", 0) != 0;
            int m = mask(len);
            Integer promoted = null;
            for (int i = 0; i < dev.addrs.size(); i++) {
                NetDevice.InAddr a = dev.addrs.get(i);
                if (!a.secondary() || a.prefixLen() != len || ((a.local() ^ addr) & m) != 0) {
                    continue;
                }
                if (promote) {
                    dev.addrs.set(i, new NetDevice.InAddr(a.local(), a.prefixLen(), a.scope(), false));
                    promoted = a.local();
                    break;
                }
                removed.add(a.local());
                dev.addrs.remove(i--);
            }
            host.fib.removeMain(r -> r.dev() == dev && r.prefixLen() == len && r.dst() == (addr & m) && r.prefsrc() == addr);
            if (promoted != null && len < 32) {
                host.fib.addMain(connected(dev, promoted, len));
            }
        }
        host.addressesChanged();
        for (int a : removed) {
            masqueradeFlush(conntrack, dev.ifindex, a);
        }
        return new ToolResult("", "", 0);
    }

    /** the entries MASQUERADE made out of {@code ifindex} whose reply comes back to {@code addr} */
    private static void masqueradeFlush(Conntrack conntrack, int ifindex, int addr) {
        List<Integer> victims = new ArrayList<>();
        conntrack.table.forEach(ct -> {
            if (conntrack.table.masqIndex(ct) == ifindex && conntrack.table.dst(ct, 1) == addr) {
                victims.add(ct);
            }
        });
        for (int ct : victims) {
            conntrack.delete(ct, false);
        }
    }
}
