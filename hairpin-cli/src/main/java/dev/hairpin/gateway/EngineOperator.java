package dev.hairpin.gateway;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.io.Snapshot;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import dev.hairpin.rules.iptables.IptablesSave;
import dev.hairpin.tools.ConntrackFormat;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * The operator commands over the engine's own entry points (the iptables front end of the rule
 * model, the conntrack table and its printers, the sysctl map). Stands in for the shared
 * operator dispatcher until it lands: {@link Gateway} takes any {@link Operator}.
 */
final class EngineOperator implements Operator {
    private final Stack stack;
    private final Ruleset ruleset;

    EngineOperator(Stack stack, Ruleset ruleset) {
        this.stack = stack;
        this.ruleset = ruleset;
    }

    @Override
    public Result run(List<String> argv, String stdin) {
        List<String> args = argv.subList(1, argv.size());
        return switch (argv.getFirst()) {
            case "iptables", "iptables-nft" -> of(Iptables.run(ruleset, args));
            case "iptables-save", "iptables-nft-save" -> of(IptablesSave.command(ruleset, args, EngineOperator::ctime));
            case "iptables-restore", "iptables-nft-restore" -> of(IptablesRestore.command(ruleset, args, stdin));
            case "conntrack" -> conntrack(args);
            case "sysctl" -> sysctl(args);
            default -> new Result("", argv.getFirst() + ": not an operator command of the gateway\n", 2);
        };
    }

    private static Result of(Iptables.Result r) {
        return new Result(r.stdout(), r.stderr(), r.exitCode());
    }

    private static String ctime() {
        return ZonedDateTime.now().format(DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT));
    }

    // ---------------------------------------------------------------- conntrack

    private Result conntrack(List<String> a) {
        Conntrack ct = stack.conntrack;
        String op = a.isEmpty() ? "-L" : a.getFirst();
        IntPredicate filter;
        boolean extended = false;
        try {
            List<String> rest = new ArrayList<>(a.isEmpty() ? List.of() : a.subList(1, a.size()));
            int oi = rest.indexOf("-o");
            if (oi >= 0 && oi + 1 < rest.size()) {
                extended = rest.get(oi + 1).contains("extended");
                rest.remove(oi + 1);
                rest.remove(oi);
            }
            filter = filter(rest);
        } catch (IllegalArgumentException e) {
            return new Result("", "conntrack " + ConntrackFormat.VERSION.substring(10) + ": " + e.getMessage()
                    + "\nTry `conntrack -h' or 'conntrack --help' for more information.\n", 2);
        }
        switch (op) {
            case "-L", "--dump" -> {
                StringBuilder sb = new StringBuilder();
                int n = 0;
                for (int e : ct.snapshot()) {
                    if (filter.test(e)) {
                        sb.append(ConntrackFormat.entry(ct.table, e, extended)).append('\n');
                        n++;
                    }
                }
                return new Result(sb.toString(), ConntrackFormat.VERSION + ": " + n + " flow entries have been shown.\n", 0);
            }
            case "-D", "--delete" -> {
                StringBuilder sb = new StringBuilder();
                int n = 0;
                for (int e : ct.snapshot()) {
                    if (filter.test(e)) {
                        sb.append(ConntrackFormat.entry(ct.table, e, extended)).append('\n');
                        ct.delete(e, true);
                        n++;
                    }
                }
                return new Result(sb.toString(), ConntrackFormat.VERSION + ": " + n + " flow entries have been deleted.\n", n > 0 ? 0 : 1);
            }
            case "-C", "--count" -> {
                return new Result(ct.table.count() + "\n", "", 0);
            }
            case "-S", "--stats" -> {
                return new Result(ConntrackFormat.stats(ct.stats) + "\n", "", 0);
            }
            case "-F", "--flush" -> {
                ct.flush();
                return new Result("", ConntrackFormat.VERSION + ": connection tracking table has been emptied.\n", 0);
            }
            default -> {
                return new Result("", "conntrack " + op + ": not supported by the gateway (use -L, -D, -C, -S, -F, -E)\n", 2);
            }
        }
    }

    /** -p, -s/--orig-src, -d/--orig-dst, --sport/--orig-port-src, --dport/--orig-port-dst */
    private IntPredicate filter(List<String> rest) {
        var t = stack.conntrack.table;
        IntPredicate f = e -> true;
        for (int i = 0; i < rest.size(); i++) {
            String opt = rest.get(i);
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException("option `" + opt + "' requires an argument");
            }
            String v = rest.get(++i);
            IntPredicate g = switch (opt) {
                case "-p", "--proto" -> {
                    int proto = switch (v) {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        case "icmp" -> 1;
                        default -> parseInt(v, "protocol");
                    };
                    yield e -> t.protocol(e) == proto;
                }
                case "-s", "--orig-src", "--src" -> {
                    int addr = addr(v);
                    yield e -> t.src(e, 0) == addr;
                }
                case "-d", "--orig-dst", "--dst" -> {
                    int addr = addr(v);
                    yield e -> t.dst(e, 0) == addr;
                }
                case "--sport", "--orig-port-src" -> {
                    int port = parseInt(v, "port");
                    yield e -> t.sport(e, 0) == port;
                }
                case "--dport", "--orig-port-dst" -> {
                    int port = parseInt(v, "port");
                    yield e -> t.dport(e, 0) == port;
                }
                default -> throw new IllegalArgumentException("unknown option `" + opt + "'");
            };
            IntPredicate prev = f;
            f = e -> prev.test(e) && g.test(e);
        }
        return f;
    }

    private static int addr(String v) {
        try {
            return Ipv4.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Bad IP address `" + v + "'");
        }
    }

    private static int parseInt(String v, String what) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " `" + v + "'");
        }
    }

    // ---------------------------------------------------------------- sysctl

    /** sysctl [-w] [-q] key=value... / sysctl key...: all arguments are checked before any is set */
    private Result sysctl(List<String> a) {
        boolean quiet = false;
        List<String[]> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        for (String w : a) {
            if (w.equals("-w") || w.equals("-e")) {
                continue;
            }
            if (w.equals("-q")) {
                quiet = true;
                continue;
            }
            if (w.startsWith("-")) {
                return new Result("", "sysctl: unknown option: " + w + "\n", 255);
            }
            int eq = w.indexOf('=');
            if (eq == 0 || (eq > 0 && w.substring(eq + 1).isBlank())) {
                return new Result("", "sysctl: malformed setting \"" + w + "\"\n", 255);
            }
            String key = (eq > 0 ? w.substring(0, eq) : w).trim().replace('/', '.');
            if (eq > 0) {
                String value = w.substring(eq + 1).trim();
                if (key.startsWith("net.netfilter.") && !value.matches("-?\\d+")) {
                    return new Result("", "sysctl: setting key \"" + key + "\": Invalid argument\n", 255);
                }
                writes.add(new String[] {key, value});
            } else {
                reads.add(key);
            }
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String[] kv : writes) {
            stack.host.sysctls.set(kv[0], kv[1]);
            if (!quiet) {
                out.append(kv[0]).append(" = ").append(kv[1]).append('\n');
            }
        }
        if (!writes.isEmpty()) {
            Snapshot.applyConntrack(stack.host, stack.conntrack.config);
        }
        for (String k : reads) {
            String v = stack.host.sysctls.get(k);
            if (v == null) {
                err.append("sysctl: cannot stat /proc/sys/").append(k.replace('.', '/')).append(": No such file or directory\n");
            } else {
                out.append(k).append(" = ").append(v).append('\n');
            }
        }
        return new Result(out.toString(), err.toString(), err.isEmpty() ? 0 : 255);
    }
}
