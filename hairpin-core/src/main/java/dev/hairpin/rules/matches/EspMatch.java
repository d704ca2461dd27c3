package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m esp --espspi} and {@code -m ah --ahspi} (xt_esp.c, ipt_ah.c): the security parameter
 * index within a range. ESP carries it in its first word, AH in its second; both need the
 * matching {@code -p}.
 */
public final class EspMatch implements Match {
    private final boolean ah;
    private final long min;
    private final long max;
    private final boolean invert;

    public EspMatch(boolean ah, long min, long max, boolean invert) {
        this.ah = ah;
        this.min = min;
        this.max = max;
        this.invert = invert;
    }

    @Override
    public String name() {
        return ah ? "ah" : "esp";
    }

    @Override
    public int proto() {
        return ah ? 51 : 50;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            return false;
        }
        int off = ah ? 4 : 0;
        if (!L4.has(skb, off + 4)) {
            par.hotdrop = true;
            return false;
        }
        long spi = Ipv4.i32(skb.buf, skb.l4 + off) & 0xffffffffL;
        return (spi >= min && spi <= max) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (min == 0 && max == 0xffffffffL) {
            return;
        }
        sb.append(invert ? " !" : "").append(ah ? " --ahspi " : " --espspi ").append(min);
        if (min != max) {
            sb.append(':').append(max);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(ah ? " ah " : " esp");
        if (min != 0 || max != 0xffffffffL || invert) {
            if (!ah) {
                sb.append(' ');
            }
            sb.append("spi");
            String inv = invert ? "!" : "";
            if (min == max) {
                sb.append(':').append(inv).append(min);
            } else {
                sb.append("s:").append(inv).append(min).append(':').append(max);
            }
        }
    }

    /** libxt_esp.c / libipt_ah.c */
    public static final class Parser extends ExtParser<Match> {
        private final boolean ah;
        private final Opt[] opts;
        private long[] r = {0, 0xffffffffL};
        private boolean invert;

        public Parser(boolean ah) {
            super(ah ? "ah" : "esp");
            this.ah = ah;
            this.opts = new Opt[] {Opt.arg(ah ? "ahspi" : "espspi", 0, Opt.INVERT)};
        }

        @Override
        public Opt[] options() {
            return opts;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            r = Xt.parseRange(extName, o.name(), arg, 0xffffffffL);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new EspMatch(ah, r[0], r[1], invert);
        }
    }
}
