package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

import java.util.Set;

/**
 * {@code -j CONNSECMARK --save|--restore} (xt_CONNSECMARK.c): copies the SELinux security mark
 * between packet and connection. Without an LSM every secmark is 0, so there is nothing to copy;
 * the rule is parsed, checked (mangle or security table) and printed as the kernel keeps it.
 */
public final class ConnsecmarkTarget implements Target {
    private final boolean save;

    public ConnsecmarkTarget(boolean save) {
        this.save = save;
    }

    @Override
    public String name() {
        return "CONNSECMARK";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle", "security");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(save ? " --save" : " --restore");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" CONNSECMARK ").append(save ? "save" : "restore");
    }

    /** libxt_CONNSECMARK.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.flag("save", 0).excl(1 << 1), Opt.flag("restore", 1).excl(1)};

        public Parser() {
            super("CONNSECMARK");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("CONNSECMARK target: parameter required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new ConnsecmarkTarget((xflags & 1) != 0);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
