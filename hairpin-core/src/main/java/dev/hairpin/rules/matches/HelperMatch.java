package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m helper --helper NAME} (xt_helper.c): the connection (or its master) has that
 * conntrack helper: only an expected (related) connection's master is asked, so the helped
 * connection itself does not match; nothing matches for an untracked packet.
 */
public final class HelperMatch implements Match {
    private final String helper;
    private final boolean invert;

    public HelperMatch(String helper, boolean invert) {
        this.helper = helper;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "helper";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (skb.ct < 0) {
            return false;
        }
        // the master's helper: its name must open the rule's (strncmp over the helper's length)
        String h = par.services.conntrack().masterHelper(skb.ct);
        if (h == null) {
            return invert;
        }
        return (helper.isEmpty() || helper.startsWith(h)) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --helper");
        Xt.saveString(sb, helper);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" helper match ").append(invert ? "! " : "").append('"').append(helper).append('"');
    }

    /** libxt_helper.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("helper", 0, Opt.MAND | Opt.INVERT)};
        private String helper = "";
        private boolean invert;

        public Parser() {
            super("helper");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            helper = Xt.cstr(arg, 29);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new HelperMatch(helper, invert);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
