package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m length --length min[:max]} (xt_length.c): the IP total length. */
public final class LengthMatch implements Match {
    private final int min;
    private final int max;
    private final boolean invert;

    public LengthMatch(int min, int max, boolean invert) {
        this.min = min;
        this.max = max;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "length";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int len = Ipv4.totLen(skb.buf, skb.l3);
        return (len >= min && len <= max) ^ invert;
    }

    private String range() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --length ").append(range());
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" length ").append(invert ? "!" : "").append(range());
    }

    /** libxt_length.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("length", 0, Opt.MAND | Opt.INVERT)};
        private long[] r = {0, 0};
        private boolean invert;

        public Parser() {
            super("length");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            r = Xt.parseRange(extName, o.name(), arg, 0xffff);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new LengthMatch((int) r[0], (int) r[1], invert);
        }
    }
}
