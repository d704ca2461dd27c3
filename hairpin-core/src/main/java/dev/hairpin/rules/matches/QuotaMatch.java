package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m quota --quota bytes} (xt_quota.c): matches until the rule has seen that many bytes;
 * a packet bigger than what is left empties the quota.
 */
public final class QuotaMatch implements Match {
    private final long quota;
    private final boolean invert;
    private long left;

    public QuotaMatch(long quota, boolean invert) {
        this.quota = quota;
        this.invert = invert;
        this.left = quota;
    }

    @Override
    public String name() {
        return "quota";
    }

    @Override
    public synchronized boolean matches(Skb skb, XtParam par) {
        if (Long.compareUnsigned(left, skb.len) >= 0) {
            left -= skb.len;
            return !invert;
        }
        left = 0;
        return invert;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --quota ").append(Long.toUnsignedString(quota));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" quota: ").append(Long.toUnsignedString(quota)).append(" bytes");
    }

    /** libxt_quota.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("quota", 0, Opt.MAND | Opt.INVERT)};
        private long quota;
        private boolean invert;

        public Parser() {
            super("quota");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            quota = Xt.parseU64(extName, o.name(), arg);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new QuotaMatch(quota, invert);
        }
    }
}
