package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m realm} (xt_realm.c): {@code (dst->tclassid & mask) == id}, the routing realm of the
 * packet's route. The route model has no realms, so tclassid is 0, as for a route without
 * {@code realm}. Of /etc/iproute2/rt_realms, iproute2's default "0 cosmos" is known.
 */
public final class RealmMatch implements Match {
    private final int id;
    private final int mask;
    private final boolean invert;

    public RealmMatch(int id, int mask, boolean invert) {
        this.id = id;
        this.mask = mask;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "realm";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.POST_ROUTING) | (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.LOCAL_IN);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int tclassid = 0;
        return (id == (tclassid & mask)) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --realm");
        valMask(sb, id, mask, false);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(invert ? " !" : "").append(" realm");
        valMask(sb, id, mask, numeric);
    }

    /**
     * xtables_print_val_mask() with the realms map of iproute2's default rt_realms, whose one
     * name is "cosmos" for realm 0 (save names it too, recorded)
     */
    private static void valMask(StringBuilder sb, int val, int mask, boolean numeric) {
        if (mask == -1 && val == 0 && !numeric) {
            sb.append(" cosmos");
        } else {
            Xt.valMask(sb, val, mask);
        }
    }

    /** libipt_realm.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("realm", 0, Opt.MAND | Opt.INVERT)};
        private long[] vm;
        private boolean invert;

        public Parser() {
            super("realm");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            vm = arg.equals("cosmos") ? new long[] {0, 0xffffffffL} : Xt.parseMarkMask(extName, o.name(), arg);
            invert = inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new RealmMatch((int) vm[0], (int) vm[1], invert);
        }
    }
}
