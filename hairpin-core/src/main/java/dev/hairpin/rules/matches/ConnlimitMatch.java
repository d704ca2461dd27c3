package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m connlimit} revision 1 (xt_connlimit.c): the number of connections from the packet's
 * (masked) source or to its destination, as {@link dev.hairpin.rules.XtServices#connCount} counts
 * them, compared with the limit.
 */
public final class ConnlimitMatch implements Match {
    public static final int INVERT = 1;
    public static final int DADDR = 2;

    private final int limit;
    private final int mask;
    private final int flags;

    /** --connlimit-mask given: the kernel's mask is then 4 bytes of it and 12 zero bytes, else 16 of ones */
    private final boolean maskGiven;

    public ConnlimitMatch(int limit, int mask, int flags) {
        this(limit, mask, flags, false);
    }

    public ConnlimitMatch(int limit, int mask, int flags, boolean maskGiven) {
        this.limit = limit;
        this.mask = mask;
        this.flags = flags;
        this.maskGiven = maskGiven;
    }

    /** -C/-D compare the kernel's bytes: a given --connlimit-mask 32 is not the default mask (recorded) */
    @Override
    public void identity(StringBuilder sb) {
        if (maskGiven) {
            sb.append(" [connlimit mask given]");
        }
    }

    @Override
    public String name() {
        return "connlimit";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int n = par.services.connCount(skb, mask, (flags & DADDR) != 0);
        if (n < 0) {
            par.hotdrop = true;
            return false;
        }
        return (Integer.toUnsignedLong(n) > Integer.toUnsignedLong(limit)) ^ ((flags & INVERT) != 0);
    }

    /** count_bits4() */
    private int bits() {
        int b = 0;
        for (int m = ~mask; m != 0; m >>>= 1) {
            b++;
        }
        return 32 - b;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append((flags & INVERT) != 0 ? " --connlimit-upto " : " --connlimit-above ")
                .append(Integer.toUnsignedString(limit));
        sb.append(" --connlimit-mask ").append(bits());
        sb.append((flags & DADDR) != 0 ? " --connlimit-daddr" : " --connlimit-saddr");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" #conn ").append((flags & DADDR) != 0 ? "dst" : "src").append('/').append(bits()).append(' ')
                .append((flags & INVERT) != 0 ? "<=" : ">").append(' ').append(Integer.toUnsignedString(limit));
    }

    /** libxt_connlimit.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("connlimit-upto", 0, Opt.INVERT).excl(1 << 1), Opt.arg("connlimit-above", 1, Opt.INVERT).excl(1),
            Opt.arg("connlimit-mask", 2), Opt.flag("connlimit-saddr", 3).excl(1 << 4),
            Opt.flag("connlimit-daddr", 4).excl(1 << 3),
        };
        private int limit;
        private int mask = -1;
        private boolean maskGiven;
        private int flags;

        public Parser() {
            super("connlimit");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    limit = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                    if (!invert) {
                        flags |= INVERT;
                    }
                }
                case 1 -> {
                    limit = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                    if (invert) {
                        flags |= INVERT;
                    }
                }
                case 2 -> {
                    maskGiven = true;
                    int plen = Xt.parsePlen(extName, "connlimit-mask", arg);
                    mask = plen < 0 ? -1 : plen == 0 ? 0 : -1 << (32 - plen);
                }
                case 3 -> flags &= ~DADDR;
                default -> flags |= DADDR;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & 3) == 0) {
                throw XtError.param("You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new ConnlimitMatch(limit, mask, flags, maskGiven);
        }
    }
}
