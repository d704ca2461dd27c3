package dev.hairpin.tools;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.host.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code sysctl} (procps-ng 4.0.2) over the keys the engine models ({@link SysctlKeys}): reads,
 * writes ({@code -w}, or any {@code key=value}), {@code -a}, a subtree, {@code -p FILE},
 * {@code -n -N -q -e}, slash-separated names, with the tool's messages and exit statuses as
 * recorded (an unknown key is "cannot stat /proc/sys/...", exit 1; a bad value "Invalid argument").
 * A write that changes conntrack's knobs takes effect at once.
 */
public final class SysctlCommand {
    private SysctlCommand() {}

    static final String USAGE = """

            Usage:
             sysctl [options] [variable[=value] ...]

            Options:
              -a, --all            display all variables
              -A                   alias of -a
              -X                   alias of -a
                  --deprecated     include deprecated parameters to listing
                  --dry-run        Print the key and values but do not write
              -b, --binary         print value without new line
              -e, --ignore         ignore unknown variables errors
              -N, --names          print variable names without values
              -n, --values         print only values of the given variable(s)
              -p, --load[=<file>]  read values from file
              -f                   alias of -p
                  --system         read values from all system directories
              -r, --pattern <expression>
                                   select setting that match expression
              -q, --quiet          do not echo variable set
              -w, --write          enable writing a value to variable
              -o                   does nothing
              -x                   does nothing
              -d                   alias of -h

             -h, --help     display this help and exit
             -V, --version  output version information and exit

            For more details see sysctl(8).
            """;

