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
 * {@code -j MARK} revision 2 (xt_mark.c): {@code skb->mark = (mark & ~mask) ^ value}; every
 * --set-mark/--and-mark/--or-mark/--xor-mark is stored as such an xmark pair.
 */
public final class MarkTarget implements Target {
    private final int mark;
    private final int mask;

    public MarkTarget(int mark, int mask) {
        this.mark = mark;
        this.mask = mask;
    }

    @Override
    public String name() {
        return "MARK";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        skb.mark = (skb.mark & ~mask) ^ mark;
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --set-xmark 0x").append(Integer.toHexString(mark)).append("/0x").append(Integer.toHexString(mask));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(xmarkText("MARK", mark, mask));
    }

    /** " MARK and 0x.." / or / xor / set / xset, as libxt_MARK prints a pair */
    static String xmarkText(String what, int mark, int mask) {
        if (mark == 0) {
            return " " + what + " and 0x" + Integer.toHexString(~mask);
        } else if (mark == mask) {
            return " " + what + " or 0x" + Integer.toHexString(mark);
        } else if (mask == 0) {
            return " " + what + " xor 0x" + Integer.toHexString(mark);
        } else if (mask == -1) {
            return " " + what + " set 0x" + Integer.toHexString(mark);
        }
        return " " + what + " xset 0x" + Integer.toHexString(mark) + "/0x" + Integer.toHexString(mask);
    }

    /** the xmark pair of --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark (option ids 0-4) */
    static int[] xmark(String ext, Opt o, String arg) {
        if (o.id() <= 1) {
            long[] vm = Xt.parseMarkMask(ext, o.name(), arg);
            int v = (int) vm[0];
            int m = (int) vm[1];
            return o.id() == 0 ? new int[] {v, m} : new int[] {v, v | m};
        }
        int v = (int) Xt.parseInt(ext, o.name(), arg, 0, 0xffffffffL);
        return switch (o.id()) {
            case 2 -> new int[] {0, ~v};
            case 3 -> new int[] {v, v};
            default -> new int[] {v, 0};
        };
    }

    /** libxt_MARK.c revision 2 */
    public static final class Parser extends ExtParser<Target> {
        private static final int ANY = 0x1f;
        private static final Opt[] OPTS = {
            Opt.arg("set-xmark", 0).excl(ANY), Opt.arg("set-mark", 1).excl(ANY), Opt.arg("and-mark", 2).excl(ANY),
            Opt.arg("or-mark", 3).excl(ANY), Opt.arg("xor-mark", 4).excl(ANY),
        };
        private int[] pair = {0, 0};

        public Parser() {
            super("MARK");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            pair = xmark(extName, o, arg);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new MarkTarget(pair[0], pair[1]);
        }
    }
}
