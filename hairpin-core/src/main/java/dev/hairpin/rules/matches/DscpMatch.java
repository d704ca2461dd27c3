package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/** {@code -m dscp} (xt_dscp.c): the six DSCP bits of the TOS byte. */
public final class DscpMatch implements Match {
    private static final String[] CLASSES = {"CS0", "CS1", "CS2", "CS3", "CS4", "CS5", "CS6", "CS7", "BE", "AF11",
        "AF12", "AF13", "AF21", "AF22", "AF23", "AF31", "AF32", "AF33", "AF41", "AF42", "AF43", "EF"};
    private static final int[] CLASS_DSCP = {0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x00, 0x0a, 0x0c, 0x0e,
        0x12, 0x14, 0x16, 0x1a, 0x1c, 0x1e, 0x22, 0x24, 0x26, 0x2e};

    private final int dscp;
    private final boolean invert;

    public DscpMatch(int dscp, boolean invert) {
        this.dscp = dscp;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "dscp";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return ((Ipv4.tos(skb.buf, skb.l3) >> 2) == dscp) ^ invert;
    }

    /** class_to_dscp(): the first class whose name the argument starts with (case-insensitive) */
    public static int classToDscp(String name) {
        for (int i = 0; i < CLASSES.length; i++) {
            if (name.regionMatches(true, 0, CLASSES[i], 0, CLASSES[i].length())) {
                return CLASS_DSCP[i];
            }
        }
        throw XtError.param("Invalid DSCP value `" + name + "'");
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(String.format(" --dscp 0x%02x", dscp));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" DSCP match ").append(invert ? "!" : "").append(String.format("0x%02x", dscp));
    }

    /** libxt_dscp.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("dscp", 0, Opt.INVERT).excl(1 << 1), Opt.arg("dscp-class", 1, Opt.INVERT).excl(1),
        };
        private int dscp;
        private boolean invert;

        public Parser() {
            super("dscp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            dscp = o.id() == 0 ? (int) Xt.parseInt(extName, o.name(), arg, 0, 0x3f) : classToDscp(arg);
            invert |= inv;
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("DSCP match: Parameter --dscp is required");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new DscpMatch(dscp, invert);
        }
    }
}
