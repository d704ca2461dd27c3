package dev.hairpin.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.host.FibRule;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A host snapshot directory: {@code ip-addr.json} ({@code ip -j addr show}), {@code ip-route.json}
 * ({@code ip -j route show}), {@code ip-neigh.txt}, {@code sysctl.conf} ({@code key = value}) and
 * {@code iptables-save.txt}; where the host uses policy routing, {@code ip-rule.json} ({@code ip -j
 * rule show}) and {@code ip-route-all.json} ({@code ip -j route show table all}) for the other
 * tables. Loading fails with a {@link SnapshotException} naming the file and
 * what was expected.
 */
public final class Snapshot {
    public final Host host = new Host();
    public final CtConfig ctConfig = new CtConfig();
    public String iptablesSave = "";
    /** {@code nft list ruleset} (nft-ruleset.txt), where the host has native nftables rules; else null */
    public String nftRuleset;
    public final Path dir;

    private Snapshot(Path dir) {
        this.dir = dir;
    }

    public static Snapshot load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir + ": not a snapshot directory (expected ip-addr.json, ip-route.json, sysctl.conf, iptables-save.txt)");
        }
        Snapshot s = new Snapshot(dir);
        s.loadAddrs(dir.resolve("ip-addr.json"));
        s.loadRoutes(dir.resolve("ip-route.json"));
        s.loadPolicy(dir.resolve("ip-rule.json"), dir.resolve("ip-route-all.json"));
        s.loadSysctls(dir.resolve("sysctl.conf"));
        s.loadNeigh(dir.resolve("ip-neigh.txt"));
        Path nft = dir.resolve("nft-ruleset.txt");
        if (Files.exists(nft)) {
            s.nftRuleset = read(nft);
        }
        Path ipt = dir.resolve("iptables-save.txt");
        if (Files.exists(ipt)) {
            s.iptablesSave = read(ipt);
        }
        s.host.addressesChanged();
        return s;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new SnapshotException(p + ": not UTF-8 text (expected the tool's output as written)", e);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void loadAddrs(Path p) {
        if (!Files.exists(p)) {
            throw new SnapshotException(p + ": missing (expected `ip -j addr show` output)");
        }
        JsonEntries f = JsonEntries.parse(p, read(p), "`ip -j addr show` output");
        java.util.Map<String, JsonEntries.Entry> names = new java.util.HashMap<>();
        java.util.Map<Integer, JsonEntries.Entry> indexes = new java.util.HashMap<>();
        for (JsonEntries.Entry e : f.entries()) {
            JsonNode d = e.node();
            String where = f.at(e, "interface");
            if (!d.isObject()) {
                throw new SnapshotException(where + ": expected an object with \"ifname\" and \"ifindex\"");
            }
            String name = text(where, d, "ifname");
            where += " (" + name + ")";
            if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.contains(" ")) {
                throw new SnapshotException(where + ": expected an interface name of 1-15 characters without '/' or spaces");
            }
            JsonNode ix = d.get("ifindex");
            if (ix == null || !ix.canConvertToExactIntegral() || !ix.canConvertToInt() || ix.asInt() < 1) {
                throw new SnapshotException(where + ": expected an \"ifindex\" number of at least 1");
            }
            int ifindex = ix.asInt();
            JsonEntries.Entry twin = names.put(name, e);
            if (twin != null) {
                throw new SnapshotException(where + ": the name " + name + " again (also interface " + twin.index() + " at line "
                        + twin.line() + ")");
            }
            twin = indexes.put(ifindex, e);
            if (twin != null) {
                throw new SnapshotException(where + ": ifindex " + ifindex + " again (also interface " + twin.index() + " at line "
                        + twin.line() + ")");
            }
            String lt = optText(where, d, "link_type", "ether");
            int type = switch (lt) {
                case "loopback" -> NetDevice.ARPHRD_LOOPBACK;
                case "none" -> NetDevice.ARPHRD_NONE;
                default -> NetDevice.ARPHRD_ETHER;
            };
            String address = optText(where, d, "address", "00:00:00:00:00:00");
            byte[] mac = macOrNull(address);
            if (mac == null) {
                if (lt.equals("ether") || lt.equals("loopback")) {
                    throw new SnapshotException(where + ": expected an \"address\" of six hex octets (02:00:00:00:00:01), got "
                            + address);
                }
                mac = new byte[6]; // a tunnel's address (ipip: 0.0.0.0): no link-layer header here
            }
            JsonNode mtuNode = d.get("mtu");
            int mtu = 1500;
            if (mtuNode != null) {
                if (!mtuNode.canConvertToExactIntegral() || !mtuNode.canConvertToInt() || mtuNode.asInt() < 0) {
                    throw new SnapshotException(where + ": expected an \"mtu\" number");
                }
                mtu = mtuNode.asInt();
            }
            NetDevice dev = host.add(new NetDevice(name, ifindex, type, mac, mtu));
            dev.noArp = !lt.equals("ether"); // ipip, gre, sit, ppp, none...: no ARP
            if (d.hasNonNull("master")) {
                dev.master = d.get("master").asText();
            }
            JsonNode flags = d.get("flags");
            if (flags != null && flags.isArray()) { // IFF_UP: a device set down has only its local routes
                boolean up = false;
                for (JsonNode fl : flags) {
                    up |= fl.asText().equals("UP");
                    dev.noArp |= fl.asText().equals("NOARP");
                }
                dev.up = up;
            }
            JsonNode infos = d.get("addr_info");
            if (infos != null && !infos.isArray()) {
                throw new SnapshotException(where + ": expected \"addr_info\" to be an array of addresses");
            }
            int k = 0;
            for (JsonNode a : infos == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : infos) {
                k++;
                String at = where + ", address " + k;
                if (!a.isObject()) {
                    throw new SnapshotException(at + ": expected an object with \"family\", \"local\" and \"prefixlen\"");
                }
                if (!"inet".equals(a.path("family").asText())) {
                    continue;
                }
                int local;
                try {
                    local = Ipv4.parse(text(at, a, "local"));
                } catch (IllegalArgumentException ex) {
                    throw new SnapshotException(at + ": expected a \"local\" IPv4 address, got " + a.path("local").asText());
                }
                JsonNode pl = a.get("prefixlen");
                if (pl == null || !pl.canConvertToExactIntegral() || !pl.canConvertToInt() || pl.asInt() < 0 || pl.asInt() > 32) {
                    throw new SnapshotException(at + " (" + Ipv4.toString(local) + "): expected a \"prefixlen\" of 0-32, got "
                            + (pl == null ? "none" : pl.toString()));
                }
                if (mtu < IPV4_MIN_MTU) {
                    throw new SnapshotException(where + ": MTU " + mtu + " with an IPv4 address (the kernel keeps IPv4 off"
                            + " devices below " + IPV4_MIN_MTU + " bytes)");
                }
                for (NetDevice.InAddr other : dev.addrs) {
                    if (other.local() == local && other.prefixLen() == pl.asInt()) {
                        throw new SnapshotException(at + ": " + Ipv4.toString(local) + "/" + pl.asInt() + " again on " + name
                                + " (the kernel refuses a duplicate: File exists)");
                    }
                }
                int scope = switch (a.path("scope").asText("global")) {
                    case "host" -> Route.SCOPE_HOST;
                    case "link" -> Route.SCOPE_LINK;
                    default -> Route.SCOPE_UNIVERSE;
                };
                dev.addrs.add(new NetDevice.InAddr(local, pl.asInt(), scope, a.path("secondary").asBoolean(false)));
            }
        }
    }

    /** inetdev_valid_mtu(): IPV4_MIN_MTU */
    static final int IPV4_MIN_MTU = 68;

    private static String text(String where, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new SnapshotException(where + ": expected a \"" + field + "\" string"
                    + (v == null ? "" : ", got " + v));
        }
        return v.asText();
    }

    private static String optText(String where, JsonNode n, String field, String dflt) {
        return n.has(field) ? text(where, n, field) : dflt;
    }

    /** six colon-separated hex octets, else null */
    static byte[] macOrNull(String s) {
        String[] parts = s.split(":", -1);
        if (parts.length != 6) {
            return null;
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (!parts[i].matches("[0-9a-fA-F]{1,2}")) {
                return null;
            }
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    private void loadRoutes(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        JsonEntries f = JsonEntries.parse(p, read(p), "`ip -j route show` output");
        for (JsonEntries.Entry e : f.entries()) {
            host.fib.addMain(route(f, e));
        }
    }

    /** ip rules and the routes of tables other than main and local (those come from ip-route.json and the addresses) */
    /** ip rule selectors (and actions) the FIB does not apply: a snapshot with one is refused, never half-read */
    private static final List<String> UNMODELLED_RULE_SELECTORS = List.of("ipproto", "sport", "dport", "sport_start",
            "sport_end", "dport_start", "dport_end", "tos", "dsfield", "uid_start", "uid_end", "uidrange", "goto",
            "realms", "l3mdev", "suppress_ifgroup", "flowlabel");

    private void loadPolicy(Path rules, Path allRoutes) {
        if (!Files.exists(rules)) {
            return;
        }
        JsonEntries f = JsonEntries.parse(rules, read(rules), "`ip -j rule show` output");
        List<FibRule> out = new java.util.ArrayList<>();
        for (JsonEntries.Entry e : f.entries()) {
            JsonNode r = e.node();
            String where = f.at(e, "rule");
            if (!r.isObject()) {
                throw new SnapshotException(where + ": expected an object with \"priority\"");
            }
            JsonNode pr = r.get("priority");
            if (pr == null || !pr.canConvertToExactIntegral() || !pr.canConvertToLong() || pr.asLong() < 0 || pr.asLong() > 0xffffffffL) {
                throw new SnapshotException(where + ": expected a \"priority\" number");
            }
            int prio = (int) pr.asLong();
            for (String sel : UNMODELLED_RULE_SELECTORS) {
                if (r.has(sel)) { // ignoring it would make the rule match every packet
                    throw new SnapshotException(where + " (priority " + prio + "): the \"" + sel + "\" selector is not"
                            + " modelled (from, to, fwmark, iif, oif, not, suppress_prefixlength are)");
                }
            }
            int[] src = prefix(where, r, "src", "srclen");
            int[] dst = prefix(where, r, "dst", "dstlen");
            int mark = 0;
            int mask = 0;
            if (r.has("fwmark")) {
                mark = hex32(where, r, "fwmark");
                mask = r.has("fwmask") ? hex32(where, r, "fwmask") : -1;
            }
            String action = optText(where, r, "action", "");
            int act = FibRule.TO_TABLE;
            if (!action.isEmpty() && !action.equals("to_tbl")) {
                act = Route.typeOf(action);
                if (act != Route.RTN_BLACKHOLE && act != Route.RTN_UNREACHABLE && act != Route.RTN_PROHIBIT) {
                    throw new SnapshotException(where + ": action \"" + action
                            + "\" is not modelled (table lookups, blackhole, unreachable, prohibit are)");
                }
            } else if (!r.has("table")) {
                throw new SnapshotException(where + ": expected a \"table\"");
            }
            out.add(new FibRule(prio, src[0], src[1], dst[0], dst[1], mark, mask,
                    r.has("iif") ? text(where, r, "iif") : null, r.has("oif") ? text(where, r, "oif") : null,
                    r.has("not"), r.has("table") ? r.path("table").asText() : null, act, r.path("suppress_prefixlen").asInt(-1)));
        }
        host.fib.setRules(out);
        if (!Files.exists(allRoutes)) {
            return;
        }
        JsonEntries all = JsonEntries.parse(allRoutes, read(allRoutes), "`ip -j route show table all` output");
        for (JsonEntries.Entry e : all.entries()) {
            String table = e.node().path("table").asText("main");
            if (table.equals("main") || table.equals("local")) {
                continue;
            }
            host.fib.addRoute(table, route(all, e));
        }
    }

    /** a 32-bit value `ip -j` prints in hex (0x1) or decimal */
    private static int hex32(String where, JsonNode r, String field) {
        String v = r.path(field).asText();
        try {
            long x = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (x < 0 || x > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return (int) x;
        } catch (NumberFormatException e) {
            throw new SnapshotException(where + ": expected a 32-bit \"" + field + "\" (0x1), got " + v);
        }
    }

    private static int[] prefix(String where, JsonNode r, String field, String lenField) {
        String v = r.path(field).asText("all");
        if (v.equals("all") || v.equals("default")) {
            return new int[] {0, 0};
        }
        int addr;
        try {
            addr = Ipv4.parse(v);
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(where + ": bad \"" + field + "\": " + v + " (expected an IPv4 address)");
        }
        JsonNode len = r.get(lenField);
        if (len != null && (!len.canConvertToExactIntegral() || len.asInt() < 0 || len.asInt() > 32)) {
            throw new SnapshotException(where + ": expected a \"" + lenField + "\" of 0-32, got " + len);
        }
        return new int[] {addr, len == null ? 32 : len.asInt()};
    }

    /** route types a route needs a device for (the others discard or answer themselves) */
    private static boolean needsDevice(int type) {
        return type != Route.RTN_BLACKHOLE && type != Route.RTN_UNREACHABLE && type != Route.RTN_PROHIBIT
                && type != Route.RTN_THROW;
    }

    /** one route of `ip -j route show` */
    private Route route(JsonEntries f, JsonEntries.Entry e) {
        String where = f.at(e, "route");
        JsonNode r = e.node();
        if (!r.isObject()) {
            throw new SnapshotException(where + ": expected an object with \"dst\"");
        }
        String dst = text(where, r, "dst");
        int addr = 0;
        int plen = 0;
        if (!dst.equals("default")) {
            String[] parts = dst.split("/", -1);
            try {
                addr = Ipv4.parse(parts[0]);
                plen = parts.length == 1 ? 32 : parts.length == 2 && parts[1].matches("\\d{1,2}") ? Integer.parseInt(parts[1]) : -1;
            } catch (IllegalArgumentException ex) {
                plen = -1;
            }
            if (plen < 0 || plen > 32) {
                throw new SnapshotException(where + ": bad \"dst\": " + dst + " (expected default or ADDRESS[/0-32])");
            }
            if (plen < 32 && (addr & (int) (0xffffffffL >>> plen)) != 0) {
                throw new SnapshotException(where + ": bad \"dst\": " + dst + " has bits beyond its prefix length"
                        + " (the kernel refuses it: Invalid prefix for given prefix length)");
            }
        }
        if (r.has("encap")) { // lwtunnel: the packet leaves encapsulated, which nothing here builds
            throw new SnapshotException(where + " (" + dst + "): a route with \"encap\" (" + r.get("encap").asText()
                    + ") is not modelled");
        }
        int type = Route.RTN_UNICAST;
        if (r.has("type")) {
            type = Route.typeOf(text(where, r, "type"));
            if (type < 0) {
                throw new SnapshotException(where + ": unknown route \"type\" " + r.get("type") + " (expected unicast, local,"
                        + " broadcast, anycast, multicast, blackhole, unreachable, prohibit, throw or nat)");
            }
        }
        NetDevice dev = null;
        if (r.has("dev")) {
            String name = text(where, r, "dev");
            dev = host.device(name);
            if (dev == null) {
                throw new SnapshotException(where + ": device " + name + " is not in ip-addr.json");
            }
            if (dev.mtu < IPV4_MIN_MTU) {
                throw new SnapshotException(where + ": device " + name + " has MTU " + dev.mtu
                        + " (IPv4 needs at least " + IPV4_MIN_MTU + ")");
            }
        } else if (needsDevice(type) && r.has("nexthops")) {
            return multipath(where, r, dst, type, addr, plen);
        } else if (needsDevice(type)) {
            throw new SnapshotException(where + " (" + dst + "): expected a \"dev\" (only blackhole, unreachable,"
                    + " prohibit and throw routes have none)");
        }
        int gw = address(where, r, "gateway");
        int prefsrc = address(where, r, "prefsrc");
        JsonNode metric = r.get("metric");
        if (metric != null && (!metric.canConvertToExactIntegral() || !metric.canConvertToLong() || metric.asLong() < 0
                || metric.asLong() > 0xffffffffL)) {
            throw new SnapshotException(where + ": expected a \"metric\" number, got " + metric);
        }
        return new Route(addr, plen, type, dev, gw, prefsrc, scope(r), metric == null ? 0 : (int) metric.asLong(),
                r.path("table").asText("main"), mtuMetric(where, r));
    }

    private static int scope(JsonNode r) {
        return switch (r.path("scope").asText()) {
            case "link" -> Route.SCOPE_LINK;
            case "host" -> Route.SCOPE_HOST;
            default -> Route.SCOPE_UNIVERSE;
        };
    }

    /**
     * The route's mtu metric from {@code "metrics":[{"mtu":N, "advmss":M, ...}]} (0: none).
     * Only mtu changes what a forwarded or sent packet meets; the others (advmss, window, rtt,
     * initcwnd...) steer the host's own TCP and are not modelled. (ip -j drops mtu's "lock".)
     */
    private static int mtuMetric(String where, JsonNode r) {
        JsonNode metrics = r.get("metrics");
        if (metrics == null) {
            return 0;
        }
        if (!metrics.isArray()) {
            throw new SnapshotException(where + ": expected \"metrics\" as a list of objects, got " + metrics);
        }
        int mtu = 0;
        for (JsonNode m : metrics) {
            JsonNode v = m.get("mtu");
            if (v == null) {
                continue;
            }
            // RTAX_MTU: ip_metrics_convert caps it at 65535 - 15; iproute2 refuses 0
            if (!v.canConvertToExactIntegral() || v.asLong() < 68 || v.asLong() > 65520) {
                throw new SnapshotException(where + ": bad \"mtu\" metric " + v + " (expected 68-65520)");
            }
            mtu = v.asInt();
        }
        return mtu;
    }

    /**
     * A multipath route: {@code "nexthops": [{"gateway":..., "dev":..., "weight":N, "flags":[...]}]}
     * (weight 1 when absent). A nexthop flagged "dead" (its device down) is left out, as the
     * kernel's selection skips it; with none alive, the route is never chosen (a blackhole that
     * the lookup passes over is not modelled: refused).
     */
    private Route multipath(String where, JsonNode r, String dst, int type, int addr, int plen) {
        JsonNode hops = r.get("nexthops");
        if (type != Route.RTN_UNICAST || !hops.isArray() || hops.isEmpty()) {
            throw new SnapshotException(where + " (" + dst + "): expected \"nexthops\" as a list of objects with"
                    + " \"dev\" (a unicast multipath route)");
        }
        java.util.List<NetDevice> devs = new java.util.ArrayList<>();
        java.util.List<Integer> gws = new java.util.ArrayList<>();
        java.util.List<Integer> weights = new java.util.ArrayList<>();
        int n = 0;
        for (JsonNode h : hops) {
            n++;
            String at = where + ": nexthop " + n;
            if (!h.isObject() || !h.has("dev")) {
                throw new SnapshotException(at + ": expected an object with \"dev\"");
            }
            String name = text(at, h, "dev");
            NetDevice dev = host.device(name);
            if (dev == null) {
                throw new SnapshotException(at + ": device " + name + " is not in ip-addr.json");
            }
            JsonNode w = h.get("weight");
            if (w != null && (!w.canConvertToExactIntegral() || w.asInt() < 1 || w.asInt() > 256)) {
                throw new SnapshotException(at + ": expected a \"weight\" of 1-256, got " + w);
            }
            boolean dead = false;
            for (JsonNode f : h.path("flags")) {
                dead |= "dead".equals(f.asText());
            }
            if (!dead) {
                devs.add(dev);
                gws.add(address(at, h, "gateway"));
                weights.add(w == null ? 1 : w.asInt());
            }
        }
        if (devs.isEmpty()) {
            throw new SnapshotException(where + " (" + dst + "): every nexthop is dead (a route the lookup passes over"
                    + " is not modelled)");
        }
        JsonNode metric = r.get("metric");
        return Route.multipath(addr, plen, address(where, r, "prefsrc"), scope(r),
                metric == null ? 0 : (int) metric.asLong(), r.path("table").asText("main"), mtuMetric(where, r),
                devs.toArray(NetDevice[]::new), gws.stream().mapToInt(Integer::intValue).toArray(),
                weights.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int address(String where, JsonNode r, String field) {
        if (!r.has(field)) {
            return 0;
        }
        String v = text(where, r, field);
        try {
            return Ipv4.parse(v);
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(where + ": bad \"" + field + "\": " + v + " (expected an IPv4 address)");
        }
    }

    private void loadSysctls(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        List<String> lines = read(p).lines().toList();
        int n = 0;
        for (String line : lines) {
            n++;
            String l = line.replaceAll("\\s+#.*$", "").trim();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new SnapshotException(p + ":" + n + ": expected `key = value`, got: " + line);
            }
            // `sysctl -a` shows a dot inside a device name as '/' (net.ipv4.conf.eth0/100.rp_filter);
            // the engine names the key with the device's own name
            String key = l.substring(0, eq).trim();
            String value = l.substring(eq + 1).trim();
            String problem = dev.hairpin.tools.SysctlKeys.snapshotProblem(host, key, value);
            if (problem != null) {
                throw new SnapshotException(p + ":" + n + ": " + problem);
            }
            if (key.indexOf('/') >= 0 && !key.startsWith("/")) {
                key = key.replace('/', '.');
            }
            host.sysctls.set(key, value);
        }
        applyConntrack(host, ctConfig);
    }

    /** Copies the net.netfilter.* sysctls into the conntrack configuration. */
    public static void applyConntrack(Host host, CtConfig c) {
        dev.hairpin.tools.SysctlKeys.applyConntrack(host, c);
    }

    /** the snapshot has the host's neighbour table (ip-neigh.txt): next hops missing from it need ARP */
    public boolean neighboursKnown;

    /**
     * `ip neigh show` lines: ADDRESS dev DEV lladdr MAC STATE...; IPv6 neighbours and entries
     * without a link-layer address (FAILED, INCOMPLETE) are not the engine's.
     */
    private void loadNeigh(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        neighboursKnown = true;
        int n = 0;
        for (String line : read(p).split("\n")) {
            n++;
            String[] w = line.trim().split("\\s+");
            if (w[0].isEmpty() || w[0].contains(":")) {
                continue;
            }
            int ip;
            try {
                ip = Ipv4.parse(w[0]);
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(p + ":" + n + ": expected `ADDRESS dev DEVICE lladdr MAC STATE` (`ip neigh show`), got: "
                        + line.trim());
            }
            int dev = java.util.Arrays.asList(w).indexOf("dev");
            if (dev > 0 && dev + 1 < w.length && host.device(w[dev + 1]) == null) {
                throw new SnapshotException(p + ":" + n + ": device " + w[dev + 1] + " is not in ip-addr.json");
            }
            int ll = java.util.Arrays.asList(w).indexOf("lladdr");
            if (ll < 0) {
                continue;
            }
            byte[] mac = ll + 1 < w.length ? macOrNull(w[ll + 1]) : null;
            if (mac == null) {
                throw new SnapshotException(p + ":" + n + ": expected a MAC address of six hex octets after lladdr, got: "
                        + (ll + 1 < w.length ? w[ll + 1] : "nothing"));
            }
            host.neighbours.put(ip, mac);
            if (dev > 0 && dev + 1 < w.length) {
                host.neighbourDevs.put(ip, host.device(w[dev + 1]));
            }
        }
    }

    /**
     * The native nftables base chains of nft-ruleset.txt, null when there is none; a rule the
     * engine does not model is a snapshot error naming its line.
     */
    public dev.hairpin.rules.nft.NftRuleset nft() {
        if (nftRuleset == null) {
            return null;
        }
        try {
            java.util.Set<String> ipt = new java.util.HashSet<>();
            String table = null;
            for (String l : iptablesSave.split("\n")) {
                if (l.startsWith("*")) {
                    table = l.substring(1).trim();
                } else if (l.startsWith(":") && table != null) {
                    ipt.add(table + "/" + l.substring(1).split("\\s+")[0]);
                }
            }
            return dev.hairpin.rules.nft.NftRuleset.parse(nftRuleset, dir.resolve("nft-ruleset.txt").toString(), ipt);
        } catch (dev.hairpin.rules.nft.NftRuleset.NftException e) {
            throw new SnapshotException(e.getMessage(), e);
        }
    }

    /**
     * Loads the snapshot's iptables-save into {@code rs} through iptables-restore ({@code counters}:
     * keep its [packets:bytes]); a ruleset iptables-restore refuses is a snapshot error.
     */
    public void loadRules(dev.hairpin.rules.Ruleset rs, boolean counters) {
        if (iptablesSave.isBlank()) {
            return;
        }
        var r = dev.hairpin.rules.iptables.IptablesRestore.restore(rs, iptablesSave,
                new dev.hairpin.rules.iptables.IptablesRestore.Options(counters, false, false, null));
        if (r.exitCode() != 0) {
            throw new SnapshotException(dir.resolve("iptables-save.txt") + ": refused by iptables-restore: " + r.stderr().trim());
        }
    }
}
