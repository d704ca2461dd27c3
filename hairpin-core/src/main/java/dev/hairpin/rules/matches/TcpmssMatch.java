package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m tcpmss --mss min[:max]} (xt_tcpmss.c): the MSS option of a SYN in a range; a segment
 * without the option does not match (inverted or not), a truncated header is dropped.
 */
public final class TcpmssMatch implements Match {
    private final int min;
    private final int max;
    private final boolean invert;

    public TcpmssMatch(int min, int max, boolean invert) {
        this.min = min;
        this.max = max;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "tcpmss";
    }

    @Override
    public int proto() {
        return 6;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (!L4.has(skb, 20)) {
            par.hotdrop = true;
            return false;
        }
        int doff = (L4.u8(skb, 12) >> 4) * 4;
        if (doff < 20) {
            par.hotdrop = true;
            return false;
        }
        if (doff == 20) {
            return false;
        }
        if (!L4.has(skb, doff)) {
            par.hotdrop = true;
            return false;
        }
        for (int i = 20; i < doff; ) {
            int kind = L4.u8(skb, i);
            if (kind == 2 && doff - i >= 4 && L4.u8(skb, i + 1) == 4) {
                int mss = L4.u8(skb, i + 2) << 8 | L4.u8(skb, i + 3);
                return (mss >= min && mss <= max) ^ invert;
            }
            if (kind < 2) {
                i++;
            } else {
                int l = i + 1 < doff ? L4.u8(skb, i + 1) : 0;
                i += l == 0 ? 1 : l;
            }
        }
        return false;
    }

    private String range() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --mss ").append(range());
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" tcpmss match ").append(invert ? "!" : "").append(range());
    }

    /** libxt_tcpmss.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("mss", 0, Opt.MAND | Opt.INVERT)};
        private long[] r = {0, 0};
        private boolean invert;

        public Parser() {
            super("tcpmss");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            r = Xt.parseRange(extName, o.name(), arg, 0xffff);
            if (r[1] < r[0]) {
                throw XtError.param("tcpmss: invalid range given");
            }
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new TcpmssMatch((int) r[0], (int) r[1], invert);
        }
    }
}
