package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m ipcomp} (xt_ipcomp.c): the 16-bit compression parameter index of an IPComp header
 * (RFC 3173) within a range. {@code --compres} is stored and printed only: the kernel ignores it.
 */
public final class IpcompMatch implements Match {
    private final long min;
    private final long max;
    private final boolean invert;
    private final boolean hdrres;

    public IpcompMatch(long min, long max, boolean invert, boolean hdrres) {
        this.min = min;
        this.max = max;
        this.invert = invert;
        this.hdrres = hdrres;
    }

    @Override
    public String name() {
        return "ipcomp";
    }

    @Override
    public int proto() {
        return 108;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (L4.fragoff(skb) != 0) {
            return false;
        }
        if (!L4.has(skb, 4)) {
            par.hotdrop = true;
            return false;
        }
        int cpi = dev.hairpin.packet.Ipv4.u16(skb.buf, skb.l4 + 2);
        return (cpi >= min && cpi <= max) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (!(min == 0 && max == 0xffffffffL)) {
            sb.append(invert ? " !" : "").append(" --ipcompspi ").append(min);
            if (min != max) {
                sb.append(':').append(max);
            }
        }
        if (hdrres) {
            sb.append(" --compres");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" comp ");
        if (min != 0 || max != 0xffffffffL || invert) {
            String inv = invert ? "!" : "";
            if (min == max) {
                sb.append("spi:").append(inv).append(min);
            } else {
                sb.append("spis:").append(inv).append(min).append(':').append(max);
            }
        }
        if (hdrres) {
            sb.append(" reserved");
        }
    }

    /** libxt_ipcomp.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("ipcompspi", 0, Opt.INVERT), Opt.flag("compres", 1)};
        private long[] spis = {0, 0xffffffffL};
        private boolean invert;
        private boolean hdrres;

        public Parser() {
            super("ipcomp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if (o.id() == 0) {
                spis = Xt.parseRange(extName, o.name(), arg, 0xffffffffL);
                invert |= inv;
            } else {
                hdrres = true;
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new IpcompMatch(spis[0], spis[1], invert, hdrres);
        }
    }
}
