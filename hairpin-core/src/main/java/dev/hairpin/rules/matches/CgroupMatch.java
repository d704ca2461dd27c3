package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -m cgroup} (xt_cgroup.c, revision 2): the cgroup2 path or net_cls classid of the
 * packet's socket. Packets here carry no socket, and the kernel's answer without one is "no
 * match" (for forwarded traffic always); so it never matches, inverted or not.
 */
public final class CgroupMatch implements Match {
    private final String path;
    private final boolean invertPath;
    private final boolean hasClassid;
    private final long classid;
    private final boolean invertClassid;

    public CgroupMatch(String path, boolean invertPath, boolean hasClassid, long classid, boolean invertClassid) {
        this.path = path;
        this.invertPath = invertPath;
        this.hasClassid = hasClassid;
        this.classid = classid;
        this.invertClassid = invertClassid;
    }

    @Override
    public String name() {
        return "cgroup";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING) | (1 << Hooks.LOCAL_IN);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        // if (!sk || !sk_fullsock(sk)) return false;
        return false;
    }

    @Override
    public String checkEntry(IptIp ip) {
        if (path == null && !hasClassid) {
            return "no path or classid specified";
        }
        if (path != null && hasClassid) {
            return "path and classid specified";
        }
        return null;
    }

    @Override
    public void save(StringBuilder sb) {
        if (path != null) {
            sb.append(invertPath ? " !" : "").append(" --path");
            Xt.saveString(sb, path);
        }
        if (hasClassid) {
            sb.append(invertClassid ? " !" : "").append(" --cgroup ").append(classid);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" cgroup");
        if (path != null) {
            sb.append(' ').append(invertPath ? "! " : "").append(path);
        }
        if (hasClassid) {
            sb.append(' ').append(invertClassid ? "! " : "").append(classid);
        }
    }

    /** libxt_cgroup.c revision 2 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("path", 1, Opt.INVERT), Opt.arg("cgroup", 0, Opt.INVERT)};
        private String path;
        private boolean invertPath;
        private long classid;
        private boolean invertClassid;

        public Parser() {
            super("cgroup");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if (o.id() == 1) {
                // XTTYPE_STRING into char path[XT_CGROUP_PATH_MAX]
                path = Xt.cstr(arg, 511);
                invertPath = inv;
            } else {
                classid = Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                invertClassid = inv;
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new CgroupMatch(path, invertPath, seen(0), classid, invertClassid);
        }
    }
}
