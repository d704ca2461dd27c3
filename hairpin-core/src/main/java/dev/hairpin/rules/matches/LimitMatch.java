package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m limit} (libxt_limit.c). iptables-nft 1.8.9 does not load xt_limit: it turns the match
 * into nf_tables' native {@code limit} expression (rate per second/minute/hour/day and a burst,
 * see add_nft_limit()), so this evaluates as nft_limit does: a token bucket in nanoseconds,
 * {@code cost = unit / rate}, capacity {@code cost * burst}, full at start.
 */
public final class LimitMatch implements Match {
    public static final int SCALE = 10000;
    private static final long[] MULT = {SCALE * 24L * 60 * 60, SCALE * 60L * 60, SCALE * 60L, SCALE};
    private static final String[] UNIT = {"day", "hour", "min", "sec"};

    /** xt_rateinfo.avg: seconds per packet, scaled by 10000 */
    private final long avg;
    private final int burst;
    private final long costNs;
    private final long tokensMax;
    private long tokens;
    private long last = Long.MIN_VALUE;

    public LimitMatch(long avg, int burst) {
        this.avg = avg;
        this.burst = burst;
        // add_nft_limit(): pick the unit, then rate = mult/avg per unit
        int i;
        for (i = 1; i < MULT.length; i++) {
            if (avg > MULT[i] || MULT[i] / avg < MULT[i] % avg) {
                break;
            }
        }
        long rate = Math.max(1, MULT[i - 1] / avg);
        long unitSeconds = MULT[i - 1] / SCALE;
        this.costNs = unitSeconds * 1_000_000_000L / rate;
        this.tokensMax = costNs * Math.max(burst, 1);
        this.tokens = tokensMax;
    }

    /** nft_limit stores a packet burst of 0 as its default, 5 (recorded: -C then misses it) */
    @Override
    public Match stored() {
        return burst == 0 ? new LimitMatch(avg, 5) : this;
    }

    @Override
    public String name() {
        return "limit";
    }

    /** a replaced rule gets a new nft_limit expression: the bucket starts full */
    @Override
    public synchronized void restart() {
        tokens = tokensMax;
        last = Long.MIN_VALUE;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        long now = par.services.nowNanos();
        synchronized (this) {
            if (last == Long.MIN_VALUE) {
                last = now;
            }
            long t = tokens + now - last;
            if (t > tokensMax || t < 0) {
                t = tokensMax;
            }
            last = now;
            long delta = t - costNs;
            if (delta >= 0) {
                tokens = delta;
                return true;
            }
            tokens = t;
            return false;
        }
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --limit");
        rate(sb, avg);
        if (burst != 5) {
            sb.append(" --limit-burst ").append(burst);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" limit: avg");
        rate(sb, avg);
        sb.append(" burst ").append(burst);
    }

    /** print_rate(): the largest unit that shows the rate without losing much */
    static void rate(StringBuilder sb, long period) {
        if (period == 0) {
            sb.append(" inf");
            return;
        }
        int i;
        for (i = 1; i < MULT.length; i++) {
            if (period > MULT[i] || MULT[i] / period < MULT[i] % period) {
                break;
            }
        }
        sb.append(' ').append(MULT[i - 1] / period).append('/').append(UNIT[i - 1]);
    }

    /** parse_rate(): "n[/second|minute|hour|day]" (any prefix of the unit); 0 when bad */
    static long parseRate(String rate) {
        int slash = rate.indexOf('/');
        long mult = 1;
        if (slash >= 0) {
            String u = rate.substring(slash + 1);
            if (u.isEmpty()) {
                return 0;
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
                return 0;
            }
        }
        long r = atoi(rate);
        if (r == 0) {
            return 0;
        }
        long val = ((SCALE * mult) & 0xffffffffL) / (r & 0xffffffffL);
        if (val == 0) {
            throw XtError.param("Rate too fast \"" + rate + "\"");
        }
        return val;
    }

    private static boolean prefix(String w, String full) {
        return w.length() <= full.length() && full.regionMatches(true, 0, w, 0, w.length());
    }

    /** C atoi(): optional blanks and sign, then digits */
    static long atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
            if (v > Integer.MAX_VALUE) {
                break;
            }
        }
        return (int) (neg ? -v : v);
    }

    /** libxt_limit.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("limit", 0), Opt.arg("limit-burst", 1)};
        private long avg = SCALE * 3600L / 3;
        private int burst = 5;

        public Parser() {
            super("limit");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            if (o.id() == 0) {
                long v = parseRate(arg);
                if (v == 0) {
                    throw XtError.param("bad rate \"" + arg + "\"'");
                }
                avg = v;
            } else {
                burst = (int) Xt.parseInt(extName, o.name(), arg, 0, 10000);
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new LimitMatch(avg, burst);
        }
    }
}