    /** argv without "sysctl"; {@code files} reads -p FILE (the lab's filesystem) */
    public static ToolResult run(Host host, Conntrack c, List<String> argv, Function<Path, String> files) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        boolean write = false, quiet = false, ignore = false, names = false, values = false, all = false, preload = false;
        List<String> loads = new java.util.ArrayList<>();
        String pattern = null;
        List<String> vars = new java.util.ArrayList<>();
        // getopt_long("bneNwfp::qoxaAXr:Vdh"): options anywhere, short ones clustered; a bad
        // option prints getopt's complaint and the usage on stdout, exit 0 (recorded)
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                String arg = eq < 0 ? null : a.substring(eq + 1);
                switch (name) {
                    case "all" -> all = true;
                    case "deprecated", "dry-run", "binary", "system" -> { }
                    case "ignore" -> ignore = true;
                    case "names" -> names = true;
                    case "values" -> values = true;
                    case "quiet" -> quiet = true;
                    case "write" -> write = true;
                    case "load" -> {
                        preload = true;
                        if (arg != null) {
                            loads.add(arg);
                        }
                    }
                    case "pattern" -> {
                        if (arg == null && i + 1 >= argv.size()) {
                            return usage("sysctl: option '--pattern' requires an argument\n");
                        }
                        pattern = arg != null ? arg : argv.get(++i);
                    }
                    case "help" -> {
                        return ToolResult.ok(USAGE);
                    }
                    case "version" -> {
                        return ToolResult.ok("sysctl from procps-ng 4.0.2\n");
                    }
                    default -> {
                        return usage("sysctl: unrecognized option '" + a + "'\n");
                    }
                }
                continue;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                vars.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char o = a.charAt(j);
                switch (o) {
                    case 'w' -> write = true;
                    case 'q' -> quiet = true;
                    case 'e' -> ignore = true;
                    case 'N' -> names = true;
                    case 'n' -> values = true;
                    case 'a', 'A', 'X' -> all = true;
                    case 'o', 'x', 'b' -> { }
                    case 'f' -> preload = true;
                    case 'p' -> {
                        preload = true;
                        if (j + 1 < a.length()) {
                            loads.add(a.substring(j + 1));
                            j = a.length();
                        }
                    }
                    case 'r' -> {
                        if (j + 1 < a.length()) {
                            pattern = a.substring(j + 1);
                        } else if (i + 1 < argv.size()) {
                            pattern = argv.get(++i);
                        } else {
                            return usage("sysctl: option requires an argument -- 'r'\n");
                        }
                        j = a.length();
                    }
                    case 'V' -> {
                        return ToolResult.ok("sysctl from procps-ng 4.0.2\n");
                    }
                    case 'h', 'd' -> {
                        return ToolResult.ok(USAGE);
                    }
                    default -> {
                        return usage("sysctl: invalid option -- '" + o + "'\n");
                    }
                }
            }
        }
        Map<String, SysctlKeys.Key> keys = SysctlKeys.keys(host);
        int rc = 0;
        if (preload) {
            // -p [FILE...]: the files named after the options (or attached), else /etc/sysctl.conf;
            // -N and -n both print just the value of each setting
            if (loads.isEmpty()) {
                loads.addAll(vars);
            }
            if (loads.isEmpty()) {
                loads.add("/etc/sysctl.conf");
            }
            for (String load : loads) {
                rc |= preload(host, c, keys, load, files, quiet, ignore, names || values, out, err);
            }
            return new ToolResult(out.toString(), err.toString(), rc);
        }
        // -r only filters: without -a and names it lists nothing and is "no variables specified"
        // (recorded: sysctl -N -r nf_conntrack_udp)
        if (all) {
            if (pattern != null) {
                try {
                    java.util.regex.Pattern.compile(pattern);
                } catch (java.util.regex.PatternSyntaxException x) {
                    return ToolResult.ok(""); // procps 4.0.2 ignores regcomp's failure: nothing matches, exit 0 (checked)
                }
            }
            java.util.TreeMap<String, SysctlKeys.Key> listed = new java.util.TreeMap<>(keys);
            if (names) {
                // -N reads no value, so it also names the files a read fails on: each device's
                // IPv6 stable_secret (EIO until one is set; recorded for two veth ends)
                for (dev.hairpin.host.NetDevice d : host.devices) {
                    listed.put("net.ipv6.conf." + d.name.replace('.', '/') + ".stable_secret", null);
                }
            }
            for (var e : listed.entrySet()) {
                String kn = e.getKey();
                if (pattern == null || java.util.regex.Pattern.compile(pattern).matcher(kn).find()) {
                    print(out, kn, e.getValue() == null ? "" : SysctlKeys.value(host, c, e.getValue()), names, values);
                }
            }
            return ToolResult.ok(out.toString());
        }
        if (vars.isEmpty()) {
            if (!argv.isEmpty()) {
                return new ToolResult("", "sysctl: no variables specified\nTry `sysctl --help' for more information.\n", 1);
            }
            return new ToolResult("", USAGE, 1);
        }
        for (String v : vars) {
            int eq = v.indexOf('=');
            if (write && eq < 0) {
                // procps reports the first malformed setting and writes nothing after it
                err.append("sysctl: command line(0): invalid syntax, continuing...\n");
                return new ToolResult(out.toString(), err.toString(), 1);
            }
            if (eq >= 0) {
                rc |= write(host, c, keys, v.substring(0, eq), v.substring(eq + 1), quiet, ignore, names || values, out, err);
            } else {
                rc |= read(host, c, keys, v, ignore, names, values, out, err);
            }
        }
        return new ToolResult(out.toString(), err.toString(), rc);
    }

    /** getopt's complaint on stderr, the usage on stdout, exit 0 (procps 4.0.2 as recorded) */
    private static ToolResult usage(String complaint) {
        return new ToolResult(USAGE, complaint, 0);
    }

    /**
     * Preload(): the whole file is read first (a line without '=' is reported and skipped; it
     * does not fail the command), then every setting is written in order. A name with glob
     * characters stands for every matching key (sorted); a leading '-' is dropped.
     */
    private static int preload(Host host, Conntrack c, Map<String, SysctlKeys.Key> keys, String load,
            Function<Path, String> files, boolean quiet, boolean ignore, boolean valueOnly, StringBuilder out, StringBuilder err) {
        String text = files.apply(Path.of(load));
        if (text == null) {
            err.append("sysctl: cannot open \"").append(load).append("\": No such file or directory\n");
            return 1;
        }
        List<String[]> settings = new java.util.ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("-")) {
                l = l.substring(1);
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                err.append("sysctl: ").append(load).append("(").append(n).append("): invalid syntax, continuing...\n");
                continue;
            }
            String name = l.substring(0, eq).trim();
            String value = l.substring(eq + 1).trim();
            if (name.matches(".*[*?\\[].*")) {
                java.util.regex.Pattern glob = glob(dotted(name));
                for (String k : keys.keySet()) {
                    if (glob.matcher(k).matches()) {
                        settings.add(new String[] {k, value});
                    }
                }
                continue;
            }
            settings.add(new String[] {name, value});
        }
        int rc = 0;
        for (String[] st : settings) {
            rc |= write(host, c, keys, st[0], st[1], quiet, ignore, valueOnly, out, err);
        }
        return rc;
    }

    /** a glob over dotted names: '*' and '?' stay within one component */
    private static java.util.regex.Pattern glob(String name) {
        StringBuilder re = new StringBuilder();
        for (char ch : name.toCharArray()) {
            switch (ch) {
                case '*' -> re.append("[^.]*");
                case '?' -> re.append("[^.]");
                case '[', ']' -> re.append(ch);
                default -> re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
        }
        return java.util.regex.Pattern.compile(re.toString());
    }

    /**
     * The name procps prints: a name whose first separator is '/' is a path, shown with '/' and
     * '.' swapped (net/ipv4/conf/eth0.100/rp_filter is net.ipv4.conf.eth0/100.rp_filter); a
     * dotted name is shown as typed.
     */
    private static String dotted(String name) {
        return slashForm(name) ? swap(name) : name;
    }

    private static boolean slashForm(String name) {
        int slash = name.indexOf('/');
        int dot = name.indexOf('.');
        return slash >= 0 && (dot < 0 || slash < dot);
    }

    private static String swap(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (char ch : name.toCharArray()) {
            sb.append(ch == '.' ? '/' : ch == '/' ? '.' : ch);
        }
        return sb.toString();
    }

    /** the key a dotted name reaches: empty components vanish, as repeated '/' do in a path */
    private static String key(String dotted) {
        StringBuilder sb = new StringBuilder();
        for (String part : dotted.split("\\.")) {
            if (!part.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : ".").append(part);
            }
        }
        return sb.toString();
    }

    /** procps warns of "a..b" (and still reads the key) */
    private static void repeated(String name, StringBuilder err) {
        int at = name.indexOf("..");
        if (at > 0 && at + 2 < name.length()) {
            err.append("sysctl: separators should not be repeated: ").append(name.substring(at)).append('\n');
        }
    }

    /** the file a shown name stands for: '.' and '/' swapped back */
    private static String procPath(String name) {
        return "/proc/sys/" + swap(name);
    }

    private static int read(Host host, Conntrack c, Map<String, SysctlKeys.Key> keys, String raw, boolean ignore,
            boolean names, boolean values, StringBuilder out, StringBuilder err) {
        String name = dotted(raw);
        SysctlKeys.Key k = raw.startsWith("/") ? null : keys.get(key(name));
        if (k == null) {
            String prefix = key(name) + ".";
            boolean any = false;
            java.util.TreeMap<String, SysctlKeys.Key> listed = new java.util.TreeMap<>(raw.startsWith("/") ? Map.of() : keys);
            if (!raw.startsWith("/")) {
                for (String w : WRITE_ONLY) {
                    listed.put(w, null);
                }
            }
            for (var e : listed.entrySet()) {
                String xn = e.getKey();
                if (xn.startsWith(prefix)) {
                    // the name as typed, then the rest of the path below it; a typed name ending
                    // in '.' makes "//" in each path, which procps warns of twice per key (recorded)
                    String rest = xn.substring(prefix.length());
                    String path = name.replace('.', '/') + "/" + rest.replace('.', '/');
                    int at = path.indexOf("//");
                    if (at > 0) {
                        String w = "sysctl: separators should not be repeated: " + path.substring(at) + "\n";
                        err.append(w).append(w);
                    }
                    if (e.getValue() == null) {
                        continue; // a write-only file: walked, not shown
                    }
                    print(out, name + "." + rest, SysctlKeys.value(host, c, e.getValue()), names, values);
                    any = true;
                }
            }
            if (any) {
                return 0;
            }
            if (ignore) {
                return 0;
            }
            err.append("sysctl: cannot stat ").append(raw.startsWith("/") ? "/proc/sys/" + raw : procPath(name))
                    .append(": No such file or directory\n");
            return 1;
        }
        repeated(name, err);
        print(out, name, SysctlKeys.value(host, c, k), names, values);
        return 0;
    }

    private static void print(StringBuilder out, String name, String value, boolean names, boolean values) {
        if (names) {
            out.append(name).append('\n');
        } else if (values) {
            out.append(value).append('\n');
        } else {
            out.append(name).append(" = ").append(value).append('\n');
        }
    }

    /** files under /proc/sys/net that only take writes (mode 0200): a listing walks past them */
    private static final List<String> WRITE_ONLY = List.of("net.ipv4.route.flush", "net.ipv6.route.flush");

    /** conntrack's host-wide keys, read-only in a namespace other than the initial one ({@link Host#netns}) */
    private static final java.util.Set<String> HOST_WIDE = java.util.Set.of("net.netfilter.nf_conntrack_max",
            "net.netfilter.nf_conntrack_buckets", "net.netfilter.nf_conntrack_expect_max");

    private static int write(Host host, Conntrack c, Map<String, SysctlKeys.Key> keys, String raw, String value,
            boolean quiet, boolean ignore, boolean valueOnly, StringBuilder out, StringBuilder err) {
        String name = dotted(raw.trim());
        if (key(name).isEmpty()) {
            err.append("sysctl: Path is not under /proc/sys/: /proc/sys/").append(raw.trim()).append('\n');
            return 1;
        }
        SysctlKeys.Key k = raw.trim().startsWith("/") ? null : keys.get(key(name));
        if (k == null) {
            if (ignore) {
                return 0;
            }
            err.append("sysctl: cannot stat ").append(raw.startsWith("/") ? "/proc/sys/" + raw : procPath(name))
                    .append(": No such file or directory\n");
            return 1;
        }
        repeated(name, err);
        String v = value.trim();
        if (k.kind() == SysctlKeys.Kind.READ_ONLY || host.netns && HOST_WIDE.contains(k.name())) {
            // a file without write permission (nf_conntrack_count; conntrack's host-wide keys
            // outside init_net): procps reports the refused write and goes on, exit 0 (recorded)
            err.append("sysctl: setting key \"").append(name).append("\": Invalid argument\n");
            return 0;
        }
        String stored = SysctlKeys.check(host, k, v);
        if (stored == null) {
            err.append("sysctl: setting key \"").append(name).append("\": Invalid argument\n");
            return 1;
        }
        String kn = k.name();
        String before = SysctlKeys.value(host, c, k);
        host.sysctls.set(k.store(), stored);
        if (kn.equals("net.nf_conntrack_max")) {
            host.sysctls.set("net.netfilter.nf_conntrack_max", stored);
        } else if (kn.equals("net.netfilter.nf_conntrack_max")) {
            host.sysctls.set("net.nf_conntrack_max", stored);
        }
        if ((kn.equals("net.ipv4.ip_forward") || kn.equals("net.ipv4.conf.all.forwarding")) && !before.equals(stored)) {
            // one variable behind both names; a change (devinet_sysctl_forward() acts only on
            // one) makes inet_forward_change() copy it to "default" and every interface, and
            // redirects are accepted only by a host that does not forward
            for (SysctlKeys.Key d : keys.values()) {
                if (d.name().startsWith("net.ipv4.conf.") && d.name().endsWith(".forwarding")) {
                    host.sysctls.set(d.store(), stored);
                }
            }
            host.sysctls.set("net.ipv4.ip_forward", stored);
            host.sysctls.set("net.ipv4.conf.all.accept_redirects", Long.parseLong(stored) != 0 ? "0" : "1");
        }
        if (c != null && kn.startsWith("net.n")) {
            SysctlKeys.applyConntrack(host, c.config);
        }
        if (!quiet) {
            if (valueOnly) {
                out.append(v).append('\n');
            } else {
                out.append(name).append(" = ").append(v).append('\n');
            }
        }
        return 0;
    }
}
