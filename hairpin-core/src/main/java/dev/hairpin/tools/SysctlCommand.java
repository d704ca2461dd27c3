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
        boolean write = false, quiet = false, ignore = false, names = false, values = false, all = false;
        String load = null;
        String pattern = null;
        List<String> vars = new java.util.ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            switch (a) {
                case "-w", "--write" -> write = true;
                case "-q", "--quiet" -> quiet = true;
                case "-e", "--ignore" -> ignore = true;
                case "-N", "--names" -> names = true;
                case "-n", "--values" -> values = true;
                case "-a", "-A", "-X", "--all" -> all = true;
                case "-o", "-x", "-b", "--binary", "--deprecated", "--dry-run" -> { }
                case "-p", "-f", "--load" -> load = i + 1 < argv.size() && !argv.get(i + 1).startsWith("-") ? argv.get(++i) : "/etc/sysctl.conf";
                case "-r", "--pattern" -> pattern = i + 1 < argv.size() ? argv.get(++i) : "";
                case "-V", "--version" -> {
                    return ToolResult.ok("sysctl from procps-ng 4.0.2\n");
                }
                case "-h", "-d", "--help" -> {
                    return ToolResult.ok(USAGE);
                }
                default -> {
                    if (a.startsWith("--load=")) {
                        load = a.substring(7);
                    } else if (a.startsWith("-p") && a.length() > 2) {
                        load = a.substring(2);
                    } else if (a.startsWith("-") && a.length() > 1) {
                        return new ToolResult("", "sysctl: invalid option -- '" + a.substring(1, 2) + "'\n" + USAGE, 1);
                    } else {
                        vars.add(a);
                    }
                }
            }
        }
        Map<String, SysctlKeys.Key> keys = SysctlKeys.keys(host);
        int rc = 0;
        if (load != null) {
            String text = files.apply(Path.of(load));
            if (text == null) {
                return new ToolResult("", "sysctl: cannot open \"" + load + "\": No such file or directory\n", 1);
            }
            int n = 0;
            for (String line : text.split("\n")) {
                n++;
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                    continue;
                }
                boolean dash = l.startsWith("-");
                if (dash) {
                    l = l.substring(1);
                }
                int eq = l.indexOf('=');
                if (eq < 0) {
                    err.append("sysctl: ").append(load).append("(").append(n).append("): invalid syntax, continuing...\n");
                    continue;
                }
                rc |= write(host, c, keys, l.substring(0, eq).trim(), l.substring(eq + 1).trim(), quiet || dash, ignore || dash, values, out, err);
            }
            return new ToolResult(out.toString(), err.toString(), rc);
        }
        if (all || pattern != null && vars.isEmpty()) {
            for (SysctlKeys.Key k : keys.values()) {
                if (pattern == null || java.util.regex.Pattern.compile(pattern).matcher(k.name()).find()) {
                    print(out, k.name(), SysctlKeys.value(host, c, k), names, values);
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
                rc |= write(host, c, keys, v.substring(0, eq), v.substring(eq + 1), quiet, ignore, values, out, err);
            } else {
                rc |= read(host, c, keys, v, ignore, names, values, out, err);
            }
        }
        return new ToolResult(out.toString(), err.toString(), rc);
    }

    /** dots and slashes: procps turns '/' into '.' in the name it prints */
    private static String dotted(String name) {
        return name.replace('/', '.');
    }

    private static String procPath(String name) {
        return "/proc/sys/" + name.replace('.', '/');
    }

    private static int read(Host host, Conntrack c, Map<String, SysctlKeys.Key> keys, String raw, boolean ignore,
            boolean names, boolean values, StringBuilder out, StringBuilder err) {
        String name = dotted(raw);
        SysctlKeys.Key k = keys.get(name);
        if (k == null) {
            String prefix = name.endsWith(".") ? name : name + ".";
            boolean any = false;
            for (SysctlKeys.Key x : keys.values()) {
                if (x.name().startsWith(prefix)) {
                    print(out, x.name(), SysctlKeys.value(host, c, x), names, values);
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

    /** conntrack's host-wide keys, read-only in a namespace other than the initial one ({@link Host#netns}) */
    private static final java.util.Set<String> HOST_WIDE = java.util.Set.of("net.netfilter.nf_conntrack_max",
            "net.netfilter.nf_conntrack_buckets", "net.netfilter.nf_conntrack_expect_max");

    private static int write(Host host, Conntrack c, Map<String, SysctlKeys.Key> keys, String raw, String value,
            boolean quiet, boolean ignore, boolean values, StringBuilder out, StringBuilder err) {
        String name = dotted(raw.trim());
        SysctlKeys.Key k = keys.get(name);
        if (k == null) {
            if (ignore) {
                return 0;
            }
            err.append("sysctl: cannot stat ").append(raw.startsWith("/") ? "/proc/sys/" + raw : procPath(name))
                    .append(": No such file or directory\n");
            return 1;
        }
        String v = value.trim();
        if (host.netns && HOST_WIDE.contains(name)) {
            // mode 0444 outside init_net: procps reports the refused write and goes on, exit 0 (recorded)
            err.append("sysctl: setting key \"").append(name).append("\": Invalid argument\n");
            return 0;
        }
        if (!valid(k, v)) {
            err.append("sysctl: setting key \"").append(name).append("\": ")
                    .append(k.kind() == SysctlKeys.Kind.READ_ONLY ? "Permission denied" : "Invalid argument").append('\n');
            return 1;
        }
        String stored = switch (k.kind()) {
            case RANGE, NUMBERS -> String.join(" ", v.split("\\s+"));
            case TEXT -> v;
            default -> Long.toString(parse(v));
        };
        host.sysctls.set(name, stored);
        if (name.equals("net.nf_conntrack_max")) {
            host.sysctls.set("net.netfilter.nf_conntrack_max", stored);
        } else if (name.equals("net.netfilter.nf_conntrack_max")) {
            host.sysctls.set("net.nf_conntrack_max", stored);
        }
        if (name.equals("net.ipv4.ip_forward") || name.equals("net.ipv4.conf.all.forwarding")) {
            // inet_forward_change(): every interface's forwarding follows, and redirects are
            // accepted only by a host that does not forward
            boolean on = parse(v) != 0;
            for (String d : keys.keySet()) {
                if (d.startsWith("net.ipv4.conf.") && d.endsWith(".forwarding")) {
                    host.sysctls.set(d, on ? "1" : "0");
                }
            }
            host.sysctls.set("net.ipv4.ip_forward", on ? "1" : "0");
            host.sysctls.set("net.ipv4.conf.all.accept_redirects", on ? "0" : "1");
        }
        if (c != null && name.startsWith("net.n")) {
            SysctlKeys.applyConntrack(host, c.config);
        }
        if (!quiet) {
            if (values) {
                out.append(value).append('\n');
            } else {
                out.append(name).append(" = ").append(value).append('\n');
            }
        }
        return 0;
    }

    private static boolean valid(SysctlKeys.Key k, String v) {
        return switch (k.kind()) {
            case READ_ONLY -> false;
            case TEXT -> true;
            case NUMBERS -> v.matches("-?\\d+(\\s+-?\\d+)*") && v.split("\\s+").length == k.dflt().split("\t").length;
            case RANGE -> {
                String[] p = v.split("\\s+");
                yield p.length == 2 && p[0].matches("\\d+") && p[1].matches("\\d+") && Long.parseLong(p[0]) <= Long.parseLong(p[1])
                        && Long.parseLong(p[1]) < 65536;
            }
            default -> v.matches("[-+]?\\d{1,10}") && parse(v) >= Integer.MIN_VALUE && parse(v) <= Integer.MAX_VALUE;
        };
    }

    private static long parse(String v) {
        return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
    }
}
