package dev.hairpin.rules.targets;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.matches.TosMatch;

import java.util.Set;

/**
 * {@code -j TOS} revision 1 (xt_DSCP.c tos_tg): {@code tos = (tos & ~mask) ^ value} with the IP
 * checksum updated. mangle only.
 */
public final class TosTarget implements Target {
    private final int value;
    private final int mask;

    public TosTarget(int value, int mask) {
        this.value = value;
        this.mask = mask;
    }

    @Override
    public String name() {
        return "TOS";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int old = Ipv4.tos(skb.buf, skb.l3);
        int nv = (old & ~mask ^ value) & 0xff;
        if (nv != old) {
            DscpTarget.setTos(skb, old, nv);
        }
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(String.format(" --set-tos 0x%02x/0x%02x", value, mask));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        if (numeric) {
            sb.append(String.format(" TOS set 0x%02x/0x%02x", value, mask));
        } else if (mask == 0x3f && TosMatch.symbol(value) != null) {
            // tos_try_print_symbolic(" TOS set", ...) prints " %s%s": a space before, none after
            sb.append("  TOS set").append(TosMatch.symbol(value));
        } else if (value == 0) {
            sb.append(String.format(" TOS and 0x%02x", ~mask & 0xff));
        } else if (value == mask) {
            sb.append(String.format(" TOS or 0x%02x", value));
        } else if (mask == 0) {
            sb.append(String.format(" TOS xor 0x%02x", value));
        } else {
            sb.append(String.format(" TOS set 0x%02x/0x%02x", value, mask));
        }
    }

    /** libxt_TOS.c revision 1 */
    public static final class Parser extends ExtParser<Target> {
        private static final int ANY = 0xf;
        private static final Opt[] OPTS = {
            Opt.arg("set-tos", 0).excl(ANY), Opt.arg("and-tos", 1).excl(ANY), Opt.arg("or-tos", 2).excl(ANY),
            Opt.arg("xor-tos", 3).excl(ANY),
        };
        private int value;
        private int mask;

        public Parser() {
            super("TOS");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            if (o.id() == 0) {
                int[] vm = TosMatch.parseTosMask(arg, 0x3f);
                value = vm[0];
                mask = vm[1];
                return;
            }
            int v = (int) Xt.parseInt(extName, o.name(), arg, 0, 255);
            switch (o.id()) {
                case 1 -> {
                    value = 0;
                    mask = ~v & 0xff;
                }
                case 2 -> {
                    value = v;
                    mask = v;
                }
                default -> {
                    value = v;
                    mask = 0;
                }
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & ANY) == 0) {
                throw dev.hairpin.rules.ext.XtError.param("TOS: An action is required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TosTarget(value, mask);
        }
    }
}
