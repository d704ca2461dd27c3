package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.XtServices;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -j SET} revision 3 (xt_set.c set_target_v3, libxt_SET.c): adds the packet's element to
 * one ipset and/or deletes it from another, through {@link XtServices#ipset}; then the next rule.
 * {@code --map-set} copies a matching element's skbinfo (mark, priority, queue) to the packet;
 * the sets modelled here have no skbinfo extension, for which the kernel maps nothing either.
 * Only in the mangle table, and priority/queue only after routing (checkentry, recorded).
 */
public final class SetTarget implements Target {
    public static final int EXIST = 1 << 2;
    public static final int MAP_MARK = 1 << 3;
    public static final int MAP_PRIO = 1 << 4;
    public static final int MAP_QUEUE = 1 << 5;
    /** no --timeout: the set's default */
    public static final long NO_TIMEOUT = 0xffffffffL;

    private final String addSet;
    private final int[] addDirs;
    private final String delSet;
    private final int[] delDirs;
    private final String mapSet;
    private final int[] mapDirs;
    private final int flags;
    private final long timeout;

    public SetTarget(String addSet, int[] addDirs, String delSet, int[] delDirs, String mapSet, int[] mapDirs,
                     int flags, long timeout) {
        this.addSet = addSet;
        this.addDirs = addDirs.clone();
        this.delSet = delSet;
        this.delDirs = delDirs.clone();
        this.mapSet = mapSet;
        this.mapDirs = mapDirs.clone();
        this.flags = flags;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "SET";
    }

    /** set_target_v3_checkentry(): mapping priority or queue needs a hook after routing */
    @Override
    public int hooks() {
        if (mapSet != null && (flags & (MAP_PRIO | MAP_QUEUE)) != 0) {
            return (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING);
        }
        return 0x1f;
    }

    @Override
    public boolean hooksAtEntry() {
        return true;
    }

    /** set_target_v3_checkentry(): --map-set only from the mangle table */
    @Override
    public java.util.Set<String> tables() {
        return mapSet != null ? java.util.Set.of("mangle") : null;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        if (addSet != null) {
            XtServices.IpSetView v = par.services.ipset(addSet);
            if (v != null) {
                v.add(skb, addDirs, timeout == NO_TIMEOUT ? -1 : timeout, (flags & EXIST) != 0);
            }
        }
        if (delSet != null) {
            XtServices.IpSetView v = par.services.ipset(delSet);
            if (v != null) {
                v.del(skb, delDirs);
            }
        }
        return Verdict.XT_CONTINUE;
    }

    private static void set(StringBuilder sb, String prefix, String name, int[] dirs) {
        if (name == null) {
            return;
        }
        sb.append(' ').append(prefix).append(' ').append(name);
        for (int i = 0; i < dirs.length; i++) {
            sb.append(i == 0 ? " " : ",").append(dirs[i] == 1 ? "src" : "dst");
        }
    }

    private void text(StringBuilder sb, String p) {
        set(sb, p + "add-set", addSet, addDirs);
        if ((flags & EXIST) != 0) {
            sb.append(' ').append(p).append("exist");
        }
        if (timeout != NO_TIMEOUT) {
            sb.append(' ').append(p).append("timeout ").append(timeout);
        }
        set(sb, p + "del-set", delSet, delDirs);
        set(sb, p + "map-set", mapSet, mapDirs);
        if ((flags & MAP_MARK) != 0) {
            sb.append(' ').append(p).append("map-mark");
        }
        if ((flags & MAP_PRIO) != 0) {
            sb.append(' ').append(p).append("map-prio");
        }
        if ((flags & MAP_QUEUE) != 0) {
            sb.append(' ').append(p).append("map-queue");
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        text(sb, "");
    }

    /** libxt_SET.c revision 3 (old option API: a set name and its src/dst flags as two words) */
    public static final class Parser extends ExtParser<Target> {
        private static final int F_ADD = 1;
        private static final int F_DEL = 2;
        private static final int F_EXIST = 4;
        private static final int F_TIMEOUT = 8;
        private static final int F_MAP = 16;
        private static final int F_MAP_MARK = 32;
        private static final int F_MAP_PRIO = 64;
        private static final int F_MAP_QUEUE = 128;
        private static final Opt[] OPTS = {
            Opt.arg("add-set", 1), Opt.arg("del-set", 2), Opt.flag("exist", 3), Opt.arg("timeout", 4),
            Opt.arg("map-set", 5), Opt.flag("map-mark", 6), Opt.flag("map-prio", 7), Opt.flag("map-queue", 8),
        };
        private final String[] names = new String[3];
        private final int[][] dirs = {new int[0], new int[0], new int[0]};
        private int seen;
        private int flags;
        private long timeout = NO_TIMEOUT;

        public Parser() {
            super("SET");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected boolean x6() {
            return false;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 1 -> {
                    set(0, "add-set", arg, ctx);
                    seen |= F_ADD;
                }
                case 2 -> {
                    set(1, "del-set", arg, ctx);
                    seen |= F_DEL;
                }
                case 3 -> {
                    flags |= EXIST;
                    seen |= F_EXIST;
                }
                case 4 -> {
                    long t = Xt.strtoui(arg, 0, 0xfffffffeL);
                    if (t < 0) {
                        throw XtError.param("Invalid value for option --timeout or out of range 0-4294967294");
                    }
                    timeout = t;
                    seen |= F_TIMEOUT;
                }
                case 5 -> {
                    set(2, "map-set", arg, ctx);
                    seen |= F_MAP;
                }
                case 6 -> {
                    flags |= MAP_MARK;
                    seen |= F_MAP_MARK;
                }
                case 7 -> {
                    flags |= MAP_PRIO;
                    seen |= F_MAP_PRIO;
                }
                default -> {
                    flags |= MAP_QUEUE;
                    seen |= F_MAP_QUEUE;
                }
            }
        }

        /** parse_target(): the set must exist now; "src,dst,..." follows as the next word */
        private void set(int which, String what, String arg, ParseContext ctx) {
            if (dirs[which].length > 0) {
                throw XtError.param("--" + what + " can be specified only once");
            }
            String d = ctx.peekArg();
            if (d == null || d.startsWith("-") || d.startsWith("!")) {
                throw XtError.param("--" + what + " requires two args.");
            }
            if (arg.length() > 31) {
                throw XtError.param("setname `" + arg + "' too long, max 31 characters.");
            }
            if (!ctx.ipsetExists(arg)) {
                throw XtError.param("Set " + arg + " doesn't exist.\n");
            }
            names[which] = arg;
            String[] parts = d.split(",", -1);
            if (parts.length > 6) {
                throw XtError.param("Can't be more src/dst options than 6.");
            }
            int[] ds = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].startsWith("src")) {
                    ds[i] = 1;
                } else if (!parts[i].startsWith("dst")) {
                    throw XtError.param("You must spefify (the comma separated list of) 'src' or 'dst'.");
                }
            }
            dirs[which] = ds;
            ctx.skipArg();
        }

        /** set_target_check_v3() */
        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((seen & (F_ADD | F_DEL | F_MAP)) == 0) {
                throw XtError.param("You must specify either `--add-set' or `--del-set' or `--map-set'");
            }
            if ((seen & F_ADD) == 0) {
                if ((seen & F_EXIST) != 0) {
                    throw XtError.param("Flag `--exist' can be used with `--add-set' only");
                }
                if ((seen & F_TIMEOUT) != 0) {
                    throw XtError.param("Option `--timeout' can be used with `--add-set' only");
                }
            }
            if ((seen & F_MAP) == 0) {
                if ((seen & F_MAP_MARK) != 0) {
                    throw XtError.param("Flag `--map-mark' can be used with `--map-set' only");
                }
                if ((seen & F_MAP_PRIO) != 0) {
                    throw XtError.param("Flag `--map-prio' can be used with `--map-set' only");
                }
                if ((seen & F_MAP_QUEUE) != 0) {
                    throw XtError.param("Flag `--map-queue' can be used with `--map-set' only");
                }
            }
            if ((seen & F_MAP) != 0 && (seen & (F_MAP_MARK | F_MAP_PRIO | F_MAP_QUEUE)) == 0) {
                throw XtError.param("You must specify flags `--map-mark' or '--map-prio` or `--map-queue'");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new SetTarget(names[0], dirs[0], names[1], dirs[1], names[2], dirs[2], flags, timeout);
        }
    }
}
