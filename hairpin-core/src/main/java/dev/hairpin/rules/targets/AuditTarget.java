package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -j AUDIT --type accept|drop|reject} (xt_AUDIT.c): records the packet in the audit log
 * (not modelled here) and continues.
 */
public final class AuditTarget implements Target {
    private static final String[] TYPES = {"accept", "drop", "reject"};

    private final int type;

    public AuditTarget(int type) {
        this.type = type;
    }

    @Override
    public String name() {
        return "AUDIT";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --type ").append(TYPES[type]);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" AUDIT ").append(TYPES[type]);
    }

    /** libxt_AUDIT.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("type", 0, Opt.MAND)};
        private int type;

        public Parser() {
            super("AUDIT");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            for (int i = 0; i < TYPES.length; i++) {
                if (TYPES[i].equals(arg)) {
                    type = i;
                    return;
                }
            }
            throw XtError.param("Bad action type value \"" + arg + "\"");
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new AuditTarget(type);
        }
    }
}
