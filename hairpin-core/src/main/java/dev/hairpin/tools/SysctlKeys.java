package dev.hairpin.tools;

import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sysctl keys of a Linux host (net.*, recorded from a real kernel) with their defaults, and
 * among them the ones the engine reads: what {@code sysctl -a} lists and what a write may change.
 * Per-interface keys exist for "all", "default" and every device of the host, as under
 * /proc/sys/net/ipv4/conf.
 */
public final class SysctlKeys {
    private SysctlKeys() {}

    /** value kinds: how a written value is checked and printed */
    enum Kind { INT, BOOL, RANGE, NUMBERS, TEXT, READ_ONLY }

    /** a key, its default, its kind; {@code modelled} when the engine reads it */
    record Key(String name, String dflt, Kind kind, boolean modelled) {}

    static final String[] CONF = {"forwarding", "rp_filter", "route_localnet", "accept_local", "send_redirects"};
    private static final Map<String, String> CONF_DEFAULTS = Map.of("forwarding", "0", "rp_filter", "0",
            "route_localnet", "0", "accept_local", "0", "send_redirects", "1");

    /** every net.* key of a Linux host (a recording of sysctl -a), per-interface ones given for lo */
    private static final java.util.List<String[]> LINUX = linux();

    private static java.util.List<String[]> linux() {
        java.util.List<String[]> l = new java.util.ArrayList<>();
        try (var in = SysctlKeys.class.getResourceAsStream("sysctl-defaults.txt")) {
            if (in == null) {
                throw new IllegalStateException("sysctl-defaults.txt missing from the classpath");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf(" = ");
                if (line.startsWith("#") || eq < 0) {
                    continue;
                }
                l.add(new String[] {line.substring(0, eq), line.substring(eq + 3)});
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return l;
    }

    private static final java.util.regex.Pattern PER_DEVICE = java.util.regex.Pattern.compile("^(net\\.ipv[46]\\.(?:conf|neigh))\\.lo\\.(.+)$");

    /**
     * Every key of this host, sorted by name, with its default: the Linux keys (those the engine
     * does not read are kept and shown, without effect) and the modelled ones, per-interface keys
     * for "all", "default" and every device.
     */
    static Map<String, Key> keys(Host host) {
        Map<String, Key> m = new TreeMap<>();
        java.util.List<String> devs = devices(host);
        Map<String, String> plain = new java.util.HashMap<>();
        for (String[] kv : LINUX) {
            plain.put(kv[0], kv[1]);
        }
        for (String[] kv : LINUX) {
            var pd = PER_DEVICE.matcher(kv[0]);
            if (pd.matches()) {
                for (String d : devs) {
                    if (d.equals("all") || d.equals("default")) {
                        continue;
                    }
                    String v = d.equals("lo") ? kv[1] : plain.getOrDefault(pd.group(1) + ".default." + pd.group(2), kv[1]);
                    add(m, pd.group(1) + "." + d + "." + pd.group(2), v, kindOf(v), false);
                }
            } else {
                add(m, kv[0], kv[1], kindOf(kv[1]), false);
            }
        }
        add(m, "net.ipv4.ip_forward", "0", Kind.BOOL, true);
        add(m, "net.ipv4.ip_default_ttl", "64", Kind.INT, true);
        add(m, "net.ipv4.icmp_errors_use_inbound_ifaddr", "0", Kind.BOOL, true);
        add(m, "net.ipv4.icmp_echo_ignore_all", "0", Kind.BOOL, true);
        add(m, "net.ipv4.icmp_ratelimit", "1000", Kind.INT, true);
        add(m, "net.ipv4.ip_local_port_range", "32768\t60999", Kind.RANGE, true);
        add(m, "net.ipv4.ipfrag_time", "30", Kind.INT, true);
        add(m, "net.ipv4.ipfrag_high_thresh", "4194304", Kind.INT, true);
        add(m, "net.netfilter.nf_conntrack_max", "262144", Kind.INT, true);
        add(m, "net.nf_conntrack_max", "262144", Kind.INT, true);
        add(m, "net.netfilter.nf_conntrack_buckets", "262144", Kind.INT, true);
        add(m, "net.netfilter.nf_conntrack_count", "0", Kind.READ_ONLY, true);
        add(m, "net.netfilter.nf_conntrack_acct", "0", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_checksum", "1", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_events", "2", Kind.INT, true);
        add(m, "net.netfilter.nf_conntrack_timestamp", "0", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_log_invalid", "0", Kind.INT, true);
        add(m, "net.netfilter.nf_conntrack_tcp_loose", "1", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_tcp_be_liberal", "0", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_tcp_ignore_invalid_rst", "0", Kind.BOOL, true);
        add(m, "net.netfilter.nf_conntrack_tcp_max_retrans", "3", Kind.INT, true);
        for (CtTimeout t : CtTimeout.values()) {
            if (t.sysctl != null) {
                add(m, "net.netfilter." + t.sysctl, Integer.toString(t.defaultSeconds), Kind.INT, true);
            }
        }
        for (String dev : devs) {
            for (String k : CONF) {
                add(m, "net.ipv4.conf." + dev + "." + k, CONF_DEFAULTS.get(k), k.equals("rp_filter") ? Kind.INT : Kind.BOOL, true);
            }
        }
        if (host.netns) {
            m.remove("net.nf_conntrack_max"); // init_net's alone (nf_ct_netfilter_header)
        }
        return m;
    }

    private static Kind kindOf(String v) {
        if (v.matches("-?\\d+")) {
            return Kind.INT;
        }
        if (v.matches("-?\\d+(\t-?\\d+)+")) {
            return Kind.NUMBERS;
        }
        return Kind.TEXT;
    }

    private static java.util.List<String> devices(Host host) {
        java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of("all", "default"));
        for (NetDevice d : host.devices) {
            l.add(d.name);
        }
        return l;
    }

    private static void add(Map<String, Key> m, String name, String dflt, Kind kind, boolean modelled) {
        m.put(name, new Key(name, dflt, kind, modelled));
    }

    /** The current value as /proc/sys shows it. */
    static String value(Host host, dev.hairpin.conntrack.Conntrack c, Key k) {
        if (k.name().equals("net.netfilter.nf_conntrack_count")) {
            return Integer.toString(c == null ? 0 : c.table.count());
        }
        String v = host.sysctls.get(k.name());
        if (v == null && k.name().equals("net.nf_conntrack_max")) {
            v = host.sysctls.get("net.netfilter.nf_conntrack_max");
        }
        if (v == null && k.name().startsWith("net.ipv4.conf.") && k.name().endsWith(".forwarding")) {
            v = host.sysctls.get("net.ipv4.ip_forward");
        }
        if (v == null) {
            v = k.dflt();
        }
        return k.kind() == Kind.RANGE || k.kind() == Kind.NUMBERS ? String.join("\t", v.trim().split("\\s+")) : v;
    }

    /** Copies the net.netfilter.* values into the conntrack configuration (after a write or a load). */
    public static void applyConntrack(Host host, CtConfig c) {
        var s = host.sysctls;
        c.max = (int) s.getLong("net.netfilter.nf_conntrack_max", s.getLong("net.nf_conntrack_max", c.max));
        c.buckets = (int) s.getLong("net.netfilter.nf_conntrack_buckets", c.buckets);
        c.acct = s.getLong("net.netfilter.nf_conntrack_acct", c.acct ? 1 : 0) != 0;
        c.checksum = s.getLong("net.netfilter.nf_conntrack_checksum", 1) != 0;
        c.events = (int) s.getLong("net.netfilter.nf_conntrack_events", c.events);
        c.timestamp = s.getLong("net.netfilter.nf_conntrack_timestamp", 0) != 0;
        c.logInvalid = (int) s.getLong("net.netfilter.nf_conntrack_log_invalid", 0);
        c.tcpLoose = s.getLong("net.netfilter.nf_conntrack_tcp_loose", 1) != 0;
        c.tcpBeLiberal = s.getLong("net.netfilter.nf_conntrack_tcp_be_liberal", 0) != 0;
        c.tcpIgnoreInvalidRst = s.getLong("net.netfilter.nf_conntrack_tcp_ignore_invalid_rst", 0) != 0;
        c.tcpMaxRetrans = (int) s.getLong("net.netfilter.nf_conntrack_tcp_max_retrans", 3);
        for (CtTimeout t : CtTimeout.values()) {
            if (t.sysctl != null) {
                c.setTimeoutSeconds(t, s.getLong("net.netfilter." + t.sysctl, c.timeoutSeconds(t)));
            }
        }
    }
}
