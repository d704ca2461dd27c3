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
 * {@code -m ipvs} (xt_ipvs.c): properties of the IPVS connection a packet belongs to. There is
 * no IPVS here, so no packet has {@code skb->ipvs_property}: a bare {@code --ipvs} never matches,
 * {@code ! --ipvs} always does, and any other option never matches (they imply --ipvs).
 */
public final class IpvsMatch implements Match {
    /** XT_IPVS_*: bit n is option id n */
    static final int PROPERTY = 1;
    static final int PROTO = 2;
    static final int VADDR = 4;
    static final int VPORT = 8;
    static final int DIR = 16;
    static final int METHOD = 32;
    static final int VPORTCTL = 64;
    static final int ONCE_MASK = 0x7f & ~PROPERTY;

    /** IP_VS_CONN_F_MASQ / TUNNEL / DROUTE */
    static final int F_MASQ = 0;
    static final int F_TUNNEL = 2;
    static final int F_DROUTE = 3;

    private final int bitmask;
    private final int invert;
    private final int l4proto;
    private final int vaddr;
    private final int vmask;
    private final int vport;
    private final int vportctl;
    private final int fwdMethod;

    public IpvsMatch(int bitmask, int invert, int l4proto, int vaddr, int vmask, int vport, int vportctl,
                     int fwdMethod) {
        this.bitmask = bitmask;
        this.invert = invert;
        this.l4proto = l4proto;
        this.vaddr = vaddr;
        this.vmask = vmask;
        this.vport = vport;
        this.vportctl = vportctl;
        this.fwdMethod = fwdMethod;
    }

    @Override
    public String name() {
        return "ipvs";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        boolean ipvsProperty = false;
        if (bitmask == PROPERTY) {
            return ipvsProperty ^ (invert & PROPERTY) != 0;
        }
        return false;
    }

    private void dump(StringBuilder sb, boolean numeric, String prefix) {
        if (bitmask == PROPERTY) {
            sb.append((invert & PROPERTY) != 0 ? " !" : "").append(' ').append(prefix).append("ipvs");
        }
        if ((bitmask & PROTO) != 0) {
            sb.append((invert & PROTO) != 0 ? " !" : "").append(' ').append(prefix).append("vproto ").append(l4proto);
        }
        if ((bitmask & VADDR) != 0) {
            sb.append((invert & VADDR) != 0 ? " !" : "").append(' ').append(prefix).append("vaddr");
            if (!numeric && vaddr == 0) {
                sb.append(" anywhere");
            } else {
                sb.append(' ').append(Xt.ipToString(vaddr)).append(Xt.maskToNumeric(vmask));
            }
        }
        if ((bitmask & VPORT) != 0) {
            sb.append((invert & VPORT) != 0 ? " !" : "").append(' ').append(prefix).append("vport ").append(vport);
        }
        if ((bitmask & DIR) != 0) {
            sb.append(' ').append(prefix).append((invert & DIR) != 0 ? "vdir REPLY" : "vdir ORIGINAL");
        }
        if ((bitmask & METHOD) != 0) {
            sb.append((invert & METHOD) != 0 ? " !" : "").append(' ').append(prefix).append("vmethod ")
                    .append(switch (fwdMethod) {
                        case F_DROUTE -> "GATE";
                        case F_TUNNEL -> "IPIP";
                        case F_MASQ -> "MASQ";
                        default -> "UNKNOWN";
                    });
        }
        if ((bitmask & VPORTCTL) != 0) {
            sb.append((invert & VPORTCTL) != 0 ? " !" : "").append(' ').append(prefix).append("vportctl ")
                    .append(vportctl);
        }
    }

    @Override
    public void save(StringBuilder sb) {
        dump(sb, true, "--");
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        dump(sb, numeric, "");
    }

    /** libxt_ipvs.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.flag("ipvs", 0, Opt.INVERT), Opt.arg("vproto", 1, Opt.INVERT), Opt.arg("vaddr", 2, Opt.INVERT),
            Opt.arg("vport", 3, Opt.INVERT), Opt.arg("vdir", 4), Opt.arg("vmethod", 5, Opt.INVERT),
            Opt.arg("vportctl", 6, Opt.INVERT),
        };
        private int bitmask;
        private int invert;
        private int l4proto;
        private int vaddr;
        private int vmask;
        private int vport;
        private int vportctl;
        private int fwdMethod;

        public Parser() {
            super("ipvs");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            switch (o.id()) {
                case 1 -> l4proto = Xt.parseProtocol(arg);
                case 2 -> {
                    int[] am = Xt.parseHostMask(extName, o.name(), arg);
                    vaddr = am[0];
                    vmask = am[1];
                }
                case 3 -> vport = port(arg);
                case 4 -> {
                    if (arg.equalsIgnoreCase("ORIGINAL")) {
                        invert &= ~DIR;
                    } else if (arg.equalsIgnoreCase("REPLY")) {
                        invert |= DIR;
                    } else {
                        throw badValue("--vdir", arg);
                    }
                }
                case 5 -> {
                    if (arg.equalsIgnoreCase("GATE")) {
                        fwdMethod = F_DROUTE;
                    } else if (arg.equalsIgnoreCase("IPIP")) {
                        fwdMethod = F_TUNNEL;
                    } else if (arg.equalsIgnoreCase("MASQ")) {
                        fwdMethod = F_MASQ;
                    } else {
                        throw badValue("--vmethod", arg);
                    }
                }
                case 6 -> vportctl = port(arg);
                default -> {
                }
            }
            bitmask |= 1 << o.id();
            if (inv) {
                invert |= 1 << o.id();
            }
        }

        /** XTTYPE_PORT */
        private static int port(String arg) {
            int p = Xt.portByName(arg);
            if (p < 0) {
                throw XtError.param("Port \"" + arg + "\" does not resolve to anything.\n");
            }
            return p;
        }

        /** xtables_param_act(XTF_BAD_VALUE, ...) */
        private static XtError badValue(String opt, String arg) {
            return XtError.param("ipvs: Bad value for \"" + opt + "\" option: \"" + arg + "\"");
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("IPVS: At least one option is required");
            }
            if ((bitmask & ONCE_MASK) != 0) {
                if ((invert & PROPERTY) != 0) {
                    throw XtError.param("! --ipvs cannot be together with other options");
                }
                bitmask |= PROPERTY;
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new IpvsMatch(bitmask, invert, l4proto, vaddr, vmask, vport, vportctl, fwdMethod);
        }
    }
}
