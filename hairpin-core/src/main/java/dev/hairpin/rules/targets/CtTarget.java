package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.util.Set;

/**
 * {@code -j CT} revision 2 (xt_CT.c, libxt_CT.c), which also carries {@code -j NOTRACK}: mark the
 * packet untracked ({@link dev.hairpin.rules.XtServices#notrack}), or give its future connection a
 * helper, zone, event mask or timeout policy through a template. Templates are parsed and printed;
 * applying them is left to the conntrack side. raw table, PREROUTING/OUTPUT.
 */
public final class CtTarget implements Target {
    public static final int NOTRACK = 1;
    public static final int NOTRACK_ALIAS = 1 << 1;
    public static final int ZONE_DIR_ORIG = 1 << 2;
    public static final int ZONE_DIR_REPL = 1 << 3;
    public static final int ZONE_MARK = 1 << 4;

    private static final String[] CT_EVENTS = {"new", "related", "destroy", "reply", "assured", "protoinfo", "helper",
        "mark", "natseqinfo", "secmark"};
    private static final int[] CT_EVENT_BITS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    private final int flags;
    private final String helper;
    /** the helper's index in CtExt.HELPER_NAMES, 0 for none */
    private final int helperId;
    private final String timeout;
    private final int ctEvents;
    /**
     * The mask the template carries: ctEvents when its checkentry gave it the ecache extension.
     * With nf_conntrack_events=2 (the default) nf_ct_ecache_ext_add() adds it only while a
     * ctnetlink listener exists (recorded: ct-event-mask, where the rule added before
     * `conntrack -E` started masks nothing).
     */
    private volatile int ecacheMask;

    /** NetState key of a BooleanSupplier: would a template's event mask be kept now */
    public static final String ECACHE_KEY = "nf_conntrack_ecache";
    private final int expEvents;
    private final int zone;

    public CtTarget(int flags, String helper, String timeout, int ctEvents, int expEvents, int zone) {
        this.flags = flags;
        this.helper = helper;
        this.helperId = dev.hairpin.conntrack.CtExt.helperId(helper);
        this.timeout = timeout;
        this.ctEvents = ctEvents;
        this.expEvents = expEvents;
        this.zone = zone;
    }

    /** {@code -j NOTRACK}: CT with the alias flag, printed back as NOTRACK */
    public static CtTarget notrackAlias() {
        return new CtTarget(NOTRACK | NOTRACK_ALIAS, "", "", 0, 0, 0);
    }

    @Override
    public String name() {
        return (flags & NOTRACK_ALIAS) != 0 ? "NOTRACK" : "CT";
    }

    /** the conntrack helpers a Linux kernel registers (nf_conntrack_*), with their protocols */
    private static final java.util.Map<String, Set<Integer>> HELPERS = java.util.Map.ofEntries(
            java.util.Map.entry("ftp", Set.of(6)), java.util.Map.entry("tftp", Set.of(17)),
            java.util.Map.entry("irc", Set.of(6)), java.util.Map.entry("sip", Set.of(6, 17)),
            java.util.Map.entry("pptp", Set.of(6)), java.util.Map.entry("sane", Set.of(6)),
            java.util.Map.entry("amanda", Set.of(17)), java.util.Map.entry("RAS", Set.of(17)),
            java.util.Map.entry("Q.931", Set.of(6)), java.util.Map.entry("netbios-ns", Set.of(17)),
            java.util.Map.entry("snmp", Set.of(17)), java.util.Map.entry("snmp_trap", Set.of(17)));

