package dev.hairpin.tools;

import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sysctl keys the engine models, with the kernel's defaults: what {@code sysctl -a} lists
 * and what a write may change. Per-interface IPv4 keys exist for "all", "default" and every
 * device of the host, as under /proc/sys/net/ipv4/conf.
 */
public final class SysctlKeys {
    private SysctlKeys() {}

    /** value kinds: how a written value is checked and printed */
    enum Kind { INT, BOOL, RANGE, READ_ONLY }

    record Key(String name, String dflt, Kind kind) {}

    static final String[] CONF = {"forwarding", "rp_filter", "route_localnet", "accept_local", "send_redirects"};
    private static final Map<String, String> CONF_DEFAULTS = Map.of("forwarding", "0", "rp_filter", "0",
            "route_localnet", "0", "accept_local", "0", "send_redirects", "1");

    /** Every modelled key of this host, sorted by name, with its default. */
    static Map<String, Key> keys(Host host) {
        Map<String, Key> m = new TreeMap<>();
        add(m, "net.ipv4.ip_forward", "0", Kind.BOOL);
        add(m, "net.ipv4.ip_default_ttl", "64", Kind.INT);
        add(m, "net.ipv4.icmp_errors_use_inbound_ifaddr", "0", Kind.BOOL);
        add(m, "net.ipv4.icmp_echo_ignore_all", "0", Kind.BOOL);
        add(m, "net.ipv4.icmp_ratelimit", "1000", Kind.INT);
        add(m, "net.ipv4.ipfrag_time", "30", Kind.INT); // nf_defrag / ip_fragment.c
        add(m, "net.ipv4.ipfrag_high_thresh", "4194304", Kind.INT);
        add(m, "net.ipv4.ipfrag_low_thresh", "3145728", Kind.INT);
        add(m, "net.ipv4.ip_local_port_range", "32768\t60999", Kind.RANGE);
        add(m, "net.netfilter.nf_conntrack_max", "262144", Kind.INT);
        add(m, "net.nf_conntrack_max", "262144", Kind.INT);
        add(m, "net.netfilter.nf_conntrack_buckets", "262144", Kind.INT);
        add(m, "net.netfilter.nf_conntrack_count", "0", Kind.READ_ONLY);
        add(m, "net.netfilter.nf_conntrack_acct", "0", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_checksum", "1", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_events", "2", Kind.INT);
        add(m, "net.netfilter.nf_conntrack_timestamp", "0", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_log_invalid", "0", Kind.INT);
        add(m, "net.netfilter.nf_conntrack_tcp_loose", "1", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_tcp_be_liberal", "0", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_tcp_ignore_invalid_rst", "0", Kind.BOOL);
        add(m, "net.netfilter.nf_conntrack_tcp_max_retrans", "3", Kind.INT);
        for (CtTimeout t : CtTimeout.values()) {
            if (t.sysctl != null) {
                add(m, "net.netfilter." + t.sysctl, Integer.toString(t.defaultSeconds), Kind.INT);
            }
        }
        for (String dev : devices(host)) {
            for (String k : CONF) {
                add(m, "net.ipv4.conf." + dev + "." + k, CONF_DEFAULTS.get(k), k.equals("rp_filter") ? Kind.INT : Kind.BOOL);
            }
        }
        return m;
    }

    private static java.util.List<String> devices(Host host) {
        java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of("all", "default"));
        for (NetDevice d : host.devices) {
            l.add(d.name);
        }
        return l;
    }

    private static void add(Map<String, Key> m, String name, String dflt, Kind kind) {
        m.put(name, new Key(name, dflt, kind));
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
        return k.kind() == Kind.RANGE ? String.join("\t", v.trim().split("\\s+")) : v;
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
