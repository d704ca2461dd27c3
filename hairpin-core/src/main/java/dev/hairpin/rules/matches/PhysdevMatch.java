package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m physdev} (xt_physdev.c): the bridge ports of a bridged packet. This stack has no
 * bridges, so every packet is "not bridged", where the kernel's rule applies: the match holds
 * only when each condition given is inverted.
 */
public final class PhysdevMatch implements Match {
    public static final int OP_IN = 0x01;
    public static final int OP_OUT = 0x02;
    public static final int OP_BRIDGED = 0x04;
    public static final int OP_ISIN = 0x08;
    public static final int OP_ISOUT = 0x10;

    private final String physindev;
    private final String physoutdev;
    private final int bitmask;
    private final int invert;

    public PhysdevMatch(String physindev, String physoutdev, int bitmask, int invert) {
        this.physindev = physindev;
        this.physoutdev = physoutdev;
        this.bitmask = bitmask;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "physdev";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        for (int op : new int[] {OP_BRIDGED, OP_ISIN, OP_ISOUT, OP_IN, OP_OUT}) {
            if ((bitmask & op) != 0 && (invert & op) == 0) {
                return false;
            }
        }
        return true;
    }

    private void text(StringBuilder sb) {
        if ((bitmask & OP_ISIN) != 0) {
            sb.append((invert & OP_ISIN) != 0 ? " !" : "").append(" --physdev-is-in");
        }
        if ((bitmask & OP_IN) != 0) {
            sb.append((invert & OP_IN) != 0 ? " !" : "").append(" --physdev-in ").append(physindev);
        }
        if ((bitmask & OP_ISOUT) != 0) {
            sb.append((invert & OP_ISOUT) != 0 ? " !" : "").append(" --physdev-is-out");
        }
        if ((bitmask & OP_OUT) != 0) {
            sb.append((invert & OP_OUT) != 0 ? " !" : "").append(" --physdev-out ").append(physoutdev);
        }
        if ((bitmask & OP_BRIDGED) != 0) {
            sb.append((invert & OP_BRIDGED) != 0 ? " !" : "").append(" --physdev-is-bridged");
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" PHYSDEV match");
        text(sb);
    }

    /** libxt_physdev.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("physdev-in", 0, Opt.INVERT), Opt.arg("physdev-out", 1, Opt.INVERT),
            Opt.flag("physdev-is-in", 2, Opt.INVERT), Opt.flag("physdev-is-out", 3, Opt.INVERT),
            Opt.flag("physdev-is-bridged", 4, Opt.INVERT),
        };
        private static final int[] OPS = {OP_IN, OP_OUT, OP_ISIN, OP_ISOUT, OP_BRIDGED};
        private String in = "";
        private String out = "";
        private int bitmask;
        private int invert;

        public Parser() {
            super("physdev");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if (o.id() <= 1) {
                if (arg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1 > 16) {
                    throw XtError.param("interface name `" + arg + "' must be shorter than IFNAMSIZ (15)");
                }
                if (o.id() == 0) {
                    in = arg;
                } else {
                    out = arg;
                }
            }
            bitmask |= OPS[o.id()];
            if (inv) {
                invert |= OPS[o.id()];
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("PHYSDEV: no physdev option specified");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new PhysdevMatch(in, out, bitmask, invert);
        }
    }
}
