package dev.hairpin.sim;

import dev.hairpin.io.Snapshot;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.tools.ConntrackFormat;

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
            default -> {
                return "conntrack " + op + ": not supported in replay\n";
            }
        }
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
