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


/**
 * {@code -m hashlimit} revision 3 (xt_hashlimit.c, libxt_hashlimit.c): one token bucket per
 * flow key (masked source/destination address and ports, as --hashlimit-mode says), or with
 * --hashlimit-rate-match a rate per interval. The flows live in the named table of the host
 * ({@link HashlimitTable}, shared by rules of the same name) and expire after
 * --hashlimit-htable-expire milliseconds idle; credits are counted in jiffies of a HZ=250 kernel,
 * as the kernel's are.
 */
public final class HashlimitMatch implements Match {
    public static final int HASH_DIP = 1;
    public static final int HASH_DPT = 1 << 1;
    public static final int HASH_SIP = 1 << 2;
    public static final int HASH_SPT = 1 << 3;
    public static final int INVERT = 1 << 4;
    public static final int BYTES = 1 << 5;
    public static final int RATE_MATCH = 1 << 6;

    static final long SCALE_V2 = 1_000_000L;
    static final int GCINTERVAL = 1000;
    static final int BYTE_SHIFT = 4;
    private static final long HZ = 250;
    /** CREDITS_PER_JIFFY of the 64-bit revisions: POW2_BELOW64(2^64 / (HZ * 86400)) */
    private static final long CREDITS_PER_JIFFY = Long.highestOneBit(Long.divideUnsigned(-1L, HZ * 86400));
    /** CREDITS_PER_JIFFY_BYTES: POW2_BELOW32(0xFFFFFFFF / HZ) */
    private static final long CREDITS_PER_JIFFY_BYTES = Long.highestOneBit(0xffffffffL / HZ);

    /** struct hashlimit_cfg3 */
    public record Cfg(int mode, long avg, long burst, int size, int max, int gcInterval, int expire, int srcmask,
                      int dstmask, int interval) {}

    private final Cfg cfg;
    private final String hname;
    /** the htable of --hashlimit-name, once the rule is installed (or first evaluated) */
    private volatile HashlimitTable ht;

    public HashlimitMatch(Cfg cfg, String name) {
        this.cfg = cfg;
        this.hname = name;
    }

    @Override
    public String name() {
        return "hashlimit";
    }

    @Override
    public void attach(NetState ns) {
        ht = ns.get("xt_hashlimit", HashlimitTable.Registry::new).acquire(hname, cfg);
    }

    @Override
    public void detach(NetState ns) {
        ns.get("xt_hashlimit", HashlimitTable.Registry::new).release(hname);
    }

