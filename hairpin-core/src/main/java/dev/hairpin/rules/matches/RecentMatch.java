package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.NetState;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code -m recent} revision 1 (xt_recent.c): named lists of addresses with the times they were
 * seen. A list is shared by every rule naming it in one network namespace (one
 * {@link dev.hairpin.rules.Ruleset}), lives while a rule uses it, and holds at most 100 addresses
 * (ip_list_tot), each with as many timestamps as the largest --hitcount rounded up to a power of
 * two (32 without one).
 */
public final class RecentMatch implements Match {
    public static final int CHECK = 1;
    public static final int SET = 2;
    public static final int UPDATE = 4;
    public static final int REMOVE = 8;
    public static final int TTL = 16;
    public static final int REAP = 32;
    public static final int SOURCE = 0;
    public static final int DEST = 1;

    /** XT_RECENT_MAX_NSTAMPS of Linux 6.x: --hitcount must stay below it */
    static final int MAX_NSTAMPS = 65536;

    /** the lists of one network namespace, by name, each with its count of rules using it */
    static final class Lists {
        private final Map<String, RecentTable> byName = new HashMap<>();

        /**
         * recent_mt_check(): the list of that name, made with this rule's mask if new; a rule
         * wanting more timestamps per address than the list keeps flushes it and widens it.
         */
        synchronized RecentTable acquire(String name, int mask, int hitCount) {
            // roundup_pow_of_two(hit_count), 32 without --hitcount
            int nstamps = hitCount > 0 ? Integer.highestOneBit(Math.max(1, hitCount - 1)) << (hitCount > 1 ? 1 : 0)
                    : 32;
            RecentTable t = byName.get(name);
            if (t == null) {
                t = new RecentTable(mask, nstamps);
                byName.put(name, t);
            } else if (nstamps > t.nstamps) {
                synchronized (t) {
                    t.flush(nstamps);
                }
            }
            t.refcnt++;
            return t;
        }

        /** recent_mt_destroy(): the last rule gone, the list goes */
        synchronized void release(String name) {
            RecentTable t = byName.get(name);
            if (t != null && --t.refcnt <= 0) {
                byName.remove(name);
            }
        }
    }

    private final int seconds;
    private final int hitCount;
    private final int checkSet;
    private final boolean invert;
    private final String listName;
    private final int side;
    private final int mask;
    /** --mask given: the kernel's mask is then 4 bytes of it and 12 zero bytes, else 16 bytes of ones */
    private final boolean maskGiven;
    /** the list, once the rule is installed (or first evaluated) */
    private volatile RecentTable table;

    public RecentMatch(int seconds, int hitCount, int checkSet, boolean invert, String name, int side, int mask) {
        this(seconds, hitCount, checkSet, invert, name, side, mask, false);
    }

    public RecentMatch(int seconds, int hitCount, int checkSet, boolean invert, String name, int side, int mask,
                       boolean maskGiven) {
        this.seconds = seconds;
        this.hitCount = hitCount;
        this.checkSet = checkSet;
        this.invert = invert;
        this.listName = name;
        this.side = side;
        this.mask = mask;
        this.maskGiven = maskGiven;
    }

    /** -C/-D compare the kernel's bytes: a given --mask 255.255.255.255 is not the default one (recorded) */
    @Override
    public void identity(StringBuilder sb) {
        if (maskGiven) {
            sb.append(" [recent mask given]");
        }
    }

    @Override
    public void attach(NetState ns) {
        table = ns.get("xt_recent", Lists::new).acquire(listName, mask, hitCount);
    }

    @Override
    public void detach(NetState ns) {
        ns.get("xt_recent", Lists::new).release(listName);
    }

    @Override
    public String name() {
        return "recent";
    }

