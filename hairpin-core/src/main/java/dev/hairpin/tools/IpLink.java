package dev.hairpin.tools;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip link set [dev] DEV [up|down] [mtu N]} and what the kernel's NETDEV_DOWN / NETDEV_UP
 * notifiers do with it. Down: fib_disable_ip flushes every route whose nexthop is the device
 * but host-scope ones (its addresses' local routes stay: the host still answers to them),
 * arp_ifdown flushes its neighbours, permanent ones too, and MASQUERADE's device notifier
 * destroys the entries masqueraded out of it (masq_device_event). Up: fib_add_ifaddr gives each
 * address its broadcast and each primary its prefix route back; routes an operator added
 * through the device stay gone. A device set down receives nothing. Other link attributes are
 * refused as not modelled.
 */
final class IpLink {
    private IpLink() {}

    /** ETH_MIN_MTU / ETH_MAX_MTU, the bounds of a veth or an Ethernet device */
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    static ToolResult set(Host host, Conntrack conntrack, List<String> args) {
        String name = null;
        Boolean up = null;
        Integer mtu = null;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            switch (w) {
                case "up" -> up = true;
                case "down" -> up = false;
                case "mtu" -> {
                    if (i + 1 == args.size()) {
                        return new ToolResult("", "Command line is not complete. Try option \"help\"\n", 255);
                    }
                    String v = args.get(++i);
                    try {
                        mtu = Integer.parseUnsignedInt(v);
                    } catch (NumberFormatException e) {
                        return new ToolResult("", "Error: argument \"" + v + "\" is wrong: Invalid \"mtu\" value\n\n", 255);
                    }
                }
                case "dev" -> {
                    if (i + 1 == args.size()) {
                        return new ToolResult("", "Command line is not complete. Try option \"help\"\n", 255);
                    }
                    name = args.get(++i);
                }
                case "address", "name", "txqueuelen", "txqlen", "qlen", "promisc", "arp", "multicast", "allmulticast",
                        "master", "nomaster", "netns", "alias", "group", "vf", "xdp", "type", "carrier", "mtu_lock",
                        "dynamic", "trailers", "protodown", "addrgenmode", "link-netns", "gso_max_size", "gro_max_size" -> {
                    return new ToolResult("", "hairpin: ip link set " + String.join(" ", args)
                            + ": not modelled (ip link set DEV up|down|mtu N)\n", 2);
                }
                default -> {
                    if (name != null) {
                        return new ToolResult("", "Error: either \"dev\" is duplicate, or \"" + w + "\" is a garbage.\n", 255);
                    }
                    name = w;
                }
            }
        }
        if (name == null) {
            return new ToolResult("", "Not enough information: \"dev\" argument is required.\n", 255);
        }
        NetDevice dev = host.device(name);
        if (dev == null) {
            return new ToolResult("", "Cannot find device \"" + name + "\"\n", 1);
        }
        if (mtu != null && mtu < MIN_MTU) {
            return new ToolResult("", "Error: mtu less than device minimum.\n", 2);
        }
        if (mtu != null && mtu > MAX_MTU) {
            return new ToolResult("", "Error: mtu greater than device maximum.\n", 2);
        }
        if (up != null && !up && dev.up && host.fib.multipathThrough(dev)) {
            return new ToolResult("", "hairpin: ip link set " + name + " down: a multipath route has a nexthop through "
                    + name + " (dead nexthops are not modelled)\n", 2);
        }
        if (mtu != null) {
            dev.mtu = mtu; // NETDEV_CHANGEMTU: each packet reads the device's MTU anew
        }
        if (up != null && up != dev.up) {
            if (up) {
                up(host, dev);
            } else {
                down(host, conntrack, dev);
            }
        }
        return new ToolResult("", "", 0);
    }

    private static void down(Host host, Conntrack conntrack, NetDevice dev) {
        dev.up = false;
        host.fib.deviceDown(dev);
        host.neighbourDevs.entrySet().removeIf(e -> {
            if (e.getValue() == dev) {
                host.neighbours.remove(e.getKey());
                return true;
            }
            return false;
        });
        host.addressesChanged(); // the broadcast routes go (local ones stay)
        List<Integer> victims = new ArrayList<>();
        conntrack.table.forEach(ct -> {
            if (conntrack.table.masqIndex(ct) == dev.ifindex) {
                victims.add(ct);
            }
        });
        for (int ct : victims) {
            conntrack.delete(ct, false);
        }
    }

    private static void up(Host host, NetDevice dev) {
        dev.up = true;
        for (NetDevice.InAddr a : dev.addrs) {
            if (!a.secondary() && a.prefixLen() < 32 && !dev.isLoopback()) { // loopback's is in table local
                int m = a.mask();
                List<Route> main = host.fib.editable("main");
                boolean has = main.stream().anyMatch(r -> r.dev() == dev && r.dst() == (a.local() & m)
                        && r.prefixLen() == a.prefixLen() && r.metric() == 0);
                if (!has) {
                    main.add(new Route(a.local() & m, a.prefixLen(), Route.RTN_UNICAST, dev, 0, a.local(),
                            Route.SCOPE_LINK, 0, "main"));
                }
            }
        }
        host.fib.commit("main");
        host.addressesChanged();
    }
}