    /**
     * hashlimit_mt_check_common(): a gc interval or expiry of 0, or an IPv4 mask longer than 32
     * (a mask that was not contiguous) is -EINVAL; a burst the credit arithmetic would overflow is -ERANGE
     */
    @Override
    public dev.hairpin.rules.RuleCheckException.Refusal refusal() {
        if (cfg.gcInterval() == 0 || cfg.expire() == 0) {
            return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.EINVAL,
                    "gc interval or expire of 0");
        }
        if (cfg.srcmask() > 32 || cfg.dstmask() > 32) {
            return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.EINVAL,
                    "mask longer than 32");
        }
        if ((cfg.mode() & BYTES) == 0 && (cfg.burst() == 0
                || Long.compareUnsigned(user2credits(cfg.avg() * cfg.burst()), user2credits(cfg.avg())) < 0)) {
            return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.ERANGE,
                    "overflow, try lower: " + cfg.avg() + "/" + cfg.burst());
        }
        return null;
    }

    /** user2credits() of revision 3: the constant operands divided first, as the kernel does */
    static long user2credits(long user) {
        long hzCpj = HZ * CREDITS_PER_JIFFY;
        if (Long.compareUnsigned(SCALE_V2, hzCpj) >= 0) {
            return Long.divideUnsigned(user, Long.divideUnsigned(SCALE_V2, hzCpj));
        }
        return user * Long.divideUnsigned(hzCpj, SCALE_V2);
    }

    /** user2credits_byte() */
    static long user2creditsByte(long user) {
        return (user & 0xffffffffL) * HZ * CREDITS_PER_JIFFY_BYTES >>> 32 & 0xffffffffL;
    }

    /** hashlimit_init_dst() for IPv4, folded into one long: the fields the table's mode hashes */
    private static long key(HashlimitTable t, Skb skb) {
        Cfg c = t.cfg;
        long k = 0;
        if ((c.mode() & HASH_SIP) != 0) {
            k = maskl(skb.saddr(), c.srcmask()) & 0xffffffffL;
        }
        if ((c.mode() & HASH_DIP) != 0) {
            k = k << 32 ^ (maskl(skb.daddr(), c.dstmask()) & 0xffffffffL);
        }
        if ((c.mode() & (HASH_SPT | HASH_DPT)) != 0) {
            int p = Ipv4.protocol(skb.buf, skb.l3);
            // proto_ports_offset(): ports of TCP, UDP, UDP-Lite, SCTP, DCCP; none for others
            boolean ports = p == 6 || p == 17 || p == 132 || p == 33 || p == 136;
            if (ports && skb.l4 + 4 > skb.l3 + skb.len) {
                return Long.MIN_VALUE;
            }
            int sp = ports && (c.mode() & HASH_SPT) != 0 ? Ipv4.u16(skb.buf, skb.l4) : 0;
            int dp = ports && (c.mode() & HASH_DPT) != 0 ? Ipv4.u16(skb.buf, skb.l4 + 2) : 0;
            k = k * 31 + ((long) sp << 16 | dp) * 1_000_003L;
        }
        return k;
    }

    private static int maskl(int a, int l) {
        return l == 0 ? 0 : a & -1 << (32 - l);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        HashlimitTable t = ht;
        if (t == null) {
            // evaluated without having been installed in a ruleset
            attach(NetState.GLOBAL);
            t = ht;
        }
        long now = par.services.nowNanos() / (1_000_000_000L / HZ);
        Cfg hc = t.cfg;
        long k = key(t, skb);
        if (k == Long.MIN_VALUE) {
            // the ports could not be read
            par.hotdrop = true;
            return false;
        }
        synchronized (t) {
            t.gc(now, HZ);
            long[] dh = t.get(k);
            if (dh == null) {
                if (Integer.toUnsignedLong(t.size()) >= Integer.toUnsignedLong(t.max)) {
                    // dsthash_alloc_init(): "max count of N reached", and the packet is dropped
                    par.hotdrop = true;
                    return false;
                }
                dh = new long[HashlimitTable.FIELDS];
                t.put(k, dh);
                dh[HashlimitTable.EXPIRES] = now + hc.expire() * HZ / 1000;
                init(dh, hc, now);
            } else {
                dh[HashlimitTable.EXPIRES] = now + hc.expire() * HZ / 1000;
                recalc(dh, now, hc.mode());
            }
            if ((cfg.mode() & RATE_MATCH) != 0) {
                long cost = (cfg.mode() & BYTES) != 0 ? skb.len : 1;
                dh[HashlimitTable.CURRENT_RATE] += cost;
                if (dh[HashlimitTable.PREV_WINDOW] == 0
                        && Long.compareUnsigned(dh[HashlimitTable.CURRENT_RATE], dh[HashlimitTable.BURST]) <= 0) {
                    return (cfg.mode() & INVERT) == 0;
                }
                return (cfg.mode() & INVERT) != 0;
            }
            long cost = (cfg.mode() & BYTES) != 0 ? byteCost(skb.len, dh) : dh[HashlimitTable.COST];
            if (Long.compareUnsigned(dh[HashlimitTable.CREDIT], cost) >= 0) {
                dh[HashlimitTable.CREDIT] -= cost;
                return (cfg.mode() & INVERT) == 0;
            }
            return (cfg.mode() & INVERT) != 0;
        }
    }

    /** rateinfo_init(), with the table's configuration */
    private static void init(long[] dh, Cfg c, long now) {
        dh[HashlimitTable.PREV] = now;
        if ((c.mode() & RATE_MATCH) != 0) {
            if ((c.mode() & BYTES) != 0) {
                long r = c.avg() & 0xffffffffL;
                long rate = ((r != 0 ? 0xffffffffL / r : 0xffffffffL) - 1) << BYTE_SHIFT;
                dh[HashlimitTable.RATE] = rate;
                dh[HashlimitTable.BURST] = c.burst() != 0 ? c.burst() * rate : rate;
            } else {
                long rate = c.avg() != 0 ? Long.divideUnsigned(SCALE_V2, c.avg()) : 0;
                dh[HashlimitTable.RATE] = rate;
                dh[HashlimitTable.BURST] = c.burst() + rate;
            }
            dh[HashlimitTable.INTERVAL] = c.interval() & 0xffffffffL;
        } else if ((c.mode() & BYTES) != 0) {
            dh[HashlimitTable.CREDIT] = CREDITS_PER_JIFFY_BYTES * HZ;
            dh[HashlimitTable.COST] = user2creditsByte(c.avg());
            dh[HashlimitTable.CREDIT_CAP] = c.burst();
        } else {
            dh[HashlimitTable.CREDIT] = user2credits(c.avg() * c.burst());
            dh[HashlimitTable.COST] = user2credits(c.avg());
            dh[HashlimitTable.CREDIT_CAP] = dh[HashlimitTable.CREDIT];
        }
    }

    /** rateinfo_recalc() */
    private static void recalc(long[] dh, long now, int mode) {
        long delta = now - dh[HashlimitTable.PREV];
        if (delta == 0) {
            return;
        }
        if ((mode & RATE_MATCH) != 0) {
            long interval = dh[HashlimitTable.INTERVAL] * HZ;
            if (Long.compareUnsigned(delta, interval) < 0) {
                return;
            }
            dh[HashlimitTable.PREV] = now;
            dh[HashlimitTable.PREV_WINDOW] = Long.compareUnsigned(dh[HashlimitTable.CURRENT_RATE] * interval,
                    delta * dh[HashlimitTable.RATE]) > 0 ? 1 : 0;
            dh[HashlimitTable.CURRENT_RATE] = 0;
            return;
        }
        dh[HashlimitTable.PREV] = now;
        long cap;
        if ((mode & BYTES) != 0) {
            long tmp = dh[HashlimitTable.CREDIT];
            dh[HashlimitTable.CREDIT] += CREDITS_PER_JIFFY_BYTES * delta;
            cap = CREDITS_PER_JIFFY_BYTES * HZ;
            if (Long.compareUnsigned(tmp, dh[HashlimitTable.CREDIT]) >= 0) {
                dh[HashlimitTable.CREDIT] = cap;
                return;
            }
        } else {
            dh[HashlimitTable.CREDIT] += delta * CREDITS_PER_JIFFY;
            cap = dh[HashlimitTable.CREDIT_CAP];
        }
        if (Long.compareUnsigned(dh[HashlimitTable.CREDIT], cap) > 0) {
            dh[HashlimitTable.CREDIT] = cap;
        }
    }

    /** hashlimit_byte_cost(): 16-byte chunks times the cost, a refill from credit_cap when short */
    private static long byteCost(int len, long[] dh) {
        long tmp = ((len & 0xffffffffL) >>> BYTE_SHIFT) + 1;
        tmp = tmp * dh[HashlimitTable.COST];
        if (Long.compareUnsigned(tmp, CREDITS_PER_JIFFY_BYTES * HZ) > 0) {
            tmp = CREDITS_PER_JIFFY_BYTES * HZ;
        }
        if (Long.compareUnsigned(dh[HashlimitTable.CREDIT], tmp) < 0 && dh[HashlimitTable.CREDIT_CAP] != 0) {
            dh[HashlimitTable.CREDIT_CAP]--;
            dh[HashlimitTable.CREDIT] = CREDITS_PER_JIFFY_BYTES * HZ;
        }
        return tmp & 0xffffffffL;
    }

    // ---------------------------------------------------------------- printing

    static long costToBytes(long cost) {
        long r = cost != 0 ? 0xffffffffL / cost : 0xffffffffL;
        return (r - 1) << BYTE_SHIFT;
    }

    static long bytesToCost(long bytes) {
        long r = (bytes >>> BYTE_SHIFT) & 0xffffffffL;
        return 0xffffffffL / (r + 1);
    }

    private static final String[] RATE_NAMES = {"day", "hour", "min", "sec"};
    private static final long[] RATE_MULT = {SCALE_V2 * 86400, SCALE_V2 * 3600, SCALE_V2 * 60, SCALE_V2};

    /** print_rate(): returns the quantum in ms */
    private static long rate(StringBuilder sb, long period) {
        if (period == 0) {
            sb.append(" inf");
            return 0;
        }
        int i;
        for (i = 1; i < RATE_MULT.length; i++) {
            if (period > RATE_MULT[i] || RATE_MULT[i] / period < RATE_MULT[i] % period) {
                break;
            }
        }
        sb.append(' ').append(RATE_MULT[i - 1] / period).append('/').append(RATE_NAMES[i - 1]);
        return RATE_MULT[i - 1] / SCALE_V2 * 1000;
    }

    private static final String[] UNIT_NAMES = {"m", "k", ""};
    private static final long[] UNIT_THRESH = {1024 * 1024, 1024, 1};

    /** print_bytes(): returns the quantum in ms */
    private static long bytes(StringBuilder sb, long avg, long burst, String prefix) {
        long r = costToBytes(avg);
        int i;
        for (i = 0; i < UNIT_THRESH.length - 1; i++) {
            if (r >= UNIT_THRESH[i] && bytesToCost(r & ~(UNIT_THRESH[i] - 1)) == avg) {
                break;
            }
        }
        sb.append(' ').append(r / UNIT_THRESH[i]).append(UNIT_NAMES[i]).append("b/s");
        if (burst == 0) {
            return 15 * 1000;
        }
        r *= burst;
        sb.append(' ').append(prefix);
        for (i = 0; i < UNIT_THRESH.length - 1; i++) {
            if (r >= UNIT_THRESH[i]) {
                break;
            }
        }
        sb.append("burst ").append(r / UNIT_THRESH[i]).append(UNIT_NAMES[i]).append('b');
        return 60 * 1000;
    }

    private static void mode(StringBuilder sb, int mode, char sep) {
        sb.append(' ');
        boolean prev = false;
        String[] names = {"srcip", "srcport", "dstip", "dstport"};
        int[] bits = {HASH_SIP, HASH_SPT, HASH_DIP, HASH_DPT};
        for (int i = 0; i < 4; i++) {
            if ((mode & bits[i]) != 0) {
                if (prev) {
                    sb.append(sep);
                }
                sb.append(names[i]);
                prev = true;
            }
        }
    }

    private static final int MODE_ANY = HASH_SIP | HASH_SPT | HASH_DIP | HASH_DPT;

    @Override
    public void save(StringBuilder sb) {
        sb.append((cfg.mode() & INVERT) != 0 ? " --hashlimit-above" : " --hashlimit-upto");
        long quantum;
        if ((cfg.mode() & BYTES) != 0) {
            quantum = bytes(sb, cfg.avg(), cfg.burst(), "--hashlimit-");
        } else {
            quantum = rate(sb, cfg.avg());
            sb.append(" --hashlimit-burst ").append(Long.toUnsignedString(cfg.burst()));
        }
        if ((cfg.mode() & MODE_ANY) != 0) {
            sb.append(" --hashlimit-mode");
            mode(sb, cfg.mode(), ',');
        }
        sb.append(" --hashlimit-name ").append(hname);
        tail(sb, quantum, "--hashlimit-", "--hashlimit-");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append((cfg.mode() & INVERT) != 0 ? " limit: above" : " limit: up to");
        long quantum;
        if ((cfg.mode() & BYTES) != 0) {
            quantum = bytes(sb, cfg.avg(), cfg.burst(), "");
        } else {
            long period = cfg.avg();
            if (cfg.interval() != 0) {
                period *= cfg.interval();
            }
            quantum = rate(sb, period);
            sb.append(" burst ").append(Long.toUnsignedString(cfg.burst()));
        }
        if ((cfg.mode() & MODE_ANY) != 0) {
            sb.append(" mode");
            mode(sb, cfg.mode(), '-');
        }
        tail(sb, quantum, "", "");
    }

    private void tail(StringBuilder sb, long quantum, String p, String q) {
        if (cfg.size() != 0) {
            sb.append(' ').append(p).append("htable-size ").append(Integer.toUnsignedString(cfg.size()));
        }
        if (cfg.max() != 0) {
            sb.append(' ').append(p).append("htable-max ").append(Integer.toUnsignedString(cfg.max()));
        }
        if (cfg.gcInterval() != GCINTERVAL) {
            sb.append(' ').append(p).append("htable-gcinterval ").append(Integer.toUnsignedString(cfg.gcInterval()));
        }
        if (Integer.toUnsignedLong(cfg.expire()) != quantum) {
            sb.append(' ').append(p).append("htable-expire ").append(Integer.toUnsignedString(cfg.expire()));
        }
        if (cfg.srcmask() != 32) {
            sb.append(' ').append(q).append("srcmask ").append(cfg.srcmask());
        }
        if (cfg.dstmask() != 32) {
            sb.append(' ').append(q).append("dstmask ").append(cfg.dstmask());
        }
        if ((cfg.mode() & RATE_MATCH) != 0) {
            sb.append(' ').append(p).append("rate-match");
            if (cfg.interval() != 1) {
                sb.append(' ').append(p).append("rate-interval ").append(cfg.interval());
            }
        }
    }

    /** libxt_hashlimit.c revision 3 */
    public static final class Parser extends ExtParser<Match> {
        private static final int F_UPTO = 1;
        private static final int F_ABOVE = 1 << 1;
        private static final Opt[] OPTS = {
            Opt.arg("hashlimit-upto", 0, Opt.INVERT).excl(F_ABOVE), Opt.arg("hashlimit-above", 1, Opt.INVERT).excl(F_UPTO),
            Opt.arg("hashlimit", 0, Opt.INVERT).excl(F_ABOVE), Opt.arg("hashlimit-srcmask", 2),
            Opt.arg("hashlimit-dstmask", 3), Opt.arg("hashlimit-burst", 4), Opt.arg("hashlimit-htable-size", 5),
            Opt.arg("hashlimit-htable-max", 6), Opt.arg("hashlimit-htable-gcinterval", 7),
            Opt.arg("hashlimit-htable-expire", 8), Opt.arg("hashlimit-mode", 9), Opt.arg("hashlimit-name", 10, Opt.MAND),
            Opt.flag("hashlimit-rate-match", 11), Opt.arg("hashlimit-rate-interval", 12),
        };
        private int mode;
        private long avg;
        private long burst = 5;
        private int size;
        private int max;
        private int gcInterval = GCINTERVAL;
        private int expire;
        private int srcmask = 32;
        private int dstmask = 32;
        private int interval;
        private long mult = 1;
        private String name = "";

        public Parser() {
            super("hashlimit");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 4 -> burst = burst(arg);
                case 0, 1 -> {
                    boolean above = o.id() == 1;
                    if (above != invert) {
                        mode |= INVERT;
                    }
                    if (parseBytes(arg)) {
                        mode |= BYTES;
                    } else if (!parseRate(arg)) {
                        throw XtError.param("hashlimit: Bad value for \"" + (above ? "--hashlimit-above"
                                : "--hashlimit-upto") + "\" option: \"" + arg + "\"");
                    }
                }
                case 9 -> {
                    for (String tok : arg.split("[,|]")) {
                        if (tok.isEmpty()) {
                            continue;
                        }
                        switch (tok) {
                            case "dstip" -> mode |= HASH_DIP;
                            case "srcip" -> mode |= HASH_SIP;
                            case "srcport" -> mode |= HASH_SPT;
                            case "dstport" -> mode |= HASH_DPT;
                            default -> throw XtError.param("hashlimit: Bad value for \"--hashlimit-mode\" option: \""
                                    + arg + "\"");
                        }
                    }
                }
                case 2, 3 -> {
                    // a mask that is not contiguous is stored as 255, which checkentry refuses
                    int v = Xt.parsePlen(extName, o.name(), arg) & 0xff;
                    if (o.id() == 2) {
                        srcmask = (int) v;
                    } else {
                        dstmask = (int) v;
                    }
                }
                case 5 -> size = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 6 -> max = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 7 -> gcInterval = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 8 -> expire = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 10 -> {
                    if (arg.isEmpty()) {
                        throw XtError.param("Argument must have a minimum length of 1 characters\n");
                    }
                    name = Xt.cstr(arg, 254);
                }
                case 11 -> mode |= RATE_MATCH;
                default -> {
                    long v = LimitMatch.atoi(arg);
                    if (v <= 0) {
                        throw XtError.param("hashlimit: Bad value for \"--hashlimit-rate-interval\" option: \""
                                + arg + "\"");
                    }
                    interval = (int) v;
                }
            }
        }

        private static long burst(String arg) {
            Xt.Num n = Xt.strtoulPrefix(arg, 0, 1, 0);
            if (n == null || (n.end() == arg.length() && n.value() > 1_000_000)) {
                throw XtError.param("bad value for option \"--hashlimit-burst\", or out of range (1-1000000).");
            }
            long v = n.value();
            char f = n.end() < arg.length() ? arg.charAt(n.end()) : 0;
            return v * (f == 'm' ? 1024 * 1024 : f == 'k' ? 1024 : 1);
        }

        private boolean parseBytes(String rate) {
            int b = rate.indexOf("b/s");
            if (b <= 0) {
                return false;
            }
            long r = LimitMatch.atoi(rate);
            if (r == 0) {
                return false;
            }
            char f = rate.charAt(b - 1);
            long tmp = r * (f == 'm' ? 1024 * 1024 : f == 'k' ? 1024 : 1);
            tmp = bytesToCost(tmp);
            if (tmp == 0) {
                throw XtError.param("Rate too high \"" + rate + "\"");
            }
            mult = 15;
            avg = tmp;
            return true;
        }

        private boolean parseRate(String rate) {
            mult = 1;
            int slash = rate.indexOf('/');
            if (slash >= 0) {
                String u = rate.substring(slash + 1);
                if (u.isEmpty()) {
                    return false;
                }
                if (prefix(u, "second")) {
                    mult = 1;
                } else if (prefix(u, "minute")) {
                    mult = 60;
                } else if (prefix(u, "hour")) {
                    mult = 3600;
                } else if (prefix(u, "day")) {
                    mult = 86400;
                } else {
                    return false;
                }
            }
            long r = LimitMatch.atoi(rate);
            if (r == 0) {
                return false;
            }
            long tmp = SCALE_V2 * mult / r;
            if (tmp == 0) {
                throw XtError.param("Rate too fast \"" + rate + "\"");
            }
            avg = tmp;
            return true;
        }

        private static boolean prefix(String w, String full) {
            return w.length() <= full.length() && full.regionMatches(true, 0, w, 0, w.length());
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & (F_UPTO | F_ABOVE)) == 0) {
                throw XtError.param("You have to specify --hashlimit");
            }
            if (!seen(8)) {
                expire = (int) (mult * 1000);
            }
            if ((mode & BYTES) != 0) {
                long b = 0;
                if (seen(4)) {
                    long per = costToBytes(avg);
                    if (burst < per) {
                        throw XtError.param("burst cannot be smaller than " + per + "b");
                    }
                    b = burst / per;
                    if (burst % per != 0) {
                        b++;
                    }
                    if (!seen(8)) {
                        expire = 60 * 1000;
                    }
                }
                burst = b;
            } else if (burst > 1_000_000) {
                throw XtError.param("bad value for option \"--hashlimit-burst\", or out of range (1-1000000).");
            }
            if (seen(11)) {
                if ((mode & BYTES) == 0) {
                    avg /= mult;
                }
                if (interval == 0) {
                    interval = (mode & BYTES) != 0 ? 1 : (int) mult;
                }
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new HashlimitMatch(new Cfg(mode, avg, burst, size, max, gcInterval, expire, srcmask, dstmask,
                    interval), name);
        }
    }
}
