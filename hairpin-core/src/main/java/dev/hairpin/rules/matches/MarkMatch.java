package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m mark} revision 1 (xt_mark.c): {@code (skb->mark & mask) == mark}, XOR invert. */
public final class MarkMatch implements Match {
    private final int mark;
    private final int mask;
    private final boolean invert;

    public MarkMatch(int mark, int mask, boolean invert) {
        this.mark = mark;
        this.mask = mask;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "mark";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return ((skb.mark & mask) == mark) ^ invert;
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
        sb.append(" mark match");
        if (invert) {
            sb.append(" !");
        }
        Xt.valMask(sb, mark & 0xffffffffL, mask & 0xffffffffL);
    }

    /** libxt_mark.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("mark", 0, Opt.MAND | Opt.INVERT)};
        private long[] vm = {0, 0xffffffffL};
        private boolean invert;

        public Parser() {
            super("mark");
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
            return new MarkMatch((int) vm[0], (int) vm[1], invert);
        }
    }
}
