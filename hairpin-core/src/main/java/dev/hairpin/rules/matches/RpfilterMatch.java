package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

/**
 * {@code -m rpfilter} (xt_rpfilter.c): reverse-path filtering in PREROUTING of raw/mangle. Loopback
 * traffic and DHCP-style packets from 0.0.0.0 to broadcast/local multicast always pass; the route
 * lookup itself is {@link dev.hairpin.rules.XtServices#rpfilterLookup}.
 */
public final class RpfilterMatch implements Match {
    public static final int LOOSE = 1;
    public static final int VALID_MARK = 2;
    public static final int ACCEPT_LOCAL = 4;
    public static final int INVERT = 8;
    private static final String[] NAMES = {"loose", "validmark", "accept-local", "invert"};

    private final int flags;

    public RpfilterMatch(int flags) {
        this.flags = flags;
    }

    @Override
    public String name() {
        return "rpfilter";
    }

    @Override
    public int hooks() {
        return 1 << Hooks.PRE_ROUTING;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        boolean invert = (flags & INVERT) != 0;
        if (par.in != null && par.in.isLoopback()) {
            return !invert;
        }
        int saddr = skb.saddr();
        int daddr = skb.daddr();
        if (saddr == 0 && (daddr == -1 || (daddr & 0xffffff00) == 0xe0000000)) {
            return !invert;
        }
        return par.services.rpfilterLookup(skb, flags & (LOOSE | VALID_MARK | ACCEPT_LOCAL)) ^ invert;
    }

    private void text(StringBuilder sb, String prefix) {
        for (int i = 0; i < 4; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(' ').append(prefix).append(NAMES[i]);
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" rpfilter");
        text(sb, "");
    }

    /** the kernel allows rpfilter only in these tables */
    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("raw", "mangle");
    }

    /** libxt_rpfilter.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.flag("loose", 0), Opt.flag("validmark", 1), Opt.flag("accept-local", 2), Opt.flag("invert", 3),
        };
        private int flags;

        public Parser() {
            super("rpfilter");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            flags |= 1 << o.id();
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new RpfilterMatch(flags);
        }
    }
}