    @Override
    public String checkEntry(dev.hairpin.rules.IptIp ip) {
        int ops = checkSet & (SET | REMOVE | CHECK | UPDATE);
        if (Integer.bitCount(ops) != 1) {
            return "recent: exactly one of --set, --rcheck, --update, --remove";
        }
        if ((checkSet & (SET | REMOVE)) != 0 && (seconds != 0 || hitCount != 0 || (checkSet & (TTL | REAP)) != 0)) {
            return "recent: --seconds/--hitcount/--rttl/--reap only with --rcheck or --update";
        }
        if ((checkSet & REAP) != 0 && seconds == 0) {
            return "recent: --reap needs --seconds";
        }
        if (Integer.toUnsignedLong(hitCount) >= MAX_NSTAMPS) {
            return "hitcount (" + Integer.toUnsignedString(hitCount) + ") is larger than allowed maximum ("
                    + (MAX_NSTAMPS - 1) + ")";
        }
        return null;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        RecentTable table = this.table;
        if (table == null) {
            // evaluated without having been installed in a ruleset
            attach(NetState.GLOBAL);
            table = this.table;
        }
        int addr = (side == DEST ? skb.daddr() : skb.saddr()) & table.mask;
        int ttl = Ipv4.ttl(skb.buf, skb.l3);
        if (par.out != null) {
            // the TTL as seen before forwarding decremented it
            ttl = ttl + 1 & 0xff;
        }
        long now = par.services.nowNanos();
        boolean ret = invert;
        synchronized (table) {
            RecentTable.Entry e = table.lookup(addr, (checkSet & TTL) != 0 ? ttl : 0);
            if (e == null) {
                if ((checkSet & SET) == 0) {
                    return ret;
                }
                table.init(addr, ttl, now);
                return !ret;
            }
            if ((checkSet & SET) != 0) {
                ret = !ret;
            } else if ((checkSet & REMOVE) != 0) {
                table.remove(e);
                return !ret;
            } else if ((checkSet & (CHECK | UPDATE)) != 0) {
                long time = now - seconds * 1_000_000_000L;
                int hits = 0;
                for (int k = 0; k < e.nstamps; k++) {
                    // time_after(time, stamp)
                    if (seconds != 0 && time - e.stamps[k] > 0) {
                        continue;
                    }
                    if (hitCount == 0 || ++hits >= hitCount) {
                        ret = !ret;
                        break;
                    }
                }
                if ((checkSet & REAP) != 0) {
                    boolean update = (checkSet & UPDATE) != 0 && ret;
                    table.reap(time, e, update);
                    if (!update && e.lruNext == null) {
                        // reaped: nothing left to update
                        return ret;
                    }
                }
            }
            if ((checkSet & SET) != 0 || ((checkSet & UPDATE) != 0 && ret)) {
                table.update(e, now);
                e.ttl = ttl;
            }
        }
        return ret;
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        if ((checkSet & SET) != 0) {
            sb.append(" --set");
        }
        if ((checkSet & CHECK) != 0) {
            sb.append(" --rcheck");
        }
        if ((checkSet & UPDATE) != 0) {
            sb.append(" --update");
        }
        if ((checkSet & REMOVE) != 0) {
            sb.append(" --remove");
        }
        if (seconds != 0) {
            sb.append(" --seconds ").append(seconds);
        }
        if ((checkSet & REAP) != 0) {
            sb.append(" --reap");
        }
        if (hitCount != 0) {
            sb.append(" --hitcount ").append(hitCount);
        }
        if ((checkSet & TTL) != 0) {
            sb.append(" --rttl");
        }
        sb.append(" --name ").append(listName);
        sb.append(" --mask ").append(Xt.ipToString(mask));
        sb.append(side == SOURCE ? " --rsource" : " --rdest");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(" recent:");
        if ((checkSet & SET) != 0) {
            sb.append(" SET");
        }
        if ((checkSet & CHECK) != 0) {
            sb.append(" CHECK");
        }
        if ((checkSet & UPDATE) != 0) {
            sb.append(" UPDATE");
        }
        if ((checkSet & REMOVE) != 0) {
            sb.append(" REMOVE");
        }
        if (seconds != 0) {
            sb.append(" seconds: ").append(seconds);
        }
        if ((checkSet & REAP) != 0) {
            sb.append(" reap");
        }
        if (hitCount != 0) {
            sb.append(" hit_count: ").append(hitCount);
        }
        if ((checkSet & TTL) != 0) {
            sb.append(" TTL-Match");
        }
        sb.append(" name: ").append(listName);
        sb.append(side == SOURCE ? " side: source" : " side: dest");
        sb.append(" mask: ").append(Xt.ipToString(mask));
    }

    /** libxt_recent.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final int ANY_OP = 0xf;
        private static final Opt[] OPTS = {
            Opt.flag("set", 0, Opt.INVERT).excl(ANY_OP), Opt.flag("rcheck", 1, Opt.INVERT).excl(ANY_OP),
            Opt.flag("update", 2, Opt.INVERT).excl(ANY_OP), Opt.flag("remove", 3, Opt.INVERT).excl(ANY_OP),
            Opt.arg("seconds", 4), Opt.flag("reap", 5).also(1 << 4), Opt.arg("hitcount", 6),
            Opt.flag("rttl", 7).excl(1 | 1 << 3), Opt.arg("name", 8), Opt.flag("rsource", 9), Opt.flag("rdest", 10),
            Opt.arg("mask", 11),
        };
        private int seconds;
        private int hitCount;
        private int checkSet;
        private boolean invert;
        private String name = "DEFAULT";
        private int side = SOURCE;
        private int mask = -1;
        private boolean maskGiven;

        public Parser() {
            super("recent");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> op(SET, inv);
                case 1 -> op(CHECK, inv);
                case 2 -> op(UPDATE, inv);
                case 3 -> op(REMOVE, inv);
                case 4 -> seconds = (int) Xt.parseInt(extName, o.name(), arg, 1, 0xffffffffL);
                case 5 -> checkSet |= REAP;
                case 6 -> hitCount = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 7 -> checkSet |= TTL;
                case 8 -> name = Xt.cstr(arg, 199);
                case 9 -> side = SOURCE;
                case 10 -> side = DEST;
                default -> {
                    mask = Xt.parseHost(arg);
                    maskGiven = true;
                }
            }
        }

        private void op(int flag, boolean inv) {
            checkSet |= flag;
            if (inv) {
                invert = true;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & ANY_OP) == 0) {
                throw XtError.param("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new RecentMatch(seconds, hitCount, checkSet, invert, name, side, mask, maskGiven);
        }
    }
}
