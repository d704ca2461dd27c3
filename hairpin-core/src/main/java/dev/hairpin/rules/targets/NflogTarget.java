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
import dev.hairpin.rules.matches.CommentMatch;

/**
 * {@code -j NFLOG}: iptables-nft 1.8.9 turns it into nf_tables' {@code log group N} expression
 * (add_log()) and reads it back, so only what that expression keeps survives: the group, the
 * prefix (up to 127 bytes), the snap length when given as --nflog-size, the queue threshold (default 0).
 * Evaluation hands the packet to {@link dev.hairpin.rules.XtServices#nflog}.
 */
public final class NflogTarget implements Target {
    private final int group;
    private final String prefix;
    /** --nflog-size, -1 when none (a plain --nflog-range is not carried over by nf_tables) */
    private final long size;
    private final int threshold;

    public NflogTarget(int group, String prefix, long size, int threshold) {
        this.group = group;
        this.prefix = prefix;
        this.size = size;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "NFLOG";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        par.services.nflog(skb, group, prefix, (int) size);
        return Verdict.XT_CONTINUE;
    }

    private void text(StringBuilder sb, String p) {
        if (!prefix.isEmpty()) {
            sb.append(' ').append(p).append("nflog-prefix");
            Xt.saveString(sb, prefix);
        }
        if (group != 0) {
            sb.append(' ').append(p).append("nflog-group ").append(group);
        }
        if (size >= 0) {
            sb.append(' ').append(p).append("nflog-size ").append(size);
        }
        if (threshold != 0) {
            sb.append(' ').append(p).append("nflog-threshold ").append(threshold);
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

    /** libxt_NFLOG.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.arg("nflog-group", 0), Opt.arg("nflog-prefix", 1), Opt.arg("nflog-range", 2).excl(1 << 3),
            Opt.arg("nflog-size", 3).excl(1 << 2), Opt.arg("nflog-threshold", 4),
        };
        private int group;
        private String prefix = "";
        private long size = -1;
        private int threshold;

        public Parser() {
            super("NFLOG");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> group = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff);
                case 1 -> {
                    if (arg.isEmpty()) {
                        throw XtError.param("Argument must have a minimum length of 1 characters\n");
                    }
                    if (arg.indexOf('\n') >= 0) {
                        throw XtError.param("Newlines not allowed in --log-prefix");
                    }
                    prefix = Xt.cstr(arg, 127);
                }
                case 2 -> {
                    Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                    ctx.warn("warn: --nflog-range has never worked and is no longer supported, please use --nflog-size instead\n");
                }
                case 3 -> size = Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                default -> threshold = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff);
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new NflogTarget(group, prefix, size, threshold);
        }
    }
}
