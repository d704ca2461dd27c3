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

/** {@code -m tos --tos value[/mask]} revision 1 (xt_dscp.c tos_mt): {@code (tos & mask) == value}. */
public final class TosMatch implements Match {
    private static final String[] SYMBOLS = {"Minimize-Delay", "Maximize-Throughput", "Maximize-Reliability",
        "Minimize-Cost", "Normal-Service"};
    private static final int[] VALUES = {0x10, 0x08, 0x04, 0x02, 0x00};

    private final int value;
    private final int mask;
    private final boolean invert;

    public TosMatch(int value, int mask, boolean invert) {
        this.value = value;
        this.mask = mask;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "tos";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return ((Ipv4.tos(skb.buf, skb.l3) & mask) == value) ^ invert;
    }

    /** the symbolic TOS name of a value (under mask 0x3f), or null */
    public static String symbol(int value) {
        for (int i = 0; i < VALUES.length; i++) {
            if (VALUES[i] == value) {
                return SYMBOLS[i];
            }
        }
        return null;
    }

    /** XTTYPE_TOSMASK: "value[/mask]" numbers, or a symbolic name (then the mask is {@code symMask}) */
    public static int[] parseTosMask(String arg, int symMask) {
        Xt.Num n = Xt.strtoulPrefix(arg, 0, 0, 255);
        if (n != null) {
            int v = (int) n.value();
            int m = 0xff;
            int end = n.end();
            if (end < arg.length() && arg.charAt(end) == '/') {
                Xt.Num mm = Xt.strtoulPrefix(arg, end + 1, 0, 255);
                if (mm == null) {
                    throw XtError.param("Illegal value: \"" + arg + "\"");
                }
                m = (int) mm.value();
                end = mm.end();
            }
            if (end != arg.length()) {
                throw XtError.param("Illegal value: \"" + arg + "\"");
            }
            return new int[] {v, m};
        }
        for (int i = 0; i < SYMBOLS.length; i++) {
            if (SYMBOLS[i].equalsIgnoreCase(arg)) {
                return new int[] {VALUES[i], symMask};
            }
        }
        throw XtError.param("Symbolic name \"" + arg + "\" is unknown");
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(String.format(" --tos 0x%02x/0x%02x", value, mask));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" tos match");
        if (invert) {
            sb.append('!');
        }
        if (!numeric && mask == 0x3f && symbol(value) != null) {
            sb.append(' ').append(symbol(value));
        } else {
            sb.append(String.format("0x%02x/0x%02x", value, mask));
        }
    }

    /** libxt_tos.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("tos", 0, Opt.INVERT | Opt.MAND)};
        private int[] vm = {0, 0};
        private boolean invert;

        public Parser() {
            super("tos");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            vm = parseTosMask(arg, 0x3f);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new TosMatch(vm[0], vm[1], invert);
        }
    }
}
