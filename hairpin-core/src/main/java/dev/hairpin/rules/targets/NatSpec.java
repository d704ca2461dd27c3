package dev.hairpin.rules.targets;

import dev.hairpin.nat.NatRange;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * The {@code [addr[-addr]][:port[-port[/port]]]} syntax of the NAT targets (libxt_NAT.c
 * parse_to/parse_ports) and the text they print it back as (sprint_range).
 */
final class NatSpec {
    private NatSpec() {}

    /** Mutable nf_nat_range2 while parsing. */
    static final class Range {
        int flags;
        int minAddr;
        int maxAddr;
        int minProto;
        int maxProto;
        int baseProto;

        NatRange toRange() {
            return new NatRange(flags, minAddr, maxAddr, minProto, maxProto, baseProto);
        }
    }

    /** whether the rule's -p allows ports (tcp, udp, sctp, dccp, icmp) */
    static boolean portOk(int proto) {
        return proto == 6 || proto == 17 || proto == 132 || proto == 33 || proto == 1;
    }

    static void parsePorts(String arg, boolean portok, Range r) {
        if (!portok) {
            throw XtError.param("Need TCP, UDP, SCTP or DCCP with port specification");
        }
        r.flags |= NatRange.PROTO_SPECIFIED;
        int port;
        int end;
        Xt.Num n = Xt.strtoulPrefix(arg, 0, 0, 0xffff);
        if (n == null) {
            port = Xt.serviceToPort(arg);
            if (port < 0) {
                throw XtError.param("Port `" + arg + "' not valid");
            }
            end = arg.length();
        } else {
            port = (int) n.value();
            end = n.end();
        }
        if (end == arg.length()) {
            r.minProto = port;
            r.maxProto = port;
            return;
        }
        char c = arg.charAt(end);
        if (c == ':') {
            throw XtError.param("Invalid port:port syntax - use dash");
        }
        if (c != '-') {
            throw XtError.param("Garbage after port value: `" + arg.substring(end) + "'");
        }
        String rest = arg.substring(end + 1);
        Xt.Num m = Xt.strtoulPrefix(rest, 0, 0, 0xffff);
        if (m == null) {
            throw XtError.param("Port `" + rest + "' not valid");
        }
        int maxport = (int) m.value();
        if (maxport < port) {
            throw XtError.param("Port range `" + rest + "' funky");
        }
        r.minProto = port;
        r.maxProto = maxport;
        if (m.end() == rest.length()) {
            return;
        }
        if (rest.charAt(m.end()) != '/') {
            throw XtError.param("Garbage after port range: `" + rest.substring(m.end()) + "'");
        }
        String b = rest.substring(m.end() + 1);
        long base = Xt.strtoui(b, 1, 0xffff);
        if (base < 0) {
            base = Xt.serviceToPort(b);
            if (base < 0) {
                throw XtError.param("Port `" + b + "' not valid");
            }
        }
        r.flags |= NatRange.PROTO_OFFSET;
        r.baseProto = (int) base;
    }

    /** parse_to() for IPv4 */
    static void parseTo(String arg, boolean portok, Range r) {
        if (arg.indexOf('[') >= 0) {
            throw XtError.param("Invalid address format");
        }
        int colon = arg.indexOf(':');
        if (colon >= 0 && arg.indexOf(':', colon + 1) >= 0) {
            colon = -1;
        }
        String start = arg;
        if (colon >= 0) {
            parsePorts(arg.substring(colon + 1), portok, r);
            if (colon == 0 || colon == 2) {
                // ":port" (or, as the C code has it, two characters then a colon) carries no address
                return;
            }
            start = arg.substring(0, colon);
        }
        r.flags |= NatRange.MAP_IPS;
        int dash = start.indexOf('-');
        String lo = dash >= 0 ? start.substring(0, dash) : start;
        r.minAddr = pton(lo);
        r.maxAddr = dash >= 0 ? pton(start.substring(dash + 1)) : r.minAddr;
    }

    /** inet_pton(AF_INET): exactly four decimal octets */
    static int pton(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            throw XtError.param("Bad IP address \"" + s + "\"");
        }
        int a = 0;
        for (String x : p) {
            if (x.isEmpty() || x.length() > 3 || !x.chars().allMatch(Character::isDigit)
                    || (x.length() > 1 && x.charAt(0) == '0')) {
                throw XtError.param("Bad IP address \"" + s + "\"");
            }
            int v = Integer.parseInt(x);
            if (v > 255) {
                throw XtError.param("Bad IP address \"" + s + "\"");
            }
            a = a << 8 | v;
        }
        return a;
    }

    /** sprint_range() */
    static String range(NatRange r) {
        StringBuilder b = new StringBuilder();
        if (r.has(NatRange.MAP_IPS)) {
            b.append(Xt.ipToString(r.minAddr()));
            if (r.maxAddr() != r.minAddr()) {
                b.append('-').append(Xt.ipToString(r.maxAddr()));
            }
        }
        if (r.has(NatRange.PROTO_SPECIFIED)) {
            b.append(':').append(r.minProto());
            if (r.maxProto() != r.minProto()) {
                b.append('-').append(r.maxProto());
            }
            if (r.has(NatRange.PROTO_OFFSET)) {
                b.append('/').append(r.baseProto());
            }
        }
        return b.toString();
    }

    /** __NAT_print() */
    static void print(StringBuilder sb, NatRange r, String rangeopt, String flagPfx, boolean skipColon) {
        String s = range(r);
        if (!s.isEmpty()) {
            if (s.charAt(0) == ':' && skipColon) {
                s = s.substring(1);
            }
            sb.append(' ').append(rangeopt).append(s);
        }
        if (r.has(NatRange.PROTO_RANDOM)) {
            sb.append(' ').append(flagPfx).append("random");
        }
        if (r.has(NatRange.PROTO_RANDOM_FULLY)) {
            sb.append(' ').append(flagPfx).append("random-fully");
        }
        if (r.has(NatRange.PERSISTENT)) {
            sb.append(' ').append(flagPfx).append("persistent");
        }
    }
}
