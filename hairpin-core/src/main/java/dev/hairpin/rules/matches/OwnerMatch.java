package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m owner} revision 1 (xt_owner.c): the socket that sent a locally generated packet
 * ({@link Skb#owner}). Without one (forwarded packets, REJECT's RST, a closed socket's last
 * ACK) the match holds only when every option given is inverted; a kernel control socket (the
 * stack's RSTs and ICMP) exists but has no file, so uid/gid options fail unless inverted; a
 * process's socket is compared by its uid and gid.
 */
public final class OwnerMatch implements Match {
    public static final int UID = 1;
    public static final int GID = 2;
    public static final int SOCKET = 4;
    public static final int SUPPL_GROUPS = 8;

    private final long uidMin;
    private final long uidMax;
    private final long gidMin;
    private final long gidMax;
    private final int match;
    private final int invert;

    public OwnerMatch(long uidMin, long uidMax, long gidMin, long gidMax, int match, int invert) {
        this.uidMin = uidMin;
        this.uidMax = uidMax;
        this.gidMin = gidMin;
        this.gidMax = gidMax;
        this.match = match;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "owner";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (skb.owner == Skb.OWNER_NONE) {
            return (match ^ invert) == 0; // no socket: only inverted options hold
        }
        if ((match & invert & SOCKET) != 0) {
            return false; // a socket, but ! --socket-exists
        }
        if (skb.owner == Skb.OWNER_KERNEL) {
            return ((match ^ invert) & (UID | GID)) == 0; // a socket without a file
        }
        if ((match & UID) != 0) {
            boolean in = Integer.toUnsignedLong(skb.ownerUid) >= uidMin && Integer.toUnsignedLong(skb.ownerUid) <= uidMax;
            if (in ^ (invert & UID) == 0) {
                return false;
            }
        }
        if ((match & GID) != 0) {
            // fsgid only: supplementary groups are not modelled (a process here is root, group 0)
            boolean in = Integer.toUnsignedLong(skb.ownerGid) >= gidMin && Integer.toUnsignedLong(skb.ownerGid) <= gidMax;
            if (in ^ (invert & GID) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--socket-exists", "--uid-owner", "--gid-owner", "--suppl-groups", true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        text(sb, "owner socket exists", "owner UID match", "owner GID match", "incl. suppl. groups", numeric);
    }

    private void text(StringBuilder sb, String sock, String uid, String gid, String suppl, boolean numeric) {
        item(sb, sock, SOCKET, 0, 0, numeric);
        item(sb, uid, UID, uidMin, uidMax, numeric);
        item(sb, gid, GID, gidMin, gidMax, numeric);
        item(sb, suppl, SUPPL_GROUPS, 0, 0, numeric);
    }

    private void item(StringBuilder sb, String label, int flag, long min, long max, boolean numeric) {
        if ((match & flag) == 0) {
            return;
        }
        if ((invert & flag) != 0) {
            sb.append(" !");
        }
        sb.append(' ').append(label);
        if (flag == UID || flag == GID) {
            if (min != max) {
                sb.append(' ').append(min).append('-').append(max);
                return;
            }
            String n = numeric ? null : (flag == UID ? Accounts.userName(min) : Accounts.groupName(min));
            sb.append(' ').append(n != null ? n : Long.toString(min));
        }
    }

    /** libxt_owner.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("uid-owner", 0, Opt.INVERT), Opt.arg("gid-owner", 1, Opt.INVERT),
            Opt.flag("socket-exists", 2, Opt.INVERT), Opt.flag("suppl-groups", 3),
        };
        private long[] uid = {0, 0};
        private long[] gid = {0, 0};
        private int match;
        private int invert;

        public Parser() {
            super("owner");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    long id = Accounts.userId(arg);
                    uid = id >= 0 ? new long[] {id, id} : range(arg, "--uid-owner");
                    set(UID, inv);
                }
                case 1 -> {
                    long id = Accounts.groupId(arg);
                    gid = id >= 0 ? new long[] {id, id} : range(arg, "--gid-owner");
                    set(GID, inv);
                }
                case 2 -> set(SOCKET, inv);
                default -> {
                    if ((match & GID) == 0) {
                        throw XtError.param("owner: Bad value for \"--suppl-groups\" option: "
                                + "\"you need to use --gid-owner first\"");
                    }
                    match |= SUPPL_GROUPS;
                }
            }
        }

        private void set(int flag, boolean inv) {
            match |= flag;
            if (inv) {
                invert |= flag;
            }
        }

        /** owner_parse_range(): "n", "n-m" or "n:m", each 0..2^32-2 */
        private static long[] range(String s, String opt) {
            Xt.Num a = Xt.strtoulPrefix(s, 0, 0, 0xfffffffeL);
            if (a == null) {
                throw XtError.param("owner: Bad value for \"" + opt + "\" option: \"" + s + "\"");
            }
            long from = a.value();
            long to = from;
            int end = a.end();
            if (end < s.length() && (s.charAt(end) == '-' || s.charAt(end) == ':')) {
                Xt.Num b = Xt.strtoulPrefix(s, end + 1, 0, 0xfffffffeL);
                if (b == null) {
                    throw XtError.param("owner: Bad value for \"" + opt + "\" option: \"" + s + "\"");
                }
                to = b.value();
                end = b.end();
            }
            if (end != s.length()) {
                throw XtError.param("owner: Bad value for \"" + opt + "\" option: \"" + s + "\"");
            }
            return new long[] {from, to};
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("owner: At least one of --uid-owner, --gid-owner or --socket-exists is required");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new OwnerMatch(uid[0], uid[1], gid[0], gid[1], match, invert);
        }
    }
}
