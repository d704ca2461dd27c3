package dev.hairpin.tools;

import dev.hairpin.host.FibRule;
import dev.hairpin.host.Host;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip rule add|del} (iproute2 6.1) on the engine's policy rules: selectors {@code not},
 * {@code from}, {@code to}, {@code fwmark M[/MASK]}, {@code iif}, {@code oif}; {@code lookup|table},
 * {@code suppress_prefixlength}, {@code priority|pref|preference}, and the actions blackhole,
 * unreachable, prohibit. A rule added without a priority takes the second rule's priority minus
 * one (fib_default_rule_pref: 32765, 32764, ... before main). {@code del} removes the first rule,
 * by priority, that has every attribute given (fib_nl_delrule).
 */
final class IpRule {
    private IpRule() {}

    private static final class Spec {
        int prio = -1;
        int src, srcLen = -1, dst, dstLen = -1, mark, markMask, suppress = -1;
        String iif, oif, table;
        boolean not;
        int action = FibRule.TO_TABLE;
        boolean markGiven, actionGiven;
    }

    static ToolResult run(Host host, boolean add, List<String> args) {
        Spec s = new Spec();
        try {
            for (int i = 0; i < args.size(); i++) {
                String k = args.get(i);
                switch (k) {
                    case "not" -> s.not = true;
                    case "blackhole", "unreachable", "prohibit" -> {
                        s.action = Route.typeOf(k);
                        s.actionGiven = true;
                    }
                    default -> {
                        if (i + 1 >= args.size()) {
                            return err("Command line is not complete. Try \"ip rule help\".\n", 255);
                        }
                        String v = args.get(++i);
                        switch (k) {
                            case "from" -> {
                                int[] p = prefix(v);
                                s.src = p[0];
                                s.srcLen = p[1];
                            }
                            case "to" -> {
                                int[] p = prefix(v);
                                s.dst = p[0];
                                s.dstLen = p[1];
                            }
                            case "fwmark" -> {
                                String[] m = v.split("/");
                                s.mark = (int) Long.decode(m[0]).longValue();
                                s.markMask = m.length > 1 ? (int) Long.decode(m[1]).longValue() : -1;
                                s.markGiven = true;
                            }
                            case "iif", "dev" -> s.iif = v;
                            case "oif" -> s.oif = v;
                            case "lookup", "table" -> {
                                s.table = v;
                                s.actionGiven = true;
                            }
                            case "suppress_prefixlength", "sup_pl" -> s.suppress = Integer.parseInt(v);
                            case "priority", "pref", "preference", "order" -> s.prio = Integer.parseInt(v);
                            default -> {
                                return err("Error: argument \"" + k + "\" is wrong: Failed to parse rule type\n", 255);
                            }
                        }
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return err("Error: an inet prefix is expected rather than \"" + args + "\".\n", 1);
        }
        List<FibRule> rules = new ArrayList<>(host.fib.rules());
        if (add) {
            if (!s.actionGiven) {
                s.table = "main"; // iproute2: no table and no action means table main
            }
            int prio = s.prio >= 0 ? s.prio : defaultPref(rules);
            rules.add(new FibRule(prio, s.src, Math.max(s.srcLen, 0), s.dst, Math.max(s.dstLen, 0), s.mark,
                    s.markGiven ? s.markMask : 0, s.iif, s.oif, s.not,
                    s.action == FibRule.TO_TABLE ? s.table : null, s.action, s.suppress));
        } else {
            FibRule victim = null;
            for (FibRule r : rules) {
                if (matches(s, r)) {
                    victim = r;
                    break;
                }
            }
            if (victim == null) {
                return err("RTNETLINK answers: No such file or directory\n", 2);
            }
            rules.remove(victim);
        }
        host.fib.setRules(rules);
        return new ToolResult("", "", 0);
    }

    /** fib_default_rule_pref(): the second rule's priority minus one, when it is not 0 */
    private static int defaultPref(List<FibRule> rules) {
        return rules.size() >= 2 && rules.get(1).priority() != 0 ? rules.get(1).priority() - 1 : 0;
    }

    private static boolean matches(Spec s, FibRule r) {
        return (s.prio < 0 || r.priority() == s.prio)
                && (s.srcLen < 0 || r.src() == s.src && r.srcLen() == s.srcLen)
                && (s.dstLen < 0 || r.dst() == s.dst && r.dstLen() == s.dstLen)
                && (!s.markGiven || r.mark() == s.mark && r.markMask() == s.markMask)
                && (s.iif == null || s.iif.equals(r.iif())) && (s.oif == null || s.oif.equals(r.oif()))
                && (!s.not || r.not())
                && (s.table == null || s.table.equals(r.table()))
                && (!s.actionGiven || r.action() == s.action)
                && (s.suppress < 0 || r.suppressPrefixLen() == s.suppress);
    }

    private static int[] prefix(String v) {
        if (v.equals("all") || v.equals("default")) {
            return new int[] {0, 0};
        }
        String[] p = v.split("/");
        int len = p.length > 1 ? Integer.parseInt(p[1]) : 32;
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException(v);
        }
        return new int[] {Ipv4.parse(p[0]), len};
    }

    private static ToolResult err(String msg, int rc) {
        return new ToolResult("", msg, rc);
    }
}