    /**
     * xt_ct_tg_check(): a helper is looked up by name and the rule's protocol, so a rule without
     * a plain {@code -p}, or whose protocol the helper does not serve, finds none: -ENOENT, as
     * for a helper the kernel does not know; a timeout policy needs a cttimeout object, which
     * nothing here creates: -ENOENT, or -EINVAL without a protocol (recorded).
     */
    @Override
    public dev.hairpin.rules.RuleCheckException.Refusal refusal(dev.hairpin.rules.IptIp ip) {
        if ((flags & NOTRACK) != 0) {
            // --notrack: no template conntrack, so neither helper nor timeout is looked up
            return null;
        }
        if (!helper.isEmpty()) {
            Set<Integer> protos = HELPERS.get(helper);
            int proto = ip.inverted(dev.hairpin.rules.IptIp.INV_PROTO) ? 0 : ip.proto();
            if (protos == null || !protos.contains(proto)) {
                return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.ENOENT,
                        "no helper " + helper + " for protocol " + proto);
            }
        }
        if (!timeout.isEmpty()) {
            // xt_ct_set_timeout(): no protocol is -EINVAL, no such policy -ENOENT (recorded)
            int proto = ip.inverted(dev.hairpin.rules.IptIp.INV_PROTO) ? 0 : ip.proto();
            return new dev.hairpin.rules.RuleCheckException.Refusal(proto == 0
                    ? dev.hairpin.rules.RuleCheckException.Errno.EINVAL : dev.hairpin.rules.RuleCheckException.Errno.ENOENT,
                    "no timeout policy " + timeout);
        }
        return null;
    }

    /** -L names the kernel's target: NOTRACK is CT there (recorded) */
    @Override
    public String listName() {
        return "CT";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_OUT);
    }

    @Override
    public Set<String> tables() {
        return Set.of("raw");
    }

    @Override
    public void attach(dev.hairpin.rules.ext.NetState ns) {
        if (ctEvents != 0) {
            java.util.function.BooleanSupplier keep = ns.get(ECACHE_KEY, () -> (java.util.function.BooleanSupplier) () -> true);
            ecacheMask = keep.getAsBoolean() ? ctEvents : 0;
        }
    }

    @Override
    public int target(Skb skb, XtParam par) {
        if ((flags & NOTRACK) != 0) {
            par.services.notrack(skb);
            return Verdict.XT_CONTINUE;
        }
        if (skb.ct < 0 && helperId != 0) { // the template's helper
            skb.helper = helperId;
        }
        if (ecacheMask != 0) {
            skb.ctEvents = ecacheMask;
        }
        if ((flags & ZONE_MARK) != 0 || zone != 0) {
            // nf_ct_zone_tmpl(): the template's zone (or the packet's mark, 16 bits) keys the
            // directions it names (nf_ct_zone_id()); the default zone keys the others
            int id = ((flags & ZONE_MARK) != 0 ? skb.mark : zone) & 0xffff;
            int dirs = flags & (ZONE_DIR_ORIG | ZONE_DIR_REPL);
            int orig = dirs == ZONE_DIR_REPL ? 0 : id;
            int reply = dirs == ZONE_DIR_ORIG ? 0 : id;
            skb.zone = orig | reply << 16;
        }
        return Verdict.XT_CONTINUE;
    }

    private void events(StringBuilder sb, String pfx, int mask) {
        sb.append(' ').append(pfx).append(' ');
        String sep = "";
        for (int i = 0; i < CT_EVENTS.length; i++) {
            if ((mask & (1 << CT_EVENT_BITS[i])) != 0) {
                sb.append(sep).append(CT_EVENTS[i]);
                sep = ",";
            }
        }
    }

    private void zone(StringBuilder sb, String pfx) {
        sb.append(' ').append(pfx);
        int dirs = flags & (ZONE_DIR_ORIG | ZONE_DIR_REPL);
        if (dirs == ZONE_DIR_ORIG) {
            sb.append("-orig");
        }
        if (dirs == ZONE_DIR_REPL) {
            sb.append("-reply");
        }
        sb.append((flags & ZONE_MARK) != 0 ? " mark" : " " + zone);
    }

    private void text(StringBuilder sb, String p) {
        if ((flags & NOTRACK) != 0) {
            sb.append(' ').append(p).append("notrack");
        }
        if (!helper.isEmpty()) {
            sb.append(' ').append(p).append("helper ").append(helper);
        }
        if (!timeout.isEmpty()) {
            sb.append(' ').append(p).append("timeout ").append(timeout);
        }
        if (ctEvents != 0) {
            events(sb, p + "ctevents", ctEvents);
        }
        if (expEvents != 0) {
            events(sb, p + "expevents", expEvents);
        }
        if ((flags & ZONE_MARK) != 0 || zone != 0) {
            zone(sb, p + "zone");
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if ((flags & NOTRACK_ALIAS) != 0) {
            return;
        }
        text(sb, "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        if ((flags & NOTRACK_ALIAS) != 0) {
            sb.append(" NOTRACK");
            return;
        }
        sb.append(" CT");
        text(sb, "");
    }

    /** libxt_CT.c revision 2 (CT) */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.flag("notrack", 0), Opt.arg("helper", 1), Opt.arg("timeout", 2), Opt.arg("ctevents", 3),
            Opt.arg("expevents", 4), Opt.arg("zone-orig", 5), Opt.arg("zone-reply", 6), Opt.arg("zone", 7),
        };
        private int flags;
        private String helper = "";
        private String timeout = "";
        private int ctEvents;
        private int expEvents;
        private int zone;

        public Parser() {
            super("CT");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> flags |= NOTRACK;
                case 1 -> helper = Xt.cstr(arg, 15);
                case 2 -> timeout = Xt.cstr(arg, 31);
                case 3 -> ctEvents = events(arg, true);
                case 4 -> expEvents = events(arg, false);
                default -> {
                    if (o.id() == 5) {
                        flags |= ZONE_DIR_ORIG;
                    }
                    if (o.id() == 6) {
                        flags |= ZONE_DIR_REPL;
                    }
                    zone = 0;
                    if (arg.equalsIgnoreCase("mark")) {
                        flags |= ZONE_MARK;
                    } else {
                        long v = dev.hairpin.rules.ext.Xt.strtoui(arg, 0, 0xffff);
                        if (v < 0) {
                            throw XtError.param("Cannot parse " + arg + " as a zone ID");
                        }
                        zone = (int) v;
                    }
                }
            }
        }

        private static int events(String arg, boolean ct) {
            int mask = 0;
            for (String t : arg.split(",", -1)) {
                int bit = -1;
                if (ct) {
                    for (int i = 0; i < CT_EVENTS.length; i++) {
                        if (CT_EVENTS[i].equals(t)) {
                            bit = CT_EVENT_BITS[i];
                        }
                    }
                } else if (t.equals("new")) {
                    bit = 0;
                }
                if (bit < 0) {
                    throw XtError.param("Unknown event type \"" + t + "\"");
                }
                mask |= 1 << bit;
            }
            return mask;
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new CtTarget(flags, helper, timeout, ctEvents, expEvents, zone);
        }
    }

    /** {@code -j NOTRACK}: no options */
    public static final class NotrackParser extends ExtParser<Target> {
        public NotrackParser() {
            super("NOTRACK");
        }

        @Override
        public Opt[] options() {
            return new Opt[0];
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
        }

        @Override
        protected Target build(ParseContext ctx) {
            return notrackAlias();
        }
    }

    @Override
    public boolean needsConntrack() {
        return (flags & NOTRACK) == 0; // xt_ct_tg_check(): --notrack needs no template
    }
}
