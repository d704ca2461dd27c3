package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -j NFQUEUE} revision 3 (xt_NFQUEUE.c): returns NF_QUEUE with the queue number in the
 * verdict's upper 16 bits ({@code NF_QUEUE_NR}) and bit 15 for --queue-bypass; callers compare
 * {@code verdict & 0xff} with NF_QUEUE. A balance range picks the queue by flow hash.
 */
public final class NfqueueTarget implements Target {
    public static final int FLAG_BYPASS = 1;
    public static final int FLAG_CPU_FANOUT = 2;
    /** NF_VERDICT_FLAG_QUEUE_BYPASS */
    public static final int VERDICT_BYPASS = 0x8000;

    private final int queuenum;
    private final int total;
    private final int flags;

    public NfqueueTarget(int queuenum, int total, int flags) {
        this.queuenum = queuenum;
        this.total = total;
        this.flags = flags;
    }

    @Override
    public String name() {
        return "NFQUEUE";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int q = queuenum;
        if (total > 1) {
            int h = skb.saddr() ^ skb.daddr() * 31 ^ dev.hairpin.packet.Ipv4.protocol(skb.buf, skb.l3);
            q += (int) (Integer.toUnsignedLong(h * 0x9e3779b1) * total >>> 32);
        }
        int v = Verdict.NF_QUEUE | (q << 16);
        if ((flags & FLAG_BYPASS) != 0) {
            v |= VERDICT_BYPASS;
        }
        return v;
    }

    private void text(StringBuilder sb, boolean save) {
        if (total > 1) {
            sb.append(save ? " --queue-balance " : " NFQUEUE balance ").append(queuenum).append(':')
                    .append(queuenum + total - 1);
        } else {
            sb.append(save ? " --queue-num " : " NFQUEUE num ").append(queuenum);
        }
        if ((flags & FLAG_BYPASS) != 0) {
            sb.append(save ? " --queue-bypass" : " bypass");
        }
        if ((flags & FLAG_CPU_FANOUT) != 0) {
            sb.append(save ? " --queue-cpu-fanout" : " cpu-fanout");
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        text(sb, false);
    }

    /** libxt_NFQUEUE.c revision 3 */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.arg("queue-num", 0).excl(1 << 1), Opt.arg("queue-balance", 1).excl(1), Opt.flag("queue-bypass", 2),
            Opt.flag("queue-cpu-fanout", 3).also(1 << 1),
        };
        private int num;
        private int total;
        private int flags;

        public Parser() {
            super("NFQUEUE");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> num = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff);
                case 1 -> {
                    long[] r = Xt.parseRange(extName, o.name(), arg, 0xfffe);
                    if (!arg.contains(":")) {
                        throw XtError.param("Bad range \"" + arg + "\"");
                    }
                    if (r[0] >= r[1]) {
                        throw XtError.param(r[0] + " should be less than " + r[1]);
                    }
                    num = (int) r[0];
                    total = (int) (r[1] - r[0] + 1);
                }
                case 2 -> flags |= FLAG_BYPASS;
                default -> flags |= FLAG_CPU_FANOUT;
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new NfqueueTarget(num, total, flags);
        }
    }
}
