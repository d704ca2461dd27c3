package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code -m statistic} (xt_statistic.c, libxt_statistic.c). Random mode keeps the probability as
 * the kernel does, {@code lround(p * 2^31)}, and matches when {@code (random32 & 0x7FFFFFFF)} is
 * below it. Nth mode keeps one counter per rule, started at {@code every - packet} (every already
 * decremented) and advanced by every packet that reaches this match: when it wraps to 0 the
 * packet matches, so the (packet+1)-th packet matches and every n-th after it.
 */
public final class StatisticMatch implements Match {
    public static final int MODE_RANDOM = 0;
    public static final int MODE_NTH = 1;

    private final int mode;
    private final boolean invert;
    /** random: lround(p * 0x80000000) */
    private final int probability;
    /** nth: n - 1 */
    private final int every;
    private final int packet;
    /** xt_statistic_priv.count, shared by all CPUs */
    private final AtomicInteger count;

    public StatisticMatch(int mode, boolean invert, int probability, int every, int packet) {
        this.mode = mode;
        this.invert = invert;
        this.probability = probability;
        this.every = every;
        this.packet = packet;
        this.count = new AtomicInteger(every - packet);
    }

    /** whether the match is inverted ({@code ! --probability}) */
    public boolean inverted() {
        return invert;
    }

    /** the random mode's probability as the kernel keeps it, lround(p * 2^31) (unsigned) */
    public int probability() {
        return probability;
    }

    public boolean randomMode() {
        return mode == MODE_RANDOM;
    }

    /** the nth counter (for tests and listings of state) */
    public int nthCount() {
        return count.get();
    }

    @Override
    public void restart() {
        count.set(every - packet);
    }

    /** puts back a saved nth counter (a lab state reloading the same rules) */
    public void setNthCount(int v) {
        count.set(v);
    }

    @Override
    public String name() {
        return "statistic";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        boolean ret = invert;
        if (mode == MODE_RANDOM) {
            if (par.services.randomDraw(this, skb, probability)) {
                ret = !ret;
            }
        } else {
            int oval;
            int nval;
            do {
                oval = count.get();
                nval = oval == every ? 0 : oval + 1;
            } while (!count.compareAndSet(oval, nval));
            if (nval == 0) {
                ret = !ret;
            }
        }
        return ret;
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" statistic");
        text(sb, "");
    }

    private void text(StringBuilder sb, String prefix) {
        if (mode == MODE_RANDOM) {
            sb.append(' ').append(prefix).append("mode random").append(invert ? " !" : "").append(' ')
                    .append(prefix).append("probability ")
                    .append(String.format("%.11f", (probability & 0xffffffffL) / (double) 0x80000000L));
        } else {
            sb.append(' ').append(prefix).append("mode nth").append(invert ? " !" : "").append(' ')
                    .append(prefix).append("every ").append((every & 0xffffffffL) + 1);
            if (packet != 0 || !prefix.isEmpty()) {
                sb.append(' ').append(prefix).append("packet ").append(packet & 0xffffffffL);
            }
        }
    }

    /** libxt_statistic.c */
    public static final class Parser extends ExtParser<Match> {
        private static final int F_PROBABILITY = 1 << 1;
        private static final int F_EVERY = 1 << 2;
        private static final int F_PACKET = 1 << 3;
        private static final Opt[] OPTS = {
            Opt.arg("mode", 0, Opt.MAND),
            Opt.arg("probability", 1, Opt.INVERT).excl(F_EVERY | F_PACKET),
            Opt.arg("every", 2, Opt.INVERT).excl(F_PROBABILITY).also(F_PACKET),
            Opt.arg("packet", 3).excl(F_PROBABILITY).also(F_EVERY),
        };
        private int mode;
        private boolean invert;
        private int probability;
        private long every;
        private long packet;

        public Parser() {
            super("statistic");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if (inv) {
                invert = true;
            }
            switch (o.id()) {
                case 0 -> {
                    if (arg.equals("random")) {
                        mode = MODE_RANDOM;
                    } else if (arg.equals("nth")) {
                        mode = MODE_NTH;
                    } else {
                        throw XtError.param("Bad mode \"" + arg + "\"");
                    }
                }
                case 1 -> {
                    double p;
                    try {
                        p = parseDouble(arg);
                    } catch (NumberFormatException e) {
                        p = Double.NaN;
                    }
                    if (Double.isNaN(p) || p < 0 || p > 1) {
                        throw XtError.param(extName + ": bad value for option \"--probability\", or out of range (0-1).\n");
                    }
                    probability = (int) Math.round(0x80000000L * p);
                }
                case 2 -> every = Xt.parseInt(extName, "every", arg, 1, 0xffffffffL) - 1;
                case 3 -> packet = Xt.parseInt(extName, "packet", arg, 0, 0xffffffffL);
                default -> throw new IllegalStateException();
            }
        }

        /** strtod() over the whole string */
        private static double parseDouble(String s) {
            String t = s.strip();
            if (t.isEmpty() || !t.equals(s.stripTrailing()) || t.endsWith("d") || t.endsWith("f")
                    || t.endsWith("D") || t.endsWith("F")) {
                throw new NumberFormatException(s);
            }
            return Double.parseDouble(t);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (mode == MODE_RANDOM && !seen(1)) {
                throw XtError.param("--probability must be specified when using random mode");
            }
            if (mode == MODE_NTH && !seen(2) && !seen(3)) {
                throw XtError.param("--every and --packet must be specified when using nth mode");
            }
            if (Long.compareUnsigned(packet, every & 0xffffffffL) > 0) {
                throw XtError.param("the --packet p must be 0 <= p <= n-1");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new StatisticMatch(mode, invert, probability, (int) every, (int) packet);
        }
    }
}
