package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m connmark --mark v[/m]} revision 1 (xt_connmark.c): {@code (ct->mark & m) == v}. */
public final class ConnmarkMatch implements Match {
    private final int mark;
    private final int mask;
    private final boolean invert;

    public ConnmarkMatch(int mark, int mask, boolean invert) {
        this.mark = mark;
        this.mask = mask;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "connmark";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (skb.ct < 0) {
            return false;
        }
        return ((par.services.conntrack().mark(skb.ct) & mask) == mark) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(" --mark");
        Xt.valMask(sb, mark & 0xffffffffL, mask & 0xffffffffL);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" connmark match ");
        if (invert) {
            sb.append('!');
        }
        Xt.valMask(sb, mark & 0xffffffffL, mask & 0xffffffffL);
    }

    /** libxt_connmark.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("mark", 0, Opt.MAND | Opt.INVERT)};
        private long[] vm = {0, 0xffffffffL};
        private boolean invert;

        public Parser() {
            super("connmark");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            vm = Xt.parseMarkMask(extName, o.name(), arg);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new ConnmarkMatch((int) vm[0], (int) vm[1], invert);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
