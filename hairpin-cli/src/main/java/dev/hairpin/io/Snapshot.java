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
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode json(Path p) {
        try {
            return new ObjectMapper().readTree(read(p));
        } catch (IOException e) {
            throw new SnapshotException(p + ": not valid JSON (expected the output of `ip -j`): " + e.getMessage(), e);
        }
    }

    private void loadAddrs(Path p) {
        if (!Files.exists(p)) {
            throw new SnapshotException(p + ": missing (expected `ip -j addr show` output)");
        }
        JsonNode root = json(p);
        if (!root.isArray()) {
            throw new SnapshotException(p + ": expected a JSON array of interfaces");
        }
        int i = 0;
        for (JsonNode d : root) {
            i++;
            String name = text(p, d, "ifname", i);
            int ifindex = d.path("ifindex").asInt(-1);
            if (ifindex < 0) {
                throw new SnapshotException(p + ": interface " + i + " (" + name + "): expected an \"ifindex\" number");
            }
            String lt = d.path("link_type").asText("ether");
            int type = switch (lt) {
                case "loopback" -> NetDevice.ARPHRD_LOOPBACK;
                case "none" -> NetDevice.ARPHRD_NONE;
                default -> NetDevice.ARPHRD_ETHER;
            };
            byte[] mac = mac(d.path("address").asText("00:00:00:00:00:00"));
            NetDevice dev = host.add(new NetDevice(name, ifindex, type, mac, d.path("mtu").asInt(1500)));
            for (JsonNode a : d.path("addr_info")) {
                if (!"inet".equals(a.path("family").asText())) {
                    continue;
                }
                int local;
                try {
                    local = Ipv4.parse(a.path("local").asText());
                } catch (IllegalArgumentException e) {
                    throw new SnapshotException(p + ": interface " + name + ": bad \"local\" address: " + a.path("local").asText());
                }
                int scope = switch (a.path("scope").asText("global")) {
                    case "host" -> Route.SCOPE_HOST;
                    case "link" -> Route.SCOPE_LINK;
                    default -> Route.SCOPE_UNIVERSE;
                };
                dev.addrs.add(new NetDevice.InAddr(local, a.path("prefixlen").asInt(32), scope, a.path("secondary").asBoolean(false)));
            }
        }
    }

    private static String text(Path p, JsonNode n, String field, int i) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new SnapshotException(p + ": entry " + i + ": expected a \"" + field + "\" string");
        }
        return v.asText();
    }

    static byte[] mac(String s) {
        byte[] m = new byte[6];
        String[] parts = s.split(":");
        for (int i = 0; i < 6 && i < parts.length; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    private void loadRoutes(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        JsonNode root = json(p);
        int i = 0;
        for (JsonNode r : root) {
            i++;
            host.fib.addMain(route(p, r, i));
        }
    }

    /** ip rules and the routes of tables other than main and local (those come from ip-route.json and the addresses) */
    private void loadPolicy(Path rules, Path allRoutes) {
        if (!Files.exists(rules)) {
            return;
        }
        JsonNode root = json(rules);
        if (!root.isArray()) {
            throw new SnapshotException(rules + ": expected a JSON array of rules (`ip -j rule show`)");
        }
        List<FibRule> out = new java.util.ArrayList<>();
        int i = 0;
        for (JsonNode r : root) {
            i++;
            int prio = r.path("priority").asInt(-1);
            if (prio < 0) {
                throw new SnapshotException(rules + ": rule " + i + ": expected a \"priority\" number");
            }
            int[] src = prefix(rules, i, r, "src", "srclen");
            int[] dst = prefix(rules, i, r, "dst", "dstlen");
            int mark = 0;
            int mask = 0;
            if (r.has("fwmark")) {
                mark = (int) Long.parseLong(r.path("fwmark").asText().replaceFirst("^0x", ""), 16);
                mask = r.has("fwmask") ? (int) Long.parseLong(r.path("fwmask").asText().replaceFirst("^0x", ""), 16) : -1;
            }
            String action = r.path("action").asText("");
            int act = FibRule.TO_TABLE;
            if (!action.isEmpty() && !action.equals("to_tbl")) {
                act = Route.typeOf(action);
                if (act != Route.RTN_BLACKHOLE && act != Route.RTN_UNREACHABLE && act != Route.RTN_PROHIBIT) {
                    throw new SnapshotException(rules + ": rule " + i + ": action \"" + action
                            + "\" is not modelled (table lookups, blackhole, unreachable, prohibit are)");
                }
            } else if (!r.has("table")) {
                throw new SnapshotException(rules + ": rule " + i + ": expected a \"table\"");
            }
            out.add(new FibRule(prio, src[0], src[1], dst[0], dst[1], mark, mask,
                    r.has("iif") ? r.path("iif").asText() : null, r.has("oif") ? r.path("oif").asText() : null,
                    r.has("not"), r.path("table").asText(null), act));
        }
        host.fib.setRules(out);
        if (!Files.exists(allRoutes)) {
            return;
        }
        JsonNode all = json(allRoutes);
        i = 0;
        for (JsonNode r : all) {
            i++;
            String table = r.path("table").asText("main");
            if (table.equals("main") || table.equals("local")) {
                continue;
            }
            host.fib.addRoute(table, route(allRoutes, r, i));
        }
    }

    private static int[] prefix(Path p, int i, JsonNode r, String field, String lenField) {
        String v = r.path(field).asText("all");
        if (v.equals("all") || v.equals("default")) {
            return new int[] {0, 0};
        }
        try {
            return new int[] {Ipv4.parse(v), r.path(lenField).asInt(32)};
        } catch (IllegalArgumentException e) {
            throw new SnapshotException(p + ": rule " + i + ": bad \"" + field + "\": " + v);
        }
    }

    /** one route of `ip -j route show` */
    private Route route(Path p, JsonNode r, int i) {
        String dst = text(p, r, "dst", i);
        int addr = 0;
        int plen = 0;
        if (!dst.equals("default")) {
            String[] parts = dst.split("/");
            try {
                addr = Ipv4.parse(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new SnapshotException(p + ": route " + i + ": bad \"dst\": " + dst);
            }
            plen = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        }
        int type = r.has("type") ? Route.typeOf(r.path("type").asText()) : Route.RTN_UNICAST;
        NetDevice dev = r.has("dev") ? host.device(r.path("dev").asText()) : null;
        if (r.has("dev") && dev == null) {
            throw new SnapshotException(p + ": route " + i + ": device " + r.path("dev").asText() + " is not in ip-addr.json");
        }
        int gw = r.has("gateway") ? Ipv4.parse(r.path("gateway").asText()) : 0;
        int prefsrc = r.has("prefsrc") ? Ipv4.parse(r.path("prefsrc").asText()) : 0;
        int scope = "link".equals(r.path("scope").asText()) ? Route.SCOPE_LINK
                : "host".equals(r.path("scope").asText()) ? Route.SCOPE_HOST : Route.SCOPE_UNIVERSE;
        return new Route(addr, plen, type, dev, gw, prefsrc, scope, r.path("metric").asInt(0), r.path("table").asText("main"));
    }

    private void loadSysctls(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
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
            if (key.indexOf('/') >= 0 && !key.startsWith("/")) {
                key = key.replace('/', '.');
            }
            host.sysctls.set(key, l.substring(eq + 1).trim());
        }
        applyConntrack(host, ctConfig);
    }

    /** Copies the net.netfilter.* sysctls into the conntrack configuration. */
    public static void applyConntrack(Host host, CtConfig c) {
        dev.hairpin.tools.SysctlKeys.applyConntrack(host, c);
    }

    private void loadNeigh(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        for (String line : read(p).split("\n")) {
            String[] w = line.trim().split("\\s+");
            int ll = java.util.Arrays.asList(w).indexOf("lladdr");
            if (w.length > 0 && ll > 0 && ll + 1 < w.length) {
                try {
                    host.neighbours.put(Ipv4.parse(w[0]), mac(w[ll + 1]));
                } catch (IllegalArgumentException e) {
                    // an IPv6 neighbour or similar: not ours
                }
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
