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
 * {@code -m dccp} (xt_dccp.c): DCCP port ranges, packet types (a bit mask over the 4-bit type;
 * INVALID also stands for the reserved types 11-15) and the presence of an option, each with its
 * own inversion. Non-first fragments never match; a datagram too short for the header hotdrops.
 */
public final class DccpMatch implements Match {
    public static final int SRC_PORTS = 0x01;
    public static final int DEST_PORTS = 0x02;
    public static final int TYPE = 0x04;
    public static final int OPTION = 0x08;

    static final String[] TYPES = {
        "REQUEST", "RESPONSE", "DATA", "ACK", "DATAACK", "CLOSEREQ", "CLOSE", "RESET", "SYNC", "SYNCACK", "INVALID",
    };
    private static final int INVALID = 10;
    /** bits for the types 11-15, which INVALID brings along */
    private static final int INVALID_OTHER_TYPE_MASK = 0xf800;

    private final int[] spts;
    private final int[] dpts;
    private final int typemask;
    private final int option;
    private final int flags;
    private final int invflags;

    public DccpMatch(int[] spts, int[] dpts, int typemask, int option, int flags, int invflags) {
        this.spts = spts;
        this.dpts = dpts;
        this.typemask = typemask;
        this.option = option;
        this.flags = flags;
        this.invflags = invflags;
    }

    @Override
    public String name() {
        return "dccp";
    }

    @Override
    public int proto() {
        return 33;
    }

    /** DCCHECK(cond, option): true when the option is unused, else cond XOR its inversion */
    private boolean check(boolean cond, int opt) {
        return (flags & opt) == 0 || cond ^ (invflags & opt) != 0;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (L4.fragoff(skb) != 0) {
            return false;
        }
        if (!L4.has(skb, 12)) {
            par.hotdrop = true;
            return false;
        }
        int sport = L4.sport(skb);
        int dport = L4.dport(skb);
        int type = L4.u8(skb, 8) >> 1 & 0xf;
        return check(sport >= spts[0] && sport <= spts[1], SRC_PORTS)
                && check(dport >= dpts[0] && dport <= dpts[1], DEST_PORTS)
                && check((typemask & 1 << type) != 0, TYPE)
                && check((flags & OPTION) != 0 && findOption(skb, par, type), OPTION);
    }

    /** dccp_find_option(): walk the options after the (type dependent) fixed header */
    private boolean findOption(Skb skb, XtParam par, int type) {
        int doff = L4.u8(skb, 4) * 4;
        boolean x = (L4.u8(skb, 8) & 1) != 0;
        int hdrLen = 12 + (x ? 4 : 0) + switch (type) {
            case 2 -> 0;
            case 3, 4, 5, 6, 8, 9 -> 8;
            case 0 -> 4;
            default -> 12;
        };
        if (doff < hdrLen) {
            par.hotdrop = true;
            return false;
        }
        int optlen = doff - hdrLen;
        if (optlen == 0) {
            return false;
        }
        if (!L4.has(skb, doff)) {
            par.hotdrop = true;
            return false;
        }
        for (int i = 0; i < optlen; ) {
            int op = L4.u8(skb, hdrLen + i);
            if (op == option) {
                return true;
            }
            if (op < 2 || i == optlen - 1) {
                i++;
            } else {
                int len = L4.u8(skb, hdrLen + i + 1);
                i += len == 0 ? 1 : len;
            }
        }
        return false;
    }

    private static void types(StringBuilder sb, int types, boolean numeric) {
        sb.append(' ');
        boolean first = true;
        while (types != 0) {
            int i = Integer.numberOfTrailingZeros(types);
            if (!first) {
                sb.append(',');
            }
            first = false;
            if (numeric) {
                sb.append(i);
            } else {
                sb.append(TYPES[i]);
                if (i == INVALID) {
                    break;
                }
            }
            types &= ~(1 << i);
        }
    }

