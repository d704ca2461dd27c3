package dev.hairpin.sim;

import dev.hairpin.io.Snapshot;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin commands a scenario runs between frames ({@code conntrack}, {@code iptables},
 * {@code iptables-save}, {@code sysctl -w}), against the replay's stack. Returns what the real
 * tool printed (stdout then stderr), as actions.txt records it.
 */
final class Commands {
    private final Stack stack;
    private final RulesBinding rules;

    Commands(Stack stack) {
        this.stack = stack;
        this.rules = new RulesBinding(stack);
    }

    dev.hairpin.rules.Ruleset ruleset() {
        return rules.ruleset;
    }

    void loadRules(String iptablesSave, String file) {
        rules.restore(iptablesSave, file);
    }

    String run(String cmd) {
        String[] w = cmd.trim().split("\\s+");
        return switch (w[0]) {
            case "conntrack" -> conntrack(w);
            case "sysctl" -> sysctl(w);
            case "iptables", "iptables-save", "iptables-restore" -> rules.command(w);
            default -> "unsupported command: " + cmd + "\n";
        };
    }

    private String conntrack(String[] w) {
        var ct = stack.conntrack;
        String op = w.length > 1 ? w[1] : "-L";
        switch (op) {
            case "-L", "--dump" -> {
                StringBuilder sb = new StringBuilder();
                int[] all = ct.snapshot();
                for (int e : all) {
                    sb.append(ConntrackFormat.entry(ct.table, e, false)).append('\n');
                }
                sb.append(ConntrackFormat.VERSION).append(": ").append(all.length).append(" flow entries have been shown.\n");
                return sb.toString();
            }
            case "-C", "--count" -> {
                return ct.table.count() + "\n";
            }
            case "-S", "--stats" -> {
                return ConntrackFormat.stats(ct.stats) + "\n";
            }
            case "-F", "--flush" -> {
                ct.flush();
                return ConntrackFormat.VERSION + ": connection tracking table has been emptied.\n";
            }
            case "-D", "--delete" -> {
                return delete(w);
            }
            default -> {
                return "conntrack " + op + ": not supported in replay\n";
            }
        }
    }

    /**
     * conntrack -D with the tuple filters (conntrack.c: -s/-d on the original tuple, -r/-q on
     * the reply, -p, --sport/--dport and their --orig-/--reply- forms, -m mark): each deleted
     * entry is printed as -L prints it, then the count; DESTROY events carry USERSPACE.
     */
    private String delete(String[] w) {
        var ct = stack.conntrack;
        var t = ct.table;
        List<java.util.function.IntPredicate> f = new ArrayList<>();
        for (int i = 2; i < w.length; i++) {
            String o = w[i];
            if (i + 1 >= w.length) {
                return "conntrack v1.4.7 (conntrack-tools): option `" + o + "' requires an argument\n";
            }
            String v = w[++i];
            switch (o) {
                case "-s", "--src", "--orig-src" -> { int a = addr(v); f.add(e -> t.src(e, 0) == a); }
                case "-d", "--dst", "--orig-dst" -> { int a = addr(v); f.add(e -> t.dst(e, 0) == a); }
                case "-r", "--reply-src" -> { int a = addr(v); f.add(e -> t.src(e, 1) == a); }
                case "-q", "--reply-dst" -> { int a = addr(v); f.add(e -> t.dst(e, 1) == a); }
                case "-p", "--proto" -> { int p = proto(v); f.add(e -> t.protocol(e) == p); }
                case "--sport", "--orig-port-src" -> { int p = Integer.parseInt(v); f.add(e -> t.sport(e, 0) == p); }
                case "--dport", "--orig-port-dst" -> { int p = Integer.parseInt(v); f.add(e -> t.dport(e, 0) == p); }
                case "--reply-port-src" -> { int p = Integer.parseInt(v); f.add(e -> t.sport(e, 1) == p); }
                case "--reply-port-dst" -> { int p = Integer.parseInt(v); f.add(e -> t.dport(e, 1) == p); }
                case "-m", "--mark" -> {
                    String[] mm = v.split("/");
                    int m = (int) Long.decode(mm[0]).longValue();
                    int mask = mm.length > 1 ? (int) Long.decode(mm[1]).longValue() : -1;
                    f.add(e -> (t.mark(e) & mask) == m);
                }
                default -> {
                    return "conntrack -D " + o + ": not supported in replay\n";
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int e : ct.snapshot()) {
            if (f.stream().allMatch(p -> p.test(e))) {
                String line = ConntrackFormat.entry(t, e, false);
                if (ct.delete(e, true)) {
                    sb.append(line).append('\n');
                    n++;
                }
            }
        }
        sb.append(ConntrackFormat.VERSION).append(": ").append(n).append(" flow entries have been deleted.\n");
        return sb.toString();
    }

    private static int addr(String v) {
        String[] q = v.split("\\.");
        if (q.length != 4) {
            throw new IllegalArgumentException("conntrack: bad IPv4 address " + v);
        }
        int a = 0;
        for (String x : q) {
            a = (a << 8) | Integer.parseInt(x);
        }
        return a;
    }

    private static int proto(String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "udplite" -> 136;
            case "sctp" -> 132;
            case "dccp" -> 33;
            case "gre" -> 47;
            default -> Integer.parseInt(v);
        };
    }

    private String sysctl(String[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < w.length; i++) {
            if (w[i].equals("-w") || w[i].equals("-q")) {
                continue;
            }
            int eq = w[i].indexOf('=');
            if (eq > 0) {
                String k = w[i].substring(0, eq);
                String v = w[i].substring(eq + 1);
                stack.host.sysctls.set(k, v);
                sb.append(k).append(" = ").append(v).append('\n');
            }
        }
        Snapshot.applyConntrack(stack.host, stack.conntrack.config);
        return sb.toString();
    }
}
