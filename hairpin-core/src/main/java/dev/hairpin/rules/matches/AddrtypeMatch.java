package dev.hairpin.rules.matches;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m addrtype} revision 1 (xt_addrtype.c): the route type of the source and/or destination
 * address ({@code inet_dev_addr_type()}, asked of {@link dev.hairpin.rules.XtServices#addrType}),
 * optionally looked up only on the input or output device.
 */
public final class AddrtypeMatch implements Match {
    /** RTN_* names; bit i of a type mask is rtn_names[i] */
    static final String[] RTN_NAMES = {"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
        "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"};

    public static final int INVERT_SOURCE = 0x1;
    public static final int INVERT_DEST = 0x2;
    public static final int LIMIT_IFACE_IN = 0x4;
    public static final int LIMIT_IFACE_OUT = 0x8;

    private final int source;
    private final int dest;
    private final int flags;

    public AddrtypeMatch(int source, int dest, int flags) {
        this.source = source;
        this.dest = dest;
        this.flags = flags;
    }

    @Override
    public String name() {
        return "addrtype";
    }

    /** limiting to the input device needs one; to the output device likewise */
    @Override
    public boolean hooksAtEntry() {
        return true;
    }

    @Override
    public int hooks() {
        if ((flags & LIMIT_IFACE_IN) != 0) {
            return (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD);
        }
        if ((flags & LIMIT_IFACE_OUT) != 0) {
            return (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING);
        }
        return 0x1f;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        NetDevice dev = null;
        if ((flags & LIMIT_IFACE_IN) != 0) {
            dev = par.in;
        } else if ((flags & LIMIT_IFACE_OUT) != 0) {
            dev = par.out;
        }
        boolean ret = true;
        if (source != 0) {
            ret = type(par, skb.saddr(), dev, source) ^ ((flags & INVERT_SOURCE) != 0);
        }
        if (ret && dest != 0) {
            ret = type(par, skb.daddr(), dev, dest) ^ ((flags & INVERT_DEST) != 0);
        }
        return ret;
    }

    private static boolean type(XtParam par, int addr, NetDevice dev, int mask) {
        int t = par.services.addrType(addr, dev);
        return t >= 0 && t < 16 && (mask & (1 << t)) != 0;
    }

    @Override
    public void save(StringBuilder sb) {
        if (source != 0) {
            if ((flags & INVERT_SOURCE) != 0) {
                sb.append(" !");
            }
            sb.append(" --src-type ");
            types(sb, source);
        }
        if (dest != 0) {
            if ((flags & INVERT_DEST) != 0) {
                sb.append(" !");
            }
            sb.append(" --dst-type ");
            types(sb, dest);
        }
        if ((flags & LIMIT_IFACE_IN) != 0) {
            sb.append(" --limit-iface-in");
        }
        if ((flags & LIMIT_IFACE_OUT) != 0) {
            sb.append(" --limit-iface-out");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" ADDRTYPE match");
        if (source != 0) {
            sb.append(" src-type ");
            if ((flags & INVERT_SOURCE) != 0) {
                sb.append('!');
            }
            types(sb, source);
        }
        if (dest != 0) {
            sb.append(" dst-type ");
            if ((flags & INVERT_DEST) != 0) {
                sb.append('!');
            }
            types(sb, dest);
        }
        if ((flags & LIMIT_IFACE_IN) != 0) {
            sb.append(" limit-in");
        }
        if ((flags & LIMIT_IFACE_OUT) != 0) {
            sb.append(" limit-out");
        }
    }

    private static void types(StringBuilder sb, int mask) {
        String sep = "";
        for (int i = 0; i < RTN_NAMES.length; i++) {
            if ((mask & (1 << i)) != 0) {
                sb.append(sep).append(RTN_NAMES[i]);
                sep = ",";
            }
        }
    }

    /** libxt_addrtype.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("src-type", 0, Opt.INVERT), Opt.arg("dst-type", 1, Opt.INVERT),
            Opt.flag("limit-iface-in", 2).excl(1 << 3), Opt.flag("limit-iface-out", 3).excl(1 << 2),
        };
        private int source;
        private int dest;
        private int flags;

        public Parser() {
            super("addrtype");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    source |= parseTypes(arg);
                    if (invert) {
                        flags |= INVERT_SOURCE;
                    }
                }
                case 1 -> {
                    dest |= parseTypes(arg);
                    if (invert) {
                        flags |= INVERT_DEST;
                    }
                }
                case 2 -> flags |= LIMIT_IFACE_IN;
                default -> flags |= LIMIT_IFACE_OUT;
            }
        }

        /** parse_types(): each word a case-insensitive prefix of a type name (first wins) */
        private static int parseTypes(String arg) {
            int mask = 0;
            String rest = arg;
            int comma;
            while ((comma = rest.indexOf(',')) >= 0) {
                int t = comma == 0 ? -1 : type(rest.substring(0, comma));
                if (t < 0) {
                    throw XtError.param("addrtype: bad type `" + rest + "'");
                }
                mask |= 1 << t;
                rest = rest.substring(comma + 1);
            }
            int t = rest.isEmpty() ? -1 : type(rest);
            if (t < 0) {
                throw XtError.param("addrtype: bad type \"" + rest + "\"");
            }
            return mask | 1 << t;
        }

        private static int type(String w) {
            for (int i = 0; i < RTN_NAMES.length; i++) {
                String n = RTN_NAMES[i];
                if (w.length() <= n.length() && n.regionMatches(true, 0, w, 0, w.length())) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (!seen(0) && !seen(1)) {
                throw XtError.param("addrtype: you must specify --src-type or --dst-type");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new AddrtypeMatch(source, dest, flags);
        }
    }
}
