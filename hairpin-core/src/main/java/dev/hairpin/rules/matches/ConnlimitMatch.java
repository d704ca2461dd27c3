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
 * {@code -m connlimit} revision 1 (xt_connlimit.c with nf_conncount.c): each rule keeps, per
 * masked source (or destination) address of the packets it sees, the original tuples of their
 * connections; a lookup drops those whose entry is gone or whose TCP state is TIME_WAIT or CLOSE,
 * adds the packet's own connection if new, and compares how many are left with the limit. So a
 * rule counts only connections that passed through it (recorded: conformance
 * connlimit-recent-broadcast, the third SSH connection of one source REJECTed).
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

    /** CONNCOUNT_GC_MAX_NODES: a walk stops after dropping more than this many */
    private static final int GC_MAX = 8;
    /** key (masked address, zone) -> the original tuples counted under it */
    private final java.util.Map<Long, java.util.List<long[]>> counted = new java.util.HashMap<>();
    private final long[] tuple = new long[2];

    @Override
    public synchronized boolean matches(Skb skb, XtParam par) {
        if (!par.services.connTuple(skb, tuple)) {
            par.hotdrop = true;
            return false;
        }
        int addr = (flags & DADDR) != 0 ? skb.daddr() : skb.saddr();
        int zoneId = skb.zone & 0xffff | skb.zone >>> 16; // the template zone's id, whichever directions it keys
        long key = (long) zoneId << 32 | (addr & mask) & 0xffff_ffffL;
        java.util.List<long[]> list = counted.get(key);
        boolean seen = false;
        if (list != null) {
            int collected = 0;
            for (java.util.Iterator<long[]> it = list.iterator(); it.hasNext() && collected <= GC_MAX; ) {
                long[] t = it.next();
                if (t[0] == tuple[0] && t[1] == tuple[1]) {
                    seen = true; // the same connection again: not added twice, the walk ends
                    break;
                }
                if (!par.services.connOpen(t[0], t[1])) {
                    it.remove(); // gone or closed: no longer counted
                    collected++;
                }
            }
        }
        if (!seen) {
            if (list == null) {
                counted.put(key, list = new java.util.ArrayList<>());
            }
            list.add(new long[] {tuple[0], tuple[1]});
        }
        int n = list.size();
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

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
