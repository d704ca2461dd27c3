package dev.hairpin.tools;

import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Ipv4;
import java.util.List;

/**
 * {@code ip neigh add|replace|change|del ADDR [lladdr MAC] dev DEV [nud STATE]} and
 * {@code ip neigh flush dev DEV}: the host's static neighbours (what a link going down flushes
 * and a script puts back). Messages and exit codes as iproute2 6.1 and the kernel give them.
 */
final class IpNeigh {
    private IpNeigh() {}

    static ToolResult run(Host host, String verb, List<String> args) {
        Integer addr = null;
        byte[] mac = null;
        String devName = null;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            boolean last = i + 1 == args.size();
            switch (w) {
                case "lladdr", "dev", "nud", "to" -> {
                    if (last) {
                        return new ToolResult("", "Command line is not complete. Try option \"help\"\n", 255);
                    }
                    String v = args.get(++i);
                    if (w.equals("lladdr")) {
                        if (!v.matches("[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*")) {
                            return new ToolResult("", "\"" + v.split(":")[0] + "\" is invalid lladdr.\n", 1);
                        }
                        mac = mac(v);
                        if (mac == null) { // iproute2 sends what it parsed; the kernel wants dev->addr_len octets
                            return new ToolResult("", "Error: Invalid link address.\n", 2);
                        }
                    } else if (w.equals("dev")) {
                        devName = v;
                    } else if (w.equals("to")) {
                        addr = parse(v);
                        if (addr == null) {
                            return new ToolResult("", "Error: inet address is expected rather than \"" + v + "\".\n", 1);
                        }
                    } else if (!List.of("permanent", "noarp", "reachable", "stale", "none", "incomplete", "delay", "probe",
                            "failed").contains(v)) {
                        return new ToolResult("", "Error: argument \"" + v + "\" is wrong: nud state is bad\n\n", 255);
                    }
                }
                case "router", "proxy", "extern_learn", "use", "managed" -> {
                    return new ToolResult("", "hairpin: ip neigh " + verb + " " + String.join(" ", args)
                            + ": not modelled\n", 2);
                }
                default -> {
                    if (addr != null) {
                        return new ToolResult("", "Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.\n", 255);
                    }
                    addr = parse(w);
                    if (addr == null) {
                        return new ToolResult("", "Error: inet address is expected rather than \"" + w + "\".\n", 1);
                    }
                }
            }
        }
        NetDevice dev = devName == null ? null : host.device(devName);
        if (devName != null && dev == null) {
            return new ToolResult("", "Cannot find device \"" + devName + "\"\n", 1);
        }
        if (verb.equals("flush")) {
            NetDevice d = dev;
            host.neighbourDevs.entrySet().removeIf(e -> {
                boolean go = (d == null || e.getValue() == d) && (addrOr(args, e.getKey()));
                if (go) {
                    host.neighbours.remove(e.getKey());
                }
                return go;
            });
            return new ToolResult("", "", 0);
        }
        if (addr == null || dev == null) {
            return new ToolResult("", "Device and destination are required arguments.\n", 255);
        }
        boolean known = host.neighbours.containsKey(addr) && host.neighbourDevs.get(addr) == dev;
        switch (verb) {
            case "del", "delete" -> {
                if (!known) {
                    return new ToolResult("", "RTNETLINK answers: No such file or directory\n", 2);
                }
                host.neighbours.remove(addr);
                host.neighbourDevs.remove(addr);
                return new ToolResult("", "", 0);
            }
            case "add", "replace", "change", "chg" -> {
                if (verb.equals("add") && known) {
                    return new ToolResult("", "RTNETLINK answers: File exists\n", 2);
                }
                if (verb.startsWith("ch") && !known) {
                    return new ToolResult("", "RTNETLINK answers: No such file or directory\n", 2);
                }
                if (mac != null) {
                    host.neighbours.put(addr, mac);
                    host.neighbourDevs.put(addr, dev);
                }
                return new ToolResult("", "", 0);
            }
            default -> {
                return new ToolResult("", "hairpin: ip neigh " + verb + ": not modelled (add, replace, change, del, flush)\n", 2);
            }
        }
    }

    /** a flush's address filter, when it names one */
    private static boolean addrOr(List<String> args, int addr) {
        for (String a : args) {
            Integer p = parse(a);
            if (p != null) {
                return p == addr;
            }
        }
        return true;
    }

    private static Integer parse(String s) {
        try {
            return s.split("\\.", -1).length == 4 ? Ipv4.parse(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] mac(String s) {
        String[] p = s.split(":", -1);
        if (p.length != 6) {
            return null;
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (!p[i].matches("[0-9a-fA-F]{1,2}")) {
                return null;
            }
            m[i] = (byte) Integer.parseInt(p[i], 16);
        }
        return m;
    }
}
