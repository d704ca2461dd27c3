package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Services;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m multiport} revision 1 (xt_multiport.c, libxt_multiport.c): up to 15 port slots, a
 * range {@code a:b} taking two; matches the source, the destination, or either port.
 */
public final class MultiportMatch implements Match {
    public static final int SOURCE = 0;
    public static final int DESTINATION = 1;
    public static final int EITHER = 2;
    public static final int MAX_PORTS = 15;

    private final int flags;
    private final int[] ports;
    private final boolean[] pflags;
    private final boolean invert;
    /** the rule's -p, for service names in -L */
    private final int proto;

    public MultiportMatch(int flags, int[] ports, boolean[] pflags, boolean invert, int proto) {
        this.flags = flags;
        this.ports = ports.clone();
        this.pflags = pflags.clone();
        this.invert = invert;
        this.proto = proto;
    }

    @Override
    public String name() {
        return "multiport";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            return false;
        }
        if (!L4.has(skb, 4)) {
            par.hotdrop = true;
            return false;
        }
        int src = L4.sport(skb);
        int dst = L4.dport(skb);
        for (int i = 0; i < ports.length; i++) {
            int s = ports[i];
            if (pflags[i]) {
                int e = ports[++i];
                boolean hit = switch (flags) {
                    case SOURCE -> src >= s && src <= e;
                    case DESTINATION -> dst >= s && dst <= e;
                    default -> (dst >= s && dst <= e) || (src >= s && src <= e);
                };
                if (hit) {
                    return !invert;
                }
            } else {
                boolean hit = switch (flags) {
                    case SOURCE -> src == s;
                    case DESTINATION -> dst == s;
                    default -> src == s || dst == s;
                };
                if (hit) {
                    return !invert;
                }
            }
        }
        return invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(switch (flags) {
            case SOURCE -> " --sports ";
            case DESTINATION -> " --dports ";
            default -> " --ports ";
        });
        list(sb, true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" multiport ");
        sb.append(switch (flags) {
            case SOURCE -> "sports ";
            case DESTINATION -> "dports ";
            case EITHER -> "ports ";
            default -> "ERROR ";
        });
        if (invert) {
            sb.append(" !");
        }
        list(sb, numeric);
    }

    private void list(StringBuilder sb, boolean numeric) {
        for (int i = 0; i < ports.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            port(sb, ports[i], numeric);
            if (pflags[i]) {
                sb.append(':');
                port(sb, ports[++i], numeric);
            }
        }
    }

    private void port(StringBuilder sb, int port, boolean numeric) {
        String s = numeric || (proto != 6 && proto != 17) ? null : Xt.portToService(port, Services.protoName(proto));
        sb.append(s != null ? s : Integer.toString(port));
    }

    /** libxt_multiport.c revision 1 */
    public static final class Parser extends ExtParser<Match> {
        private static final int ANY = 7;
        private static final Opt[] OPTS = {
            Opt.arg("source-ports", 0, Opt.INVERT).excl(ANY), Opt.arg("sports", 0, Opt.INVERT).excl(ANY),
            Opt.arg("destination-ports", 1, Opt.INVERT).excl(ANY), Opt.arg("dports", 1, Opt.INVERT).excl(ANY),
            Opt.arg("ports", 2, Opt.INVERT).excl(ANY),
        };
        private int flags;
        private int[] ports = new int[0];
        private boolean[] pflags = new boolean[0];
        private boolean invert;

        public Parser() {
            super("multiport");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if ((ctx.invflags() & 0x40) != 0) {
                throw XtError.param("multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
            }
            int p = ctx.proto();
            if (p != 6 && p != 17 && p != 136 && p != 132 && p != 33) {
                if (p == 0) {
                    throw XtError.param("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
                }
                throw XtError.param("multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
            }
            parsePorts(arg, Services.protoName(p));
            flags = o.id();
            if (inv) {
                invert = true;
            }
        }

        /** parse_multi_ports_v1() */
        private void parsePorts(String s, String proto) {
            int[] pt = new int[MAX_PORTS];
            boolean[] pf = new boolean[MAX_PORTS];
            int i = 0;
            String cp = s;
            while (cp != null && i < MAX_PORTS) {
                int comma = cp.indexOf(',');
                String next = comma >= 0 ? cp.substring(comma + 1) : null;
                String item = comma >= 0 ? cp.substring(0, comma) : cp;
                int colon = item.indexOf(':');
                String range = null;
                if (colon >= 0) {
                    if (i == MAX_PORTS - 1) {
                        throw XtError.param("too many ports specified");
                    }
                    range = item.substring(colon + 1);
                    item = item.substring(0, colon);
                }
                pt[i] = Xt.parsePort(item, proto);
                if (range != null) {
                    pf[i] = true;
                    pt[++i] = Xt.parsePort(range, proto);
                    if (pt[i - 1] >= pt[i]) {
                        throw XtError.param("invalid portrange specified");
                    }
                }
                cp = next;
                i++;
            }
            if (cp != null) {
                throw XtError.param("too many ports specified");
            }
            ports = java.util.Arrays.copyOf(pt, i);
            pflags = java.util.Arrays.copyOf(pf, i);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("multiport expection an option");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new MultiportMatch(flags, ports, pflags, invert, ctx.proto());
        }
    }
}
