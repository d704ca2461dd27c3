package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

/**
 * {@code -m socket} (xt_socket.c, revision 3): the packet belongs to a local socket. The lookup
 * is the stack's ({@link dev.hairpin.rules.XtServices#socketLookup}); with
 * {@code --restore-skmark} a match copies the socket's mark to the packet. PREROUTING and INPUT.
 */
public final class SocketMatch implements Match {
    public static final int TRANSPARENT = 1;
    public static final int NOWILDCARD = 2;
    public static final int RESTORESKMARK = 4;

    private final int flags;

    public SocketMatch(int flags) {
        this.flags = flags;
    }

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_IN);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        long mark = par.services.socketLookup(skb, flags & (TRANSPARENT | NOWILDCARD));
        if (mark < 0) {
            return false;
        }
        if ((flags & RESTORESKMARK) != 0) {
            skb.mark = (int) mark;
        }
        return true;
    }

    @Override
    public void save(StringBuilder sb) {
        if ((flags & TRANSPARENT) != 0) {
            sb.append(" --transparent");
        }
        if ((flags & NOWILDCARD) != 0) {
            sb.append(" --nowildcard");
        }
        if ((flags & RESTORESKMARK) != 0) {
            sb.append(" --restore-skmark");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" socket");
        save(sb);
    }

    /** libxt_socket.c revision 3 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.flag("transparent", 0), Opt.flag("nowildcard", 1), Opt.flag("restore-skmark", 2),
        };

        public Parser() {
            super("socket");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {}

        @Override
        protected Match build(ParseContext ctx) {
            // option ids are the XT_SOCKET_* bit numbers
            return new SocketMatch(xflags);
        }
    }

    @Override
    public boolean needsDefrag() {
        return true; // nf_defrag_ipv4_enable() in its checkentry
    }
}
