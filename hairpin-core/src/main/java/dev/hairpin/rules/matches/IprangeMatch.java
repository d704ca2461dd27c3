package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/** {@code -m iprange} revision 1 (xt_iprange.c): source and/or destination within [min, max]. */
public final class IprangeMatch implements Match {
    public static final int SRC = 0x01;
    public static final int DST = 0x02;
    public static final int SRC_INV = 0x10;
    public static final int DST_INV = 0x20;

    private final int flags;
    private final int srcMin;
    private final int srcMax;
    private final int dstMin;
    private final int dstMax;

    public IprangeMatch(int flags, int srcMin, int srcMax, int dstMin, int dstMax) {
        this.flags = flags;
        this.srcMin = srcMin;
        this.srcMax = srcMax;
        this.dstMin = dstMin;
        this.dstMax = dstMax;
    }

    @Override
    public String name() {
        return "iprange";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if ((flags & SRC) != 0) {
            boolean m = in(skb.saddr(), srcMin, srcMax);
            if (m == ((flags & SRC_INV) != 0)) {
                return false;
            }
        }
        if ((flags & DST) != 0) {
            boolean m = in(skb.daddr(), dstMin, dstMax);
            return m != ((flags & DST_INV) != 0);
        }
        return true;
    }

    private static boolean in(int a, int min, int max) {
        return Integer.compareUnsigned(a, min) >= 0 && Integer.compareUnsigned(a, max) <= 0;
    }

    @Override
    public void save(StringBuilder sb) {
        if ((flags & SRC) != 0) {
            sb.append((flags & SRC_INV) != 0 ? " !" : "").append(" --src-range ").append(Xt.ipToString(srcMin))
                    .append('-').append(Xt.ipToString(srcMax));
        }
        if ((flags & DST) != 0) {
            sb.append((flags & DST_INV) != 0 ? " !" : "").append(" --dst-range ").append(Xt.ipToString(dstMin))
                    .append('-').append(Xt.ipToString(dstMax));
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        if ((flags & SRC) != 0) {
            sb.append(" source IP range").append((flags & SRC_INV) != 0 ? " !" : "").append(' ')
                    .append(Xt.ipToString(srcMin)).append('-').append(Xt.ipToString(srcMax));
        }
        if ((flags & DST) != 0) {
            sb.append(" destination IP range").append((flags & DST_INV) != 0 ? " !" : "").append(' ')
                    .append(Xt.ipToString(dstMin)).append('-').append(Xt.ipToString(dstMax));
        }
    }

    /** libxt_iprange.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("src-range", 0, Opt.INVERT), Opt.arg("dst-range", 1, Opt.INVERT)};
        private int flags;
        private final int[] r = new int[4];

        public Parser() {
            super("iprange");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            String opt = o.id() == 0 ? "--src-range" : "--dst-range";
            int dash = arg.indexOf('-');
            String a = dash < 0 ? arg : arg.substring(0, dash);
            String b = dash < 0 ? arg : arg.substring(dash + 1);
            long lo = Xt.numericToIpaddr(a, false);
            if (lo < 0) {
                throw XtError.param("iprange: Bad value for \"" + opt + "\" option: \"" + a + "\"");
            }
            long hi = Xt.numericToIpaddr(b, false);
            if (hi < 0) {
                throw XtError.param("iprange: Bad value for \"" + opt + "\" option: \"" + b + "\"");
            }
            if (Integer.compareUnsigned((int) lo, (int) hi) > 0) {
                ctx.warn("xt_iprange: range " + a + "-" + b + " is reversed and will never match\n");
            }
            r[o.id() * 2] = (int) lo;
            r[o.id() * 2 + 1] = (int) hi;
            flags |= o.id() == 0 ? SRC : DST;
            if (invert) {
                flags |= o.id() == 0 ? SRC_INV : DST_INV;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("iprange match: You must specify `--src-range' or `--dst-range'");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new IprangeMatch(flags, r[0], r[1], r[2], r[3]);
        }
    }
}