    private static void savePorts(StringBuilder sb, String opt, int[] p, boolean inv) {
        sb.append(inv ? " !" : "").append(opt).append(p[0]);
        if (p[0] != p[1]) {
            sb.append(':').append(p[1]);
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if ((flags & SRC_PORTS) != 0) {
            savePorts(sb, " --sport ", spts, (invflags & SRC_PORTS) != 0);
        }
        if ((flags & DEST_PORTS) != 0) {
            savePorts(sb, " --dport ", dpts, (invflags & DEST_PORTS) != 0);
        }
        if ((flags & TYPE) != 0) {
            sb.append((invflags & TYPE) != 0 ? " !" : "").append(" --dccp-types");
            types(sb, typemask, false);
        }
        if ((flags & OPTION) != 0) {
            sb.append((invflags & OPTION) != 0 ? " !" : "").append(" --dccp-option ").append(option);
        }
    }

    /** print_ports(): only when not the full range; dccp has no service names to show */
    private static void printPorts(StringBuilder sb, String name, int[] p, boolean inv) {
        if (p[0] == 0 && p[1] == 0xffff && !inv) {
            return;
        }
        sb.append(' ').append(name);
        if (p[0] == p[1]) {
            sb.append(':').append(inv ? "!" : "").append(p[0]);
        } else {
            sb.append("s:").append(inv ? "!" : "").append(p[0]).append(':').append(p[1]);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" dccp");
        if ((flags & SRC_PORTS) != 0) {
            printPorts(sb, "spt", spts, (invflags & SRC_PORTS) != 0);
        }
        if ((flags & DEST_PORTS) != 0) {
            printPorts(sb, "dpt", dpts, (invflags & DEST_PORTS) != 0);
        }
        if ((flags & TYPE) != 0) {
            if ((invflags & TYPE) != 0) {
                sb.append(" !");
            }
            types(sb, typemask, numeric);
        }
        if ((flags & OPTION) != 0 && (option != 0 || (invflags & OPTION) != 0)) {
            sb.append(" option=").append((invflags & OPTION) != 0 ? "!" : "").append(option);
        }
    }

    /** libxt_dccp.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("source-port", 0, Opt.INVERT), Opt.arg("sport", 0, Opt.INVERT),
            Opt.arg("destination-port", 1, Opt.INVERT), Opt.arg("dport", 1, Opt.INVERT),
            Opt.arg("dccp-types", 2, Opt.INVERT), Opt.arg("dccp-option", 3, Opt.INVERT),
        };
        private int[] spts = {0, 0xffff};
        private int[] dpts = {0, 0xffff};
        private int typemask;
        private int option;
        private int flags;
        private int invflags;

        public Parser() {
            super("dccp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            int bit = switch (o.id()) {
                case 0 -> {
                    spts = Xt.parsePortRangeRc(extName, o.name(), arg);
                    yield SRC_PORTS;
                }
                case 1 -> {
                    dpts = Xt.parsePortRangeRc(extName, o.name(), arg);
                    yield DEST_PORTS;
                }
                case 2 -> {
                    typemask = parseTypes(arg);
                    yield TYPE;
                }
                default -> {
                    option = (int) Xt.parseInt(extName, o.name(), arg, 1, 255);
                    yield OPTION;
                }
            };
            flags |= bit;
            if (invert) {
                invflags |= bit;
            }
        }

        /** parse_dccp_types(): comma separated names, case-insensitive (strtok skips empty ones) */
        private static int parseTypes(String s) {
            int mask = 0;
            for (String t : s.split(",")) {
                if (t.isEmpty()) {
                    continue;
                }
                int i = 0;
                while (i < TYPES.length && !TYPES[i].equalsIgnoreCase(t)) {
                    i++;
                }
                if (i == TYPES.length) {
                    throw XtError.param("Unknown DCCP type `" + t + "'");
                }
                mask |= 1 << i;
            }
            if ((mask & 1 << INVALID) != 0) {
                mask |= INVALID_OTHER_TYPE_MASK;
            }
            return mask;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new DccpMatch(spts, dpts, typemask, option, flags, invflags);
        }
    }
}
