package dev.hairpin.trace;

/**
 * A trace as text in the manner of {@code nft monitor trace}: one line per step, each prefixed
 * with the packet's trace id; rules in iptables-save form. Rules that did not match are shown
 * too, with the part that failed (nft shows only the ones that did).
 */
public final class TraceText {
    private TraceText() {}

    public static String render(Tracer tracer, PacketTrace t, boolean withChildren) {
        StringBuilder sb = new StringBuilder();
        render(sb, tracer, t, withChildren);
        return sb.toString();
    }

    private static void render(StringBuilder sb, Tracer tracer, PacketTrace t, boolean withChildren) {
        String id = String.format("trace id %04x ", t.id);
        sb.append(id).append("packet: ").append(t.origin.startsWith("in ") ? "iif \"" + t.origin.substring(3) + "\" " : "")
                .append(t.origin.equals("generated") ? "generated for packet " + String.format("%04x", t.parent) + " " : "")
                .append(t.origin.equals("local out") ? "local " : "")
                .append(t.header.nft()).append('\n');
        for (Step s : t.steps) {
            sb.append(id).append(line(s)).append('\n');
        }
        Fate f = t.fate;
        sb.append(id).append("fate: ").append(f == null ? "still in flight (stolen or queued)" : f.describe()).append('\n');
        if (f != null && !f.dropped() && !t.last.equals(t.header)) {
            sb.append(id).append("leaves as: ").append(t.last.nft()).append('\n');
        }
        if (withChildren) {
            for (PacketTrace c : tracer.children(t)) {
                render(sb, tracer, c, true);
            }
        }
    }

    /** one step as a line (without the trace id prefix) */
    public static String line(Step s) {
        return switch (s) {
            case Step.Hook h -> "hook " + h.hook() + (h.in().isEmpty() ? "" : " iif \"" + h.in() + "\"")
                    + (h.out().isEmpty() ? "" : " oif \"" + h.out() + "\"");
            case Step.Rule r -> "ip " + r.table() + " " + r.chain() + " rule " + r.num() + ": " + r.rule()
                    + (r.matched() ? " (match)" : " (no match: " + r.failed() + ")");
            case Step.Jump j -> "ip " + j.table() + " " + j.from() + " rule " + j.num() + ": "
                    + (j.isGoto() ? "goto " : "jump ") + j.to();
            case Step.Return r -> "ip " + r.table() + " " + r.from() + " return to " + r.to();
            case Step.Policy p -> "ip " + p.table() + " " + p.chain() + " policy " + p.verdict().toLowerCase();
            case Step.Verdict v -> "ip " + v.table() + " " + v.chain() + " rule " + v.num() + ": " + v.target()
                    + " (verdict " + v.verdict().toLowerCase() + ")";
            case Step.Conntrack c -> "conntrack " + c.hook() + ": " + ctLine(c);
            case Step.Nat n -> "nat " + n.hook() + " " + n.manip() + ": " + natLine(n);
            case Step.Route r -> "route: " + switch (r.type()) {
                case "local" -> "local delivery (INPUT)";
                case "forward" -> "forward out of " + r.out() + " via " + r.nexthop();
                case "output" -> "output route: out of " + r.out() + " via " + r.nexthop();
                default -> "re-routed (OUTPUT changed the destination or mark): out of " + r.out() + " via " + r.nexthop();
            } + (r.route().isEmpty() ? "" : " [" + r.route() + "]");
            case Step.Event e -> "conntrack event: " + e.line().strip();
            case Step.Generated g -> "generated " + g.why() + " as packet " + String.format("%04x", g.id()) + ": " + g.header();
        };
    }

    private static String ctLine(Step.Conntrack c) {
        String what = switch (c.result()) {
            case "new" -> "new entry";
            case "hit-original" -> "found entry, original direction";
            case "hit-reply" -> "found entry, reply direction";
            case "related" -> "related to an entry" + (c.embedded() != null ? " through the quoted packet " + c.embedded() : "");
            case "invalid" -> "invalid: " + c.reason();
            case "table-full" -> "table full: " + c.reason();
            case "untracked" -> "untracked (NOTRACK)";
            case "attached" -> "entry already attached (looped back, or generated for another packet)";
            default -> c.result();
        };
        return what + " (ctstate " + c.ctstate() + ")" + (c.entry() != null ? ": " + c.entry() : "")
                + (c.verdict().equals("ACCEPT") ? "" : " (verdict " + c.verdict().toLowerCase() + ")");
    }

    private static String natLine(Step.Nat n) {
        String b = switch (n.binding()) {
            case "made" -> "binding made by the nat table, reply tuple now " + n.reply();
            case "null" -> "no nat rule applied: null binding (identity mapping)";
            case "existing" -> "binding of the entry applied";
            case "icmp" -> "ICMP error translated with its inner packet";
            default -> "no entry";
        };
        String rw = n.rewrote() ? "; rewritten " + n.before() + " -> " + n.after().src() + " > " + n.after().dst()
                : "; header unchanged";
        return b + rw + (n.verdict().equals("ACCEPT") ? "" : " (verdict " + n.verdict().toLowerCase() + ")");
    }
}
