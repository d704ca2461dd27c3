package dev.hairpin.rules.ext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The libxtables helpers extensions share: C-style number parsing ({@code strtoul} with base 0),
 * ports and services, protocols, IPv4 addresses and masks, mark/mask values, and the text forms
 * iptables prints them in. Only numbers and the tables below are known: no DNS, so a host name is
 * "not found" unless it is {@code localhost}.
 */
public final class Xt {
    private Xt() {}

    /** Result of {@link #strtoul}: the value and the index where parsing stopped. */
    public record Num(long value, int end, boolean overflow) {}

    /**
     * C {@code strtoumax(s + from, &end, 0)}: skips blanks, takes an optional sign, then hex
     * ({@code 0x}), octal (leading 0) or decimal. {@code end == from} when nothing was parsed.
     */
    public static Num strtoul(String s, int from) {
        int i = from;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(s.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (i < n && s.charAt(i) == '0') {
            base = 8;
        }
        int start = i;
        long v = 0;
        boolean overflow = false;
        while (i < n) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0 || s.charAt(i) > 'z') {
                break;
            }
            long nv = v * base + d;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, base)) > 0 || Long.compareUnsigned(nv, v) < 0) {
                overflow = true;
            }
            v = nv;
            i++;
        }
        if (i == start) {
            // "0x" without digits parses the 0; nothing at all parses nothing
            return new Num(0, from, false);
        }
        return new Num(neg ? -v : v, i, overflow);
    }

    /**
     * xtables_strtoui(s, NULL, ...): the whole string must be a number in [min, max]; a leading
     * minus is refused. Returns -1 when it is not.
     */
    public static long strtoui(String s, long min, long max) {
        Num r = strtoulPrefix(s, 0, min, max);
        if (r == null || r.end() != s.length()) {
            return -1;
        }
        return r.value();
    }

    /** xtables_strtoui(s, &end, ...): a number at {@code from}, the rest may follow; null if none. */
    public static Num strtoulPrefix(String s, int from, long min, long max) {
        int p = from;
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
        if (p < s.length() && s.charAt(p) == '-') {
            return null;
        }
        Num r = strtoul(s, from);
        if (r.end() == from || r.overflow()) {
            return null;
        }
        if (Long.compareUnsigned(r.value(), min) < 0 || (max != 0 && Long.compareUnsigned(r.value(), max) > 0)) {
            return null;
        }
        return r;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    // ---------------------------------------------------------------- integers with x6 messages

    /** XTTYPE_UINT*: "bad value for option ..., or out of range (min-max)." */
    public static long parseInt(String ext, String opt, String arg, long min, long max) {
        long v = strtoui(arg, min, max);
        if (v < 0) {
            throw XtError.param(ext + ": bad value for option \"--" + opt + "\", or out of range ("
                    + min + "-" + max + ").\n");
        }
        return v;
    }

    /** XTTYPE_UINT64: the full unsigned 64-bit range (the result may read negative as a long) */
    public static long parseU64(String ext, String opt, String arg) {
        Num n = strtoulPrefix(arg, 0, 0, 0);
        if (n == null || n.end() != arg.length()) {
            throw XtError.param(ext + ": bad value for option \"--" + opt + "\", or out of range (0-"
                    + Long.toUnsignedString(-1L) + ").\n");
        }
        return n.value();
    }

    /** XTTYPE_UINT*RC: "a[:b]", missing first is 0, missing second is max; up to two values. */
    public static long[] parseRange(String ext, String opt, String arg, long max) {
        long[] vals = new long[2];
        int nvals = 0;
        int pos = 0;
        for (;;) {
            if (nvals == 2) {
                throw XtError.param(ext + ": Too many components for option \"--" + opt + "\" (max: 2)\n");
            }
            long value;
            int end;
            if (pos >= arg.length() || arg.charAt(pos) == ':') {
                end = pos;
                value = nvals == 1 ? max : 0;
            } else {
                Num r = strtoulPrefix(arg, pos, 0, max);
                if (r == null) {
                    throw XtError.param(ext + ": bad value for option \"--" + opt + "\" near \""
                            + arg.substring(pos) + "\", or out of range (0-" + Long.toUnsignedString(max) + ").\n");
                }
                end = r.end();
                value = r.value();
                if (end < arg.length() && arg.charAt(end) != ':') {
                    throw XtError.param(ext + ": Argument to \"--" + opt + "\" has unexpected characters near \""
                            + arg.substring(end) + "\".\n");
                }
            }
            vals[nvals++] = value;
            if (end >= arg.length()) {
                break;
            }
            pos = end + 1;
        }
        if (nvals == 1) {
            vals[1] = vals[0];
        }
        return vals;
    }

    /** xtables_parse_val_mask(): "value[/mask]", mask defaults to 0xffffffff. */
    public static long[] parseMarkMask(String ext, String opt, String arg) {
        Num v = strtoulPrefix(arg, 0, 0, 0xffffffffL);
        if (v == null) {
            throw XtError.param(ext + ": bad integer value for option \"--" + opt + "\", or out of range.\n");
        }
        if (v.end() == arg.length()) {
            return new long[] {v.value(), 0xffffffffL};
        }
        if (arg.charAt(v.end()) != '/') {
            throw XtError.param(ext + ": trailing garbage after value for option \"--" + opt + "\".\n");
        }
        Num m = strtoulPrefix(arg, v.end() + 1, 0, 0xffffffffL);
        if (m == null) {
            throw XtError.param(ext + ": bad integer value for option \"--" + opt + "\", or out of range.\n");
        }
        if (m.end() != arg.length()) {
            throw XtError.param(ext + ": trailing garbage after value for option \"--" + opt + "\".\n");
        }
        return new long[] {v.value(), m.value()};
    }

    /** xtables_print_val_mask(): " 0x1" or " 0x1/0xff" */
    public static void valMask(StringBuilder sb, long val, long mask) {
        sb.append(" 0x").append(Long.toHexString(val & 0xffffffffL));
        if ((mask & 0xffffffffL) != 0xffffffffL) {
            sb.append("/0x").append(Long.toHexString(mask & 0xffffffffL));
        }
    }

    // ---------------------------------------------------------------- ports

    /** getservbyname(name, NULL), as getaddrinfo() finds a service of any protocol: -1 when unknown */
    public static int serviceToPort(String name) {
        return Services.port(name, null);
    }

    /** getservbyport(port, proto): the first name of the port, or null */
    public static String portToService(int port, String proto) {
        return Services.name(port, proto);
    }

    /** xtables_parse_port(port, proto): a number 0-65535 or a service name known for proto. */
    public static int parsePort(String port, String proto) {
        long v = strtoui(port, 0, 0xffff);
        if (v >= 0) {
            return (int) v;
        }
        int s = Services.port(port, proto);
        if (s >= 0) {
            return s;
        }
        throw XtError.param("invalid port/service `" + port + "' specified");
    }

    /** xtables_getportbyname() (XTTYPE_PORT): decimal or a service; -1 when neither. */
    public static int portByName(String name) {
        if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long v;
            try {
                v = Long.parseLong(name);
            } catch (NumberFormatException e) {
                return -1;
            }
            return v <= 0xffff ? (int) v : -1;
        }
        return serviceToPort(name);
    }

    /** XTTYPE_PORTRC: "a[:b]" with services; a missing side is 0 / 65535. */
    public static int[] parsePortRangeRc(String ext, String opt, String arg) {
        int[] r = {0, 0xffff};
        int nvals = 0;
        String[] parts = arg.split(":", -1);
        for (String p : parts) {
            if (nvals == 2) {
                throw XtError.param(ext + ": Too many components for option \"--" + opt + "\" (max: 2)\n");
            }
            if (p.isEmpty()) {
                nvals++;
                continue;
            }
            int v = portByName(p);
            if (v < 0) {
                throw XtError.param("Port \"" + p + "\" does not resolve to anything.\n");
            }
            r[nvals++] = v;
        }
        if (nvals == 1) {
            r[1] = r[0];
        }
        return r;
    }

    // ---------------------------------------------------------------- protocols

    /** xtables_chain_protos: the names iptables knows without /etc/protocols (first wins). */
    private static final String[][] CHAIN_PROTOS = {
        {"tcp", "6"}, {"sctp", "132"}, {"udp", "17"}, {"udplite", "136"}, {"icmp", "1"},
        {"ipv6-icmp", "58"}, {"icmpv6", "58"}, {"esp", "50"}, {"ah", "51"},
        {"mobility-header", "135"}, {"ipv6-mh", "135"}, {"mh", "135"}, {"all", "0"},
    };

    /** Debian netbase /etc/protocols: number to official name. */
    private static final Map<Integer, String> PROTOCOLS = Map.ofEntries(
            Map.entry(0, "ip"), Map.entry(1, "icmp"), Map.entry(2, "igmp"), Map.entry(3, "ggp"),
            Map.entry(4, "ipencap"), Map.entry(5, "st"), Map.entry(6, "tcp"), Map.entry(8, "egp"),
            Map.entry(9, "igp"), Map.entry(12, "pup"), Map.entry(17, "udp"), Map.entry(20, "hmp"),
            Map.entry(22, "xns-idp"), Map.entry(27, "rdp"), Map.entry(29, "iso-tp4"), Map.entry(33, "dccp"),
            Map.entry(36, "xtp"), Map.entry(37, "ddp"), Map.entry(38, "idpr-cmtp"), Map.entry(41, "ipv6"),
            Map.entry(43, "ipv6-route"), Map.entry(44, "ipv6-frag"), Map.entry(45, "idrp"), Map.entry(46, "rsvp"),
            Map.entry(47, "gre"), Map.entry(50, "esp"), Map.entry(51, "ah"), Map.entry(57, "skip"),
            Map.entry(58, "ipv6-icmp"), Map.entry(59, "ipv6-nonxt"), Map.entry(60, "ipv6-opts"),
            Map.entry(73, "rspf"), Map.entry(81, "vmtp"), Map.entry(88, "eigrp"), Map.entry(89, "ospf"),
            Map.entry(93, "ax.25"), Map.entry(94, "ipip"), Map.entry(97, "etherip"), Map.entry(98, "encap"),
            Map.entry(103, "pim"), Map.entry(108, "ipcomp"), Map.entry(112, "vrrp"), Map.entry(115, "l2tp"),
            Map.entry(124, "isis"), Map.entry(132, "sctp"), Map.entry(133, "fc"), Map.entry(135, "mobility-header"),
            Map.entry(136, "udplite"), Map.entry(137, "mpls-in-ip"), Map.entry(138, "manet"), Map.entry(139, "hip"),
            Map.entry(140, "shim6"), Map.entry(141, "wesp"), Map.entry(142, "rohc"), Map.entry(143, "ethernet"));

    /** getprotobyname(): names and aliases of /etc/protocols; -1 when unknown */
    private static int protoByName(String name) {
        for (Map.Entry<Integer, String> e : PROTOCOLS.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return switch (name) {
            case "IP" -> 0;
            case "ICMP" -> 1;
            case "IGMP" -> 2;
            case "TCP" -> 6;
            case "UDP" -> 17;
            case "GRE" -> 47;
            case "IPV6-ICMP" -> 58;
            case "OSPFIGP" -> 89;
            case "IPIP" -> 94;
            case "SCTP" -> 132;
            case "UDPLite" -> 136;
            default -> -1;
        };
    }

    /** xtables_parse_protocol(): number, built-in name, or /etc/protocols name. */
    public static int parseProtocol(String s) {
        long v = strtoui(s, 0, 255);
        if (v >= 0) {
            return (int) v;
        }
        for (String[] p : CHAIN_PROTOS) {
            if (p[0].equals(s)) {
                return Integer.parseInt(p[1]);
            }
        }
        int n = protoByName(s);
        if (n >= 0) {
            return n;
        }
        throw XtError.param("unknown protocol \"" + s + "\" specified");
    }

    /**
     * proto_to_name(): the built-in name, else (unless {@code nolookup}) /etc/protocols; null
     * when there is none (iptables then prints the number).
     */
    public static String protoName(int proto, boolean nolookup) {
        for (String[] p : CHAIN_PROTOS) {
            if (Integer.parseInt(p[1]) == proto) {
                return p[0];
            }
        }
        if (proto != 0 && !nolookup) {
            return PROTOCOLS.get(proto);
        }
        return null;
    }

    /** Whether {@code name} is a protocol name known without a lookup. */
    public static boolean isChainProto(String name) {
        for (String[] p : CHAIN_PROTOS) {
            if (p[0].equals(name)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- addresses

    /** xtables_numeric_to_ipaddr(): "a.b.c.d", shorter forms complete with zeros ("10" = 10.0.0.0). */
    public static long numericToIpaddr(String dotted, boolean isMask) {
        String s = dotted.length() > 19 ? dotted.substring(0, 19) : dotted;
        int addr = 0;
        int p = 0;
        for (int i = 0; i < 3; i++) {
            int q = s.indexOf('.', p);
            if (q < 0) {
                if (isMask) {
                    return -1;
                }
                long b = strtoui(s.substring(p), 0, 255);
                if (b < 0) {
                    return -1;
                }
                addr |= (int) b << (24 - 8 * i);
                return addr & 0xffffffffL;
            }
            long b = strtoui(s.substring(p, q), 0, 255);
            if (b < 0) {
                return -1;
            }
            addr |= (int) b << (24 - 8 * i);
            p = q + 1;
        }
        long b = strtoui(s.substring(p), 0, 255);
        if (b < 0) {
            return -1;
        }
        return (addr | (int) b) & 0xffffffffL;
    }

    /** inet_aton() as getaddrinfo uses it: a, a.b, a.b.c, a.b.c.d with C numbers; -1 if not. */
    public static long inetAton(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4 || s.isEmpty()) {
            return -1;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || !Character.isDigit(p.charAt(0))) {
                return -1;
            }
            Num n = strtoul(p, 0);
            if (n.end() != p.length() || n.overflow() || n.value() < 0) {
                return -1;
            }
            v[i] = n.value();
        }
        long addr;
        switch (parts.length) {
            case 1 -> {
                if (v[0] > 0xffffffffL) {
                    return -1;
                }
                addr = v[0];
            }
            case 2 -> {
                if (v[0] > 255 || v[1] > 0xffffffL) {
                    return -1;
                }
                addr = v[0] << 24 | v[1];
            }
            case 3 -> {
                if (v[0] > 255 || v[1] > 255 || v[2] > 0xffff) {
                    return -1;
                }
                addr = v[0] << 24 | v[1] << 16 | v[2];
            }
            default -> {
                for (long x : v) {
                    if (x > 255) {
                        return -1;
                    }
                }
                addr = v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
            }
        }
        return addr;
    }

    /**
     * A host name to an address as getaddrinfo() finds it without DNS: what inet_aton() reads
     * (hex, octal, short forms such as 0x0a000001), else localhost.
     */
    public static long hostToAddr(String name) {
        long a = inetAton(name);
        if (a >= 0) {
            return a;
        }
        if (name.equals("localhost") || name.equals("localhost.localdomain")) {
            return 0x7f000001L;
        }
        return -1;
    }

    /** parse_ipmask(): dotted mask or prefix length; null means /32. */
    public static int parseIpMask(String mask) {
        if (mask == null) {
            return -1;
        }
        long m = numericToIpaddr(mask, true);
        if (m >= 0) {
            return (int) m;
        }
        long bits = strtoui(mask, 0, 32);
        if (bits < 0) {
            throw XtError.param("invalid mask `" + mask + "' specified");
        }
        return bits == 0 ? 0 : -1 << (32 - bits);
    }

    /** An address with its mask, addr already masked. */
    public record AddrMask(int addr, int mask) {}

    /**
     * xtables_ipparse_multiple(): "a[/m][,b[/m]...]"; each address is masked.
     */
    public static List<AddrMask> ipparseMultiple(String name) {
        List<AddrMask> out = new ArrayList<>();
        int loop = 0;
        for (;;) {
            while (loop < name.length() && isSpace(name.charAt(loop))) {
                loop++;
            }
            int next = name.indexOf(',', loop);
            String buf = next < 0 ? name.substring(loop) : name.substring(loop, next);
            if (buf.length() > 255) {
                throw XtError.param("Hostname too long");
            }
            int slash = buf.lastIndexOf('/');
            int mask;
            if (slash >= 0) {
                mask = parseIpMask(buf.substring(slash + 1));
                buf = buf.substring(0, slash);
            } else {
                mask = -1;
            }
            if (mask == 0) {
                buf = "0.0.0.0";
            }
            long a = hostNetwork(buf);
            out.add(new AddrMask((int) a & mask, mask));
            if (next < 0) {
                break;
            }
            loop = next + 1;
        }
        return out;
    }

    /** ipparse_hostnetwork(): numeric, network name, or host name. */
    public static long hostNetwork(String buf) {
        long a = numericToIpaddr(buf, false);
        if (a < 0) {
            a = hostToAddr(buf);
        }
        if (a < 0) {
            throw XtError.param("host/network `" + buf + "' not found");
        }
        return a;
    }

    /** XTTYPE_HOST: getaddrinfo() of one address; returns the address. */
    public static int parseHost(String arg) {
        long a = inetAton(arg);
        if (a < 0) {
            a = hostToAddr(arg);
        }
        if (a < 0) {
            throw XtError.param("getaddrinfo: Name or service not known\n");
        }
        return (int) a;
    }

    /** XTTYPE_HOSTMASK: "host[/plen or mask]"; returns {addr, mask}. */
    public static int[] parseHostMask(String ext, String opt, String arg) {
        int slash = arg.indexOf('/');
        if (slash < 0) {
            return new int[] {parseHost(arg), -1};
        }
        int addr = parseHost(arg.substring(0, slash));
        String p = arg.substring(slash + 1);
        int plen = parsePlen(ext, opt, p);
        return new int[] {addr, plen < 0 ? -1 : plen == 0 ? 0 : -1 << (32 - plen)};
    }

    /**
     * XTTYPE_PLEN / XTTYPE_PLENMASK: a prefix length 0-32 (strtoul, any base), else a mask in any
     * inet_aton() form ("33" is 0.0.0.33) turned into its prefix length; -1 for a mask that is not
     * contiguous (a plen mask then stays all ones, a plain plen is out of range: both recorded).
     */
    public static int parsePlen(String ext, String opt, String p) {
        long plen = strtoui(p, 0, 32);
        if (plen >= 0) {
            return (int) plen;
        }
        long m = inetAton(p);
        if (m < 0) {
            throw XtError.param(ext + ": bad value for option \"--" + opt
                    + "\", neither a valid network mask nor valid CIDR (0-32).\n");
        }
        return maskToCidr((int) m);
    }

    public static String ipToString(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** xtables_ipmask_to_cidr(): -1 when not contiguous */
    public static int maskToCidr(int mask) {
        int bits = -1;
        for (int i = 32; i >= 0; i--, bits <<= 1) {
            if (i == 0) {
                bits = 0;
            }
            if (bits == mask) {
                return i;
            }
        }
        return -1;
    }

    /** xtables_ipmask_to_numeric(): "" for /32, "/n", or "/a.b.c.d" */
    public static String maskToNumeric(int mask) {
        int cidr = maskToCidr(mask);
        if (cidr < 0) {
            return "/" + ipToString(mask);
        }
        if (cidr == 32) {
            return "";
        }
        return "/" + cidr;
    }

    /** xtables_save_string(): bare when only [A-Za-z0-9_-], else double-quoted with \ escapes */
    public static void saveString(StringBuilder sb, String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
        sb.append(' ');
        if (plain) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\'') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** C's strncasecmp(a, b, n) == 0 over the first n chars of a (b shorter than n: no match) */
    public static boolean prefixIgnoreCase(String a, int len, String full) {
        if (len > full.length()) {
            return false;
        }
        // strncasecmp stops at the shorter string's NUL: len chars of a against full
        return a.regionMatches(true, 0, full, 0, len) && (len == full.length() || len <= full.length());
    }

    /**
     * What a C char buffer keeps of a string: its first {@code max} bytes (UTF-8), as an
     * XTOPT_PUT string option silently truncates to the buffer size minus the NUL.
     */
    public static String cstr(String s, int max) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return b.length <= max ? s : new String(b, 0, max, java.nio.charset.StandardCharsets.UTF_8);
    }
}
