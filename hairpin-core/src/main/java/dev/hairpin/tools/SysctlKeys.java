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
    /**
     * A key: {@code name} as sysctl shows it (a '.' inside a device name, as in eth0.100, shown
     * as '/': net.ipv4.conf.eth0/100.rp_filter), {@code store} the name the engine reads it by
     * (Sysctls: dots throughout), its default, kind, and whether the engine reads it.
     */
    record Key(String name, String store, String dflt, Kind kind, boolean modelled) {}

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
        add(m, "net.ipv4.ip_forward", "0", Kind.INT, true);
        add(m, "net.ipv4.ip_default_ttl", "64", Kind.INT, true);
        add(m, "net.ipv4.icmp_errors_use_inbound_ifaddr", "0", Kind.BOOL, true);
        add(m, "net.ipv4.icmp_echo_ignore_all", "0", Kind.BOOL, true);
        add(m, "net.ipv4.icmp_echo_ignore_broadcasts", "1", Kind.BOOL, true);
        add(m, "net.ipv4.fwmark_reflect", "0", Kind.BOOL, true);
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
                add(m, "net.ipv4.conf." + dev + "." + k, CONF_DEFAULTS.get(k), Kind.INT, true); // devinet's proc_dointvec: any int
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

    /** the per-device component of net.ipv[46].(conf|neigh).DEV.key with its dots shown as '/' */
    private static final java.util.regex.Pattern DEVICE_KEY = java.util.regex.Pattern.compile("^(net\\.ipv[46]\\.(?:conf|neigh))\\.(.+)\\.([^.]+)$");

    private static String shown(String name) {
        var m = DEVICE_KEY.matcher(name);
        return m.matches() && m.group(2).contains(".") ? m.group(1) + "." + m.group(2).replace('.', '/') + "." + m.group(3) : name;
    }

    private static void add(Map<String, Key> m, String name, String dflt, Kind kind, boolean modelled) {
        m.put(shown(name), new Key(shown(name), name, dflt, kind, modelled));
    }

    /** the recording kernel's HZ: jiffies sysctls take at most INT_MAX / HZ seconds */
    static final long HZ = 250;

    /** {min, max} of keys whose handler checks a range (proc_dou8vec_minmax, _minmax, _jiffies), as recorded */
    static long[] range(Key k) {
        String n = k.name();
        if (k.kind() == Kind.BOOL) {
            return new long[] {0, 1};
        }
        if (n.startsWith("net.netfilter.nf_conntrack_") && n.contains("_timeout")) {
            return new long[] {-(Integer.MAX_VALUE / HZ), Integer.MAX_VALUE / HZ};
        }
        return switch (n) {
            case "net.ipv4.ip_default_ttl" -> new long[] {1, 255};
            case "net.netfilter.nf_conntrack_events" -> new long[] {0, 2};
            case "net.netfilter.nf_conntrack_log_invalid", "net.netfilter.nf_conntrack_tcp_max_retrans" -> new long[] {0, 255};
            case "net.ipv4.icmp_ratelimit" -> new long[] {0, Integer.MAX_VALUE};
            default -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
        };
    }

    /**
     * proc_get_long(): the first word of the value, '-' allowed, then strtoul() with base 0
     * (0x hex, 0 octal, decimal), nothing but whitespace after it; null when the kernel would
     * answer EINVAL (also beyond an int).
     */
    static Long kernelInt(String word) {
        boolean neg = word.startsWith("-");
        String t = neg ? word.substring(1) : word;
        int radix = 10;
        if (t.length() > 2 && (t.startsWith("0x") || t.startsWith("0X"))) {
            t = t.substring(2);
            radix = 16;
        } else if (t.length() > 1 && t.startsWith("0")) {
            t = t.substring(1);
            radix = 8;
        }
        if (t.isEmpty() || t.length() > 20 || !Character.isLetterOrDigit(t.charAt(0))) {
            return null; // no second sign ("+1", "--1", "0x-1")
        }
        long v;
        try {
            v = Long.parseLong(t, radix);
        } catch (NumberFormatException e) {
            return null;
        }
        if (v > (neg ? 1L << 31 : Integer.MAX_VALUE)) {
            return null;
        }
        return neg ? -v : v;
    }

    /**
     * The value a write of {@code v} (already trimmed) leaves in the key, as the kernel's
     * handler takes it, or null when it refuses (EINVAL).
     */
    static String check(Host host, Key k, String v) {
        String[] words = v.isEmpty() ? new String[0] : v.split("\\s+");
        switch (k.kind()) {
            case TEXT:
                return v.isEmpty() ? null : v;
            case NUMBERS:
                return v.matches("-?\\d+(\\s+-?\\d+)*") && words.length == k.dflt().split("\t").length
                        ? String.join(" ", words) : null;
            case RANGE: {
                // ipv4_local_port_range(): one or two ints (one keeps the upper bound), the lower
                // at least ip_unprivileged_port_start, the upper at most 65535, in order
                if (words.length == 0) {
                    return null;
                }
                String[] cur = host.sysctls.get(k.store()) == null ? k.dflt().split("\\s+") : host.sysctls.get(k.store()).trim().split("\\s+");
                Long lo = kernelInt(words[0]);
                Long hi = words.length > 1 ? kernelInt(words[1]) : Long.valueOf(Long.parseLong(cur[1]));
                long prot = host.sysctls.getLong("net.ipv4.ip_unprivileged_port_start", 1024);
                if (lo == null || hi == null || hi < lo || lo < Math.max(1, prot) || hi > 65535) {
                    return null;
                }
                return lo + " " + hi;
            }
            case READ_ONLY:
                return null;
            default: {
                if (words.length == 0) {
                    return null;
                }
                Long n = kernelInt(words[0]);
                long[] r = range(k);
                return n == null || n < r[0] || n > r[1] ? null : Long.toString(n);
            }
        }
    }

    /**
     * What is wrong with {@code name = value} as a line of a host's sysctl snapshot, or null: a
     * key the engine reads must hold a value its kernel handler accepts, and a per-interface key
     * must name an interface of the host. Keys the engine does not know (another kernel's) pass.
     */
    public static String snapshotProblem(Host host, String name, String value) {
        Map<String, Key> keys = keys(host);
        Key k = keys.get(name);
        if (k == null) {
            k = keys.get(shown(name));
        }
        if (k == null) {
            var m = DEVICE_KEY.matcher(name);
            if (m.matches() && (name.startsWith("net.ipv4.conf.") || name.startsWith("net.ipv4.neigh."))) {
                String dev = m.group(2).replace('/', '.');
                if (!dev.equals("all") && !dev.equals("default") && host.device(dev) == null) {
                    return "no interface " + dev + " in ip-addr.json";
                }
            }
            return null;
        }
        if (!k.modelled() || k.kind() == Kind.READ_ONLY || check(host, k, value.trim()) != null) {
            return null;
        }
        String expected = switch (k.kind()) {
            case BOOL -> "0 or 1";
            case RANGE -> "two port numbers, low then high, within 1-65535";
            case NUMBERS -> k.dflt().split("\t").length + " integers";
            case TEXT -> "a value";
            default -> {
                long[] r = range(k);
                yield "an integer in " + r[0] + ".." + r[1];
            }
        };
        return "the kernel refuses " + value.trim() + " for " + k.name() + " (expected " + expected + ")";
    }

    /** The current value as /proc/sys shows it. */
    static String value(Host host, dev.hairpin.conntrack.Conntrack c, Key k) {
        if (k.name().equals("net.netfilter.nf_conntrack_count")) {
            return Integer.toString(c == null ? 0 : c.table.count());
        }
        String v = host.sysctls.get(k.store());
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
