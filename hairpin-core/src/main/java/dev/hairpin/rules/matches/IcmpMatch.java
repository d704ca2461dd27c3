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

/**
 * {@code -m icmp --icmp-type} (ip_tables.c icmp_match, libipt_icmp.c): a type and a code range;
 * type 255 ("any") matches every ICMP packet.
 */
public final class IcmpMatch implements Match {
    /** name, type, code min, code max (libxt_icmp.h icmp_codes, aliases included) */
    private static final Object[][] CODES = {
        {"any", 0xff, 0, 0xff}, {"echo-reply", 0, 0, 0xff}, {"pong", 0, 0, 0xff},
        {"destination-unreachable", 3, 0, 0xff}, {"network-unreachable", 3, 0, 0}, {"host-unreachable", 3, 1, 1},
        {"protocol-unreachable", 3, 2, 2}, {"port-unreachable", 3, 3, 3}, {"fragmentation-needed", 3, 4, 4},
        {"source-route-failed", 3, 5, 5}, {"network-unknown", 3, 6, 6}, {"host-unknown", 3, 7, 7},
        {"network-prohibited", 3, 9, 9}, {"host-prohibited", 3, 10, 10}, {"TOS-network-unreachable", 3, 11, 11},
        {"TOS-host-unreachable", 3, 12, 12}, {"communication-prohibited", 3, 13, 13},
        {"host-precedence-violation", 3, 14, 14}, {"precedence-cutoff", 3, 15, 15},
        {"source-quench", 4, 0, 0xff}, {"redirect", 5, 0, 0xff}, {"network-redirect", 5, 0, 0},
        {"host-redirect", 5, 1, 1}, {"TOS-network-redirect", 5, 2, 2}, {"TOS-host-redirect", 5, 3, 3},
        {"echo-request", 8, 0, 0xff}, {"ping", 8, 0, 0xff}, {"router-advertisement", 9, 0, 0xff},
        {"router-solicitation", 10, 0, 0xff}, {"time-exceeded", 11, 0, 0xff}, {"ttl-exceeded", 11, 0, 0xff},
        {"ttl-zero-during-transit", 11, 0, 0}, {"ttl-zero-during-reassembly", 11, 1, 1},
        {"parameter-problem", 12, 0, 0xff}, {"ip-header-bad", 12, 0, 0}, {"required-option-missing", 12, 1, 1},
        {"timestamp-request", 13, 0, 0xff}, {"timestamp-reply", 14, 0, 0xff},
        {"address-mask-request", 17, 0, 0xff}, {"address-mask-reply", 18, 0, 0xff},
    };

    private final int type;
    private final int codeMin;
    private final int codeMax;
    private final boolean invert;

    public IcmpMatch(int type, int codeMin, int codeMax, boolean invert) {
        this.type = type;
        this.codeMin = codeMin;
        this.codeMax = codeMax;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "icmp";
    }

    @Override
    public int proto() {
        return Ipv4.PROTO_ICMP;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            return false;
        }
        if (!L4.has(skb, 2)) {
            par.hotdrop = true;
            return false;
        }
        int t = L4.u8(skb, 0);
        int c = L4.u8(skb, 1);
        return (type == 0xff || (t == type && c >= codeMin && c <= codeMax)) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        if (type == 0xff) {
            sb.append(" --icmp-type any");
        } else {
            sb.append(" --icmp-type ").append(type);
            if (codeMin != 0 || codeMax != 0xff) {
                sb.append('/').append(codeMin);
            }
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" icmp");
        if (!numeric) {
            for (Object[] c : CODES) {
                if ((int) c[1] == type && (int) c[2] == codeMin && (int) c[3] == codeMax) {
                    sb.append(' ').append(invert ? "!" : "").append(c[0]);
                    return;
                }
            }
        }
        if (invert) {
            sb.append(" !");
        }
        sb.append("type ").append(type);
        if (codeMin == codeMax) {
            sb.append(" code ").append(codeMin);
        } else if (codeMin != 0 || codeMax != 0xff) {
            sb.append(" codes ").append(codeMin).append('-').append(codeMax);
        }
    }

    /** libipt_icmp.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("icmp-type", 0, Opt.MAND | Opt.INVERT)};
        private int type;
        private int[] code = {0, 0xff};
        private boolean inv;

        public Parser() {
            super("icmp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            int match = -1;
            for (int i = 0; i < CODES.length; i++) {
                String n = (String) CODES[i][0];
                if (arg.length() > n.length() || !n.regionMatches(true, 0, arg, 0, arg.length())) {
                    continue;
                }
                if (match >= 0) {
                    throw XtError.param("Ambiguous ICMP type `" + arg + "': `" + CODES[match][0] + "' or `" + n + "'?");
                }
                match = i;
            }
            if (match >= 0) {
                type = (int) CODES[match][1];
                code = new int[] {(int) CODES[match][2], (int) CODES[match][3]};
            } else {
                int[] num = new int[2];
                int next = range(arg, 0, num);
                if (next < 0) {
                    throw XtError.param("Unknown ICMP type `" + arg + "'");
                }
                int t0 = num[0];
                int t1 = num[1];
                if (next == arg.length()) {
                    code = new int[] {0, 255};
                } else if (arg.charAt(next) == '/') {
                    next = range(arg, next + 1, num);
                    if (next < 0) {
                        throw XtError.param("Unknown ICMP code `" + arg + "'");
                    }
                    code = new int[] {num[0], num[1]};
                    if (next != arg.length()) {
                        throw XtError.param("unknown character " + arg.charAt(next));
                    }
                } else {
                    throw XtError.param("unknown character " + arg.charAt(next));
                }
                if (t0 != t1) {
                    throw XtError.param("ICMP type range not supported");
                }
                type = t0;
            }
            inv = invert;
        }

        /** parse_range(): "n" or "n:m", each 0-255; returns the index after it, -1 if none */
        private static int range(String s, int from, int[] res) {
            Xt.Num a = Xt.strtoulPrefix(s, from, 0, 255);
            if (a == null) {
                return -1;
            }
            res[0] = (int) a.value();
            res[1] = res[0];
            int next = a.end();
            if (next < s.length() && s.charAt(next) == ':') {
                Xt.Num b = Xt.strtoulPrefix(s, next + 1, 0, 255);
                if (b == null) {
                    return -1;
                }
                res[1] = (int) b.value();
                next = b.end();
            }
            return next;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new IcmpMatch(type, code[0], code[1], inv);
        }
    }
}
