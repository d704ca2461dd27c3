package dev.hairpin.rules.matches;

import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtView;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m conntrack} revision 3 (xt_conntrack.c, libxt_conntrack.c), which also carries
 * {@code -m state}: iptables 1.8.9 turns a state match into a conntrack match flagged as the
 * "state alias", and saves/prints it back as {@code -m state --state ...}.
 *
 * <p>State bits: INVALID (no conntrack), one bit per ctinfo modulo the reply offset
 * (ESTABLISHED, RELATED, NEW), SNAT/DNAT when the entry's tuple was rewritten, UNTRACKED.
 */
public final class ConntrackMatch implements Match {
    public static final int F_STATE = 1;
    public static final int F_PROTO = 1 << 1;
    public static final int F_ORIGSRC = 1 << 2;
    public static final int F_ORIGDST = 1 << 3;
    public static final int F_REPLSRC = 1 << 4;
    public static final int F_REPLDST = 1 << 5;
    public static final int F_STATUS = 1 << 6;
    public static final int F_EXPIRES = 1 << 7;
    public static final int F_ORIGSRC_PORT = 1 << 8;
    public static final int F_ORIGDST_PORT = 1 << 9;
    public static final int F_REPLSRC_PORT = 1 << 10;
    public static final int F_REPLDST_PORT = 1 << 11;
    public static final int F_DIRECTION = 1 << 12;
    public static final int F_STATE_ALIAS = 1 << 13;

    /** XT_CONNTRACK_STATE_* */
    public static final int S_INVALID = 1;
    public static final int S_ESTABLISHED = 1 << 1;
    public static final int S_RELATED = 1 << 2;
    public static final int S_NEW = 1 << 3;
    public static final int S_SNAT = 1 << 6;
    public static final int S_DNAT = 1 << 7;
    public static final int S_UNTRACKED = 1 << 8;

    /** The fields of {@code struct xt_conntrack_mtinfo3}. */
    public record Info(int matchFlags, int invertFlags, int stateMask, int statusMask, int l4proto,
                       int origsrcAddr, int origsrcMask, int origdstAddr, int origdstMask,
                       int replsrcAddr, int replsrcMask, int repldstAddr, int repldstMask,
                       long expiresMin, long expiresMax,
                       int origsrcPort, int origsrcPortHigh, int origdstPort, int origdstPortHigh,
                       int replsrcPort, int replsrcPortHigh, int repldstPort, int repldstPortHigh) {}

    private final Info i;
    private final int flags;
    private final int inv;

    /** bit k: address k (origsrc, origdst, replsrc, repldst) was given with a /mask */
    private final int slashMasks;

    public ConntrackMatch(Info info) {
        this(info, 0);
    }

    public ConntrackMatch(Info info, int slashMasks) {
        this.i = info;
        this.flags = info.matchFlags();
        this.inv = info.invertFlags();
        this.slashMasks = slashMasks;
    }

    /**
     * -C/-D compare the kernel's bytes: an address without a mask has 16 bytes of mask ones, with
     * one ("/32" too) 4 bytes and 12 zero bytes, so the two spellings differ (recorded).
     */
    @Override
    public void identity(StringBuilder sb) {
        if (slashMasks != 0) {
            sb.append(" [conntrack masks given ").append(slashMasks).append(']');
        }
    }

    public Info info() {
        return i;
    }

    /** "state" for the state alias, else "conntrack" */
    @Override
    public String name() {
        return (flags & F_STATE_ALIAS) != 0 ? "state" : "conntrack";
    }

    private boolean has(int f) {
        return (flags & f) != 0;
    }

