package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.XtServices;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m set --match-set NAME src|dst[,...]} revision 4 (xt_set.c): membership of the packet's
 * addresses/ports in an ipset, asked of {@link XtServices#ipset} with the rule's flags
 * (--return-nomatch, ! --update-counters) and counter conditions (--packets-gt ...); a set the
 * stack does not know never matches.
 */
public final class SetMatch implements Match {
    public static final int INV_MATCH = 1;
    public static final int RETURN_NOMATCH = 1 << 7;
    public static final int SKIP_COUNTER_UPDATE = 1 << 8;
    public static final int SKIP_SUBCOUNTER_UPDATE = 1 << 9;
    /** IPSET_COUNTER_* */
    static final int NONE = 0;
    static final int EQ = 1;
    static final int NE = 2;
    static final int LT = 3;
    static final int GT = 4;

    private final String setName;
    private final int[] dirs;
    private final int setFlags;
    private final int flags;
    private final int[] counterOps;
    private final long[] counterValues;

    public SetMatch(String setName, int[] dirs, int setFlags, int flags, int[] counterOps, long[] counterValues) {
        this.setName = setName;
        this.dirs = dirs.clone();
        this.setFlags = setFlags;
        this.flags = flags;
        this.counterOps = counterOps.clone();
        this.counterValues = counterValues.clone();
    }

    @Override
    public String name() {
        return "set";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        XtServices.IpSetView v = par.services.ipset(setName);
        boolean in = v != null && v.test(skb, dirs, flags, counterOps[0], counterValues[0], counterOps[1], counterValues[1]);
        return in ^ ((setFlags & INV_MATCH) != 0);
    }

    private void text(StringBuilder sb, String opt, String sep) {
        sb.append((setFlags & INV_MATCH) != 0 ? " !" : "").append(' ').append(opt).append(' ').append(setName);
        for (int i = 0; i < dirs.length; i++) {
            sb.append(i == 0 ? " " : ",").append(dirs[i] == 1 ? "src" : "dst");
        }
        if ((flags & RETURN_NOMATCH) != 0) {
            sb.append(' ').append(sep).append("return-nomatch");
        }
        if ((flags & SKIP_COUNTER_UPDATE) != 0) {
            sb.append(" ! ").append(sep).append("update-counters");
        }
        if ((flags & SKIP_SUBCOUNTER_UPDATE) != 0) {
            sb.append(" ! ").append(sep).append("update-subcounters");
        }
        counter(sb, counterOps[0], counterValues[0], "packets", sep);
        counter(sb, counterOps[1], counterValues[1], "bytes", sep);
    }

    private static void counter(StringBuilder sb, int op, long v, String name, String sep) {
        String val = Long.toUnsignedString(v);
        switch (op) {
            case EQ -> sb.append(' ').append(sep).append(name).append("-eq ").append(val);
            case NE -> sb.append(" ! ").append(sep).append(name).append("-eq ").append(val);
            case LT -> sb.append(' ').append(sep).append(name).append("-lt ").append(val);
            case GT -> sb.append(' ').append(sep).append(name).append("-gt ").append(val);
            default -> {
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--match-set", "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        text(sb, "match-set", "");
    }

    /** libxt_set.c revision 4 (old option API) */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("match-set", 1), Opt.arg("set", 2), Opt.flag("return-nomatch", 3), Opt.flag("update-counters", 4),
            Opt.arg("packets-eq", 5), Opt.arg("packets-lt", 6), Opt.arg("packets-gt", 7), Opt.arg("bytes-eq", 8),
            Opt.arg("bytes-lt", 9), Opt.arg("bytes-gt", 10), Opt.flag("update-subcounters", 11),
        };
        private String setName;
        private int[] dirs = new int[0];
        private int setFlags;
        private int flags;
        private final int[] ops = new int[2];
        private final long[] values = new long[2];

        public Parser() {
            super("set");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected boolean x6() {
            return false;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 11 -> {
                    if (invert) {
                        flags |= SKIP_SUBCOUNTER_UPDATE;
                    }
                }
                case 4 -> {
                    if (invert) {
                        flags |= SKIP_COUNTER_UPDATE;
                    }
                }
                case 3 -> {
                    if (invert) {
                        throw XtError.param("--return-nomatch flag cannot be inverted");
                    }
                    flags |= RETURN_NOMATCH;
                }
                case 5, 6, 7, 8, 9, 10 -> counterOption(o, arg, invert);
                default -> matchSet(arg, invert, ctx);
            }
        }

        private void counterOption(Opt o, String arg, boolean invert) {
            int which = o.id() >= 8 ? 1 : 0;
            String name = which == 0 ? "packets" : "bytes";
            if (ops[which] != NONE) {
                throw XtError.param("only one of the --" + name + "-[eq|lt|gt] is allowed");
            }
            int kind = (o.id() - 5) % 3;
            if (kind == 1 && invert) {
                throw XtError.param("--" + name + "-lt option cannot be inverted");
            }
            if (kind == 2 && invert) {
                throw XtError.param("--" + name + "-gt option cannot be inverted");
            }
            ops[which] = kind == 0 ? (invert ? NE : EQ) : kind == 1 ? LT : GT;
            Xt.Num n = Xt.strtoulPrefix(arg, 0, 0, 0);
            if (n == null || n.end() != arg.length()) {
                throw XtError.param("Cannot parse " + arg + " as a counter value");
            }
            values[which] = n.value();
        }

        private void matchSet(String arg, boolean invert, ParseContext ctx) {
            if (dirs.length > 0) {
                throw XtError.param("--match-set can be specified only once");
            }
            if (invert) {
                setFlags |= INV_MATCH;
            }
            String d = ctx.peekArg();
            if (d == null || d.startsWith("-") || d.startsWith("!")) {
                throw XtError.param("--match-set requires two args.");
            }
            if (arg.length() > 31) {
                throw XtError.param("setname `" + arg + "' too long, max 31 characters.");
            }
            if (!ctx.ipsetExists(arg)) {
                throw XtError.param("Set " + arg + " doesn't exist.\n");
            }
            setName = arg;
            String[] parts = d.split(",", -1);
            if (parts.length > 6) {
                throw XtError.param("Can't be more src/dst options than 6.");
            }
            dirs = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].startsWith("src")) {
                    dirs[i] = 1;
                } else if (!parts[i].startsWith("dst")) {
                    throw XtError.param("You must spefify (the comma separated list of) 'src' or 'dst'.");
                }
            }
            ctx.skipArg();
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (setName == null) {
                throw XtError.param("You must specify `--match-set' with proper arguments");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new SetMatch(setName, dirs, setFlags, flags, ops, values);
        }
    }
}
