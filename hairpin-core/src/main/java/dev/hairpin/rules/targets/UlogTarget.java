package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.RuleCheckException;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

/**
 * {@code -j ULOG} (libipt_ULOG.c): iptables still parses it, but the kernel target was removed in
 * Linux 3.17, so iptables warns when it loads the extension and the kernel refuses the rule with
 * -ENOENT (recorded). Never installed, never run.
 */
public final class UlogTarget implements Target {
    @Override
    public String name() {
        return "ULOG";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return Verdict.XT_CONTINUE;
    }

    @Override
    public RuleCheckException.Refusal refusal() {
        return new RuleCheckException.Refusal(RuleCheckException.Errno.ENOENT, "no ULOG target in the kernel");
    }

    @Override
    public void save(StringBuilder sb) {
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
    }

    /** libipt_ULOG.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("ulog-nlgroup", 0), Opt.arg("ulog-prefix", 1),
            Opt.arg("ulog-cprange", 2), Opt.arg("ulog-qthreshold", 3)};

        public Parser() {
            super("ULOG");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
        }

        /** xtables_find_target() finds no revision the kernel supports: said when -j ULOG is read */
        public static final String WARNING = "Warning: Extension ULOG revision 0 not supported, missing kernel module?\n";

        @Override
        protected Target build(ParseContext ctx) {
            return new UlogTarget();
        }
    }
}
