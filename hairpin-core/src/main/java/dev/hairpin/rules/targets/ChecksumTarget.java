package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

import java.util.Set;

/**
 * {@code -j CHECKSUM --checksum-fill} (xt_CHECKSUM.c): completes a checksum the sender left to the
 * hardware. Packets here always carry full checksums, so there is nothing to fill. mangle only.
 */
public final class ChecksumTarget implements Target {
    @Override
    public String name() {
        return "CHECKSUM";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --checksum-fill");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" CHECKSUM fill");
    }

    /** libxt_CHECKSUM.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.flag("checksum-fill", 0, Opt.MAND)};

        public Parser() {
            super("CHECKSUM");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new ChecksumTarget();
        }
    }
}