    private boolean inv(int f) {
        return (inv & f) != 0;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int ct = skb.ct;
        int ctinfo = skb.ctinfo;
        int statebit;
        if (ct >= 0) {
            statebit = 1 << (ctinfo % CtInfo.IS_REPLY + 1);
        } else if (ctinfo == CtInfo.UNTRACKED) {
            statebit = S_UNTRACKED;
        } else {
            statebit = S_INVALID;
        }
        CtView v = ct >= 0 ? par.services.conntrack() : null;
        if (has(F_STATE)) {
            if (v != null) {
                int st = v.status(ct);
                if ((st & CtStatus.SRC_NAT) != 0) {
                    statebit |= S_SNAT;
                }
                if ((st & CtStatus.DST_NAT) != 0) {
                    statebit |= S_DNAT;
                }
            }
            if (((i.stateMask() & statebit) != 0) == inv(F_STATE)) {
                return false;
            }
        }
        if (v == null) {
            return has(F_STATE);
        }
        if (has(F_DIRECTION) && (CtInfo.dir(ctinfo) == CtView.DIR_ORIGINAL) == inv(F_DIRECTION)) {
            return false;
        }
        if (has(F_ORIGSRC) && addr(v.src(ct, 0), i.origsrcAddr(), i.origsrcMask()) == inv(F_ORIGSRC)) {
            return false;
        }
        if (has(F_ORIGDST) && addr(v.dst(ct, 0), i.origdstAddr(), i.origdstMask()) == inv(F_ORIGDST)) {
            return false;
        }
        if (has(F_REPLSRC) && addr(v.src(ct, 1), i.replsrcAddr(), i.replsrcMask()) == inv(F_REPLSRC)) {
            return false;
        }
        if (has(F_REPLDST) && addr(v.dst(ct, 1), i.repldstAddr(), i.repldstMask()) == inv(F_REPLDST)) {
            return false;
        }
        if (has(F_PROTO) && (v.protocol(ct) == i.l4proto()) == inv(F_PROTO)) {
            return false;
        }
        if (has(F_ORIGSRC_PORT) && !L4.portMatch(i.origsrcPort(), i.origsrcPortHigh(), v.sport(ct, 0),
                inv(F_ORIGSRC_PORT))) {
            return false;
        }
        if (has(F_ORIGDST_PORT) && !L4.portMatch(i.origdstPort(), i.origdstPortHigh(), v.dport(ct, 0),
                inv(F_ORIGDST_PORT))) {
            return false;
        }
        if (has(F_REPLSRC_PORT) && !L4.portMatch(i.replsrcPort(), i.replsrcPortHigh(), v.sport(ct, 1),
                inv(F_REPLSRC_PORT))) {
            return false;
        }
        if (has(F_REPLDST_PORT) && !L4.portMatch(i.repldstPort(), i.repldstPortHigh(), v.dport(ct, 1),
                inv(F_REPLDST_PORT))) {
            return false;
        }
        if (has(F_STATUS) && ((i.statusMask() & v.status(ct)) != 0) == inv(F_STATUS)) {
            return false;
        }
        if (has(F_EXPIRES)) {
            // nf_ct_expires(): an unconfirmed entry (a flow's first packet) still holds its
            // relative timeout, which minus the jiffies clock is negative: 0 seconds
            long e = (v.status(ct) & dev.hairpin.conntrack.CtStatus.CONFIRMED) == 0 ? 0 : v.expiresSeconds(ct);
            if ((e >= i.expiresMin() && e <= i.expiresMax()) == inv(F_EXPIRES)) {
                return false;
            }
        }
        return true;
    }

    private static boolean addr(int a, int b, int mask) {
        return ((a ^ b) & mask) == 0;
    }

