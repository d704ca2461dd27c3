package dev.hairpin.rules.matches;

import dev.hairpin.conntrack.CtView;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m connbytes} (xt_connbytes.c): the connection's accounted packets, bytes or average
 * packet size, in one direction or both, within [from, to]. Inversion is stored as the kernel
 * does, by swapping the bounds (from &gt; to); values are unsigned 64-bit. No conntrack entry or
 * no accounting means no match.
 */
public final class ConnbytesMatch implements Match {
    public static final int PKTS = 0;
    public static final int BYTES = 1;
    public static final int AVGPKT = 2;
    public static final int DIR_ORIGINAL = 0;
    public static final int DIR_REPLY = 1;
    public static final int DIR_BOTH = 2;

    private static final String[] MODES = {"packets", "bytes", "avgpkt"};
    private static final String[] DIRS = {"original", "reply", "both"};

    private final long from;
    private final long to;
    private final int what;
    private final int direction;

    public ConnbytesMatch(long from, long to, int what, int direction) {
        this.from = from;
        this.to = to;
        this.what = what;
        this.direction = direction;
    }

    @Override
    public String name() {
        return "connbytes";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (skb.ct < 0) {
            return false;
        }
        CtView ct = par.services.conntrack();
        long op = ct.packets(skb.ct, CtView.DIR_ORIGINAL);
        if (op < 0) {
            return false;
        }
        long rp = ct.packets(skb.ct, CtView.DIR_REPLY);
        long ob = ct.bytes(skb.ct, CtView.DIR_ORIGINAL);
        long rb = ct.bytes(skb.ct, CtView.DIR_REPLY);
        long pkts = direction == DIR_ORIGINAL ? op : direction == DIR_REPLY ? rp : op + rp;
        long bytes = direction == DIR_ORIGINAL ? ob : direction == DIR_REPLY ? rb : ob + rb;
        long v = switch (what) {
            case PKTS -> pkts;
            case BYTES -> bytes;
            default -> pkts == 0 ? 0 : Long.divideUnsigned(bytes, pkts);
        };
        if (Long.compareUnsigned(to, from) >= 0) {
            return Long.compareUnsigned(v, to) <= 0 && Long.compareUnsigned(v, from) >= 0;
        }
        return Long.compareUnsigned(v, to) < 0 || Long.compareUnsigned(v, from) > 0;
    }

    private void fromTo(StringBuilder sb, String prefix) {
        long lo = from;
        long hi = to;
        if (Long.compareUnsigned(from, to) > 0) {
            sb.append(" !");
            lo = to;
            hi = from;
        }
        sb.append(' ').append(prefix).append("connbytes ").append(Long.toUnsignedString(lo));
        if (hi != 0 && hi != -1L) {
            sb.append(':').append(Long.toUnsignedString(hi));
        }
    }

    @Override
    public void save(StringBuilder sb) {
        fromTo(sb, "--");
        sb.append(" --connbytes-mode ").append(MODES[what]).append(" --connbytes-dir ").append(DIRS[direction]);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        fromTo(sb, "");
        sb.append(" connbytes mode ").append(MODES[what]).append(" connbytes direction ").append(DIRS[direction]);
    }

    /** libxt_connbytes.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("connbytes", 0, Opt.MAND | Opt.INVERT), Opt.arg("connbytes-dir", 1, Opt.MAND),
            Opt.arg("connbytes-mode", 2, Opt.MAND),
        };
        private long from;
        private long to;
        private int what;
        private int direction;

        public Parser() {
            super("connbytes");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    long[] r = Xt.parseRange(extName, o.name(), arg, -1L);
                    boolean two = arg.indexOf(':') >= 0;
                    from = r[0];
                    to = two ? r[1] : -1L;
                    if (Long.compareUnsigned(to, from) < 0) {
                        throw XtError.param(Long.toUnsignedString(from) + " should be less than "
                                + Long.toUnsignedString(to));
                    }
                    if (invert) {
                        long t = from;
                        from = to;
                        to = t;
                    }
                }
                case 1 -> direction = index(DIRS, arg, "Unknown --connbytes-dir `");
                default -> what = index(MODES, arg, "Unknown --connbytes-mode `");
            }
        }

        private static int index(String[] names, String arg, String error) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(arg)) {
                    return i;
                }
            }
            throw XtError.param(error + arg + "'");
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new ConnbytesMatch(from, to, what, direction);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