    @Override
    public void save(StringBuilder sb) {
        dump(sb, "--", true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        dump(sb, "", numeric);
    }

    /** conntrack_dump() of revision 3 */
    private void dump(StringBuilder sb, String prefix, boolean numeric) {
        if (has(F_STATE)) {
            not(sb, F_STATE);
            sb.append(' ').append(prefix).append(has(F_STATE_ALIAS) ? "state" : "ctstate");
            states(sb, i.stateMask());
        }
        if (has(F_PROTO)) {
            not(sb, F_PROTO);
            sb.append(' ').append(prefix).append("ctproto ").append(i.l4proto());
        }
        addr(sb, F_ORIGSRC, prefix, "ctorigsrc", i.origsrcAddr(), i.origsrcMask(), numeric);
        addr(sb, F_ORIGDST, prefix, "ctorigdst", i.origdstAddr(), i.origdstMask(), numeric);
        addr(sb, F_REPLSRC, prefix, "ctreplsrc", i.replsrcAddr(), i.replsrcMask(), numeric);
        addr(sb, F_REPLDST, prefix, "ctrepldst", i.repldstAddr(), i.repldstMask(), numeric);
        ports(sb, F_ORIGSRC_PORT, prefix, "ctorigsrcport", i.origsrcPort(), i.origsrcPortHigh());
        ports(sb, F_ORIGDST_PORT, prefix, "ctorigdstport", i.origdstPort(), i.origdstPortHigh());
        ports(sb, F_REPLSRC_PORT, prefix, "ctreplsrcport", i.replsrcPort(), i.replsrcPortHigh());
        ports(sb, F_REPLDST_PORT, prefix, "ctrepldstport", i.repldstPort(), i.repldstPortHigh());
        if (has(F_STATUS)) {
            not(sb, F_STATUS);
            sb.append(' ').append(prefix).append("ctstatus");
            statuses(sb, i.statusMask());
        }
        if (has(F_EXPIRES)) {
            not(sb, F_EXPIRES);
            sb.append(' ').append(prefix).append("ctexpire ");
            sb.append(i.expiresMin());
            if (i.expiresMax() != i.expiresMin()) {
                sb.append(':').append(i.expiresMax());
            }
        }
        if (has(F_DIRECTION)) {
            sb.append(' ').append(prefix).append("ctdir ").append(inv(F_DIRECTION) ? "REPLY" : "ORIGINAL");
        }
    }

    private void not(StringBuilder sb, int f) {
        if (inv(f)) {
            sb.append(" !");
        }
    }

    private void addr(StringBuilder sb, int f, String prefix, String opt, int a, int m, boolean numeric) {
        if (!has(f)) {
            return;
        }
        not(sb, f);
        sb.append(' ').append(prefix).append(opt);
        if (!numeric && a == 0) {
            sb.append(" anywhere");
            return;
        }
        sb.append(' ').append(Xt.ipToString(a)).append(Xt.maskToNumeric(m));
    }

    private void ports(StringBuilder sb, int f, String prefix, String opt, int lo, int hi) {
        if (!has(f)) {
            return;
        }
        not(sb, f);
        sb.append(' ').append(prefix).append(opt).append(' ').append(lo);
        if (hi != 0 && lo != hi) {
            sb.append(':').append(hi);
        }
    }

    /** print_state(): a leading space, then names in a fixed order */
    static void states(StringBuilder sb, int mask) {
        String sep = " ";
        String[] names = {"INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"};
        int[] bits = {S_INVALID, S_NEW, S_RELATED, S_ESTABLISHED, S_UNTRACKED, S_SNAT, S_DNAT};
        for (int k = 0; k < names.length; k++) {
            if ((mask & bits[k]) != 0) {
                sb.append(sep).append(names[k]);
                sep = ",";
            }
        }
    }

    private static void statuses(StringBuilder sb, int mask) {
        String sep = " ";
        String[] names = {"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"};
        int[] bits = {CtStatus.EXPECTED, CtStatus.SEEN_REPLY, CtStatus.ASSURED, CtStatus.CONFIRMED};
        for (int k = 0; k < names.length; k++) {
            if ((mask & bits[k]) != 0) {
                sb.append(sep).append(names[k]);
                sep = ",";
            }
        }
        if (mask == 0) {
            sb.append(sep).append("NONE");
        }
    }

    /** strncasecmp(word, name, len) == 0: word (len chars) is a prefix of name */
    private static boolean abbrev(String word, String name) {
        return word.length() <= name.length() && name.regionMatches(true, 0, word, 0, word.length());
    }

    /** conntrack_ps_state() / state_parse_state(); 0 when unknown */
    private static int state(String w, boolean conntrackNames) {
        if (abbrev(w, "INVALID")) {
            return S_INVALID;
        } else if (abbrev(w, "NEW")) {
            return S_NEW;
        } else if (abbrev(w, "ESTABLISHED")) {
            return S_ESTABLISHED;
        } else if (abbrev(w, "RELATED")) {
            return S_RELATED;
        } else if (abbrev(w, "UNTRACKED")) {
            return S_UNTRACKED;
        } else if (conntrackNames && abbrev(w, "SNAT")) {
            return S_SNAT;
        } else if (conntrackNames && abbrev(w, "DNAT")) {
            return S_DNAT;
        }
        return 0;
    }

    /** Mutable mtinfo3 while parsing. */
    private static final class Builder {
        int matchFlags;
        int invertFlags;
        int stateMask;
        int statusMask;
        int l4proto;
        int[] addr = new int[8];
        long expiresMin;
        long expiresMax;
        int[] ports = new int[8];
        int slashMasks;

        Match build() {
            return new ConntrackMatch(new Info(matchFlags, invertFlags, stateMask, statusMask, l4proto,
                    addr[0], addr[1], addr[2], addr[3], addr[4], addr[5], addr[6], addr[7],
                    expiresMin, expiresMax, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6],
                    ports[7]), slashMasks);
        }
    }

    /** libxt_conntrack.c, revision 3 options. */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("ctstate", 0, Opt.INVERT), Opt.arg("ctproto", 1, Opt.INVERT),
            Opt.arg("ctorigsrc", 2, Opt.INVERT), Opt.arg("ctorigdst", 3, Opt.INVERT),
            Opt.arg("ctreplsrc", 4, Opt.INVERT), Opt.arg("ctrepldst", 5, Opt.INVERT),
            Opt.arg("ctstatus", 6, Opt.INVERT), Opt.arg("ctexpire", 7, Opt.INVERT),
            Opt.arg("ctorigsrcport", 8, Opt.INVERT), Opt.arg("ctorigdstport", 9, Opt.INVERT),
            Opt.arg("ctreplsrcport", 10, Opt.INVERT), Opt.arg("ctrepldstport", 11, Opt.INVERT),
            Opt.arg("ctdir", 12),
        };
        private static final int[] FLAG_OF = {F_STATE, F_PROTO, F_ORIGSRC, F_ORIGDST, F_REPLSRC, F_REPLDST,
            F_STATUS, F_EXPIRES, F_ORIGSRC_PORT, F_ORIGDST_PORT, F_REPLSRC_PORT, F_REPLDST_PORT};
        private final Builder b = new Builder();

        public Parser() {
            super("conntrack");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            int id = o.id();
            switch (id) {
                case 0 -> b.stateMask |= parseList(arg, "ctstate", true);
                case 1 -> b.l4proto = Xt.parseProtocol(arg);
                case 2, 3, 4, 5 -> {
                    int[] am = Xt.parseHostMask(extName, o.name(), arg);
                    b.addr[(id - 2) * 2] = am[0];
                    b.addr[(id - 2) * 2 + 1] = am[1];
                    if (arg.indexOf('/') >= 0) {
                        b.slashMasks |= 1 << (id - 2);
                    } else {
                        b.slashMasks &= ~(1 << (id - 2));
                    }
                }
                case 6 -> b.statusMask |= parseStatuses(arg);
                case 7 -> {
                    long[] r = Xt.parseRange(extName, o.name(), arg, 0xffffffffL);
                    b.expiresMin = r[0];
                    b.expiresMax = r[1];
                }
                case 8, 9, 10, 11 -> {
                    int[] r = Xt.parsePortRangeRc(extName, o.name(), arg);
                    b.ports[(id - 8) * 2] = r[0];
                    b.ports[(id - 8) * 2 + 1] = r[1];
                }
                case 12 -> {
                    if (arg.equalsIgnoreCase("ORIGINAL")) {
                        b.matchFlags |= F_DIRECTION;
                        b.invertFlags &= ~F_DIRECTION;
                    } else if (arg.equalsIgnoreCase("REPLY")) {
                        b.matchFlags |= F_DIRECTION;
                        b.invertFlags |= F_DIRECTION;
                    } else {
                        throw XtError.param("conntrack: Bad value for \"--ctdir\" option: \"" + arg + "\"");
                    }
                    return;
                }
                default -> throw new IllegalStateException();
            }
            b.matchFlags |= FLAG_OF[id];
            if (invert) {
                b.invertFlags |= FLAG_OF[id];
            }
        }

        /** conntrack_ps_states(): comma list, each a (case-insensitive) prefix of a name */
        private static int parseList(String arg, String what, boolean ctNames) {
            int mask = 0;
            String rest = arg;
            int comma;
            while ((comma = rest.indexOf(',')) >= 0) {
                int s = comma == 0 ? 0 : state(rest.substring(0, comma), ctNames);
                if (s == 0) {
                    throw XtError.param("Bad " + what + " \"" + rest + "\"");
                }
                mask |= s;
                rest = rest.substring(comma + 1);
            }
            int s = rest.isEmpty() ? 0 : state(rest, ctNames);
            if (s == 0) {
                throw XtError.param("Bad " + what + " \"" + rest + "\"");
            }
            return mask | s;
        }

        private static int parseStatuses(String arg) {
            int mask = 0;
            String rest = arg;
            for (;;) {
                int comma = rest.indexOf(',');
                String w = comma < 0 ? rest : rest.substring(0, comma);
                int s;
                if (w.isEmpty()) {
                    s = -1;
                } else if (abbrev(w, "NONE")) {
                    s = 0;
                } else if (abbrev(w, "EXPECTED")) {
                    s = CtStatus.EXPECTED;
                } else if (abbrev(w, "SEEN_REPLY")) {
                    s = CtStatus.SEEN_REPLY;
                } else if (abbrev(w, "ASSURED")) {
                    s = CtStatus.ASSURED;
                } else if (abbrev(w, "CONFIRMED")) {
                    s = CtStatus.CONFIRMED;
                } else {
                    s = -1;
                }
                if (s < 0) {
                    throw XtError.param("Bad ctstatus \"" + rest + "\"");
                }
                mask |= s;
                if (comma < 0) {
                    return mask;
                }
                rest = rest.substring(comma + 1);
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("conntrack: At least one option is required");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return b.build();
        }
    }

    /** {@code -m state}: libxt_conntrack.c's state alias (revision 3). */
    public static final class StateParser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("state", 0, Opt.MAND | Opt.INVERT)};
        private final Builder b = new Builder();

        public StateParser() {
            super("state");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            b.matchFlags = F_STATE | F_STATE_ALIAS;
            b.stateMask = parseStates(arg);
            if (invert) {
                b.invertFlags |= F_STATE;
            }
        }

        /** state_parse_states(): "Bad state" from the failing word on */
        private static int parseStates(String arg) {
            int mask = 0;
            String rest = arg;
            int comma;
            while ((comma = rest.indexOf(',')) >= 0) {
                int s = comma == 0 ? 0 : state(rest.substring(0, comma), false);
                if (s == 0) {
                    throw XtError.param("Bad state \"" + rest + "\"");
                }
                mask |= s;
                rest = rest.substring(comma + 1);
            }
            if (rest.isEmpty()) {
                throw XtError.param("\"--state\" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED");
            }
            int s = state(rest, false);
            if (s == 0) {
                throw XtError.param("Bad state \"" + rest + "\"");
            }
            return mask | s;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return b.build();
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
