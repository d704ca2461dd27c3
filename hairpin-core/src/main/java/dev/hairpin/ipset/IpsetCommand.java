package dev.hairpin.ipset;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.tools.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ipset} (7.17) over {@link IpSets}: create/add/del/test/list/save/restore/flush/destroy/
 * rename/swap for hash:ip, hash:net, hash:ip,port and bitmap:port, with the tool's list and save
 * formats, messages and exit statuses (1 for what the kernel refuses, 2 for bad syntax with
 * "Try `ipset help'").
 */
public final class IpsetCommand {
    private IpsetCommand() {}

    public static final String VERSION = "7.17";
    static final String PREFIX = "ipset v" + VERSION + ": ";

    /** A refused command: message and exit status. */
    static final class Fail extends RuntimeException {
        final int status;

        Fail(int status, String msg) {
            super(msg, null, false, false);
            this.status = status;
        }
    }

    static Fail kernel(String msg) {
        return new Fail(1, msg);
    }

    /** what ipset's own parser refuses (ipset_err: exit 1, no hint) */
    static Fail syntax(String msg) {
        return new Fail(1, msg);
    }

    /** a bad command line (exit_error(PARAMETER_PROBLEM): exit 2 and "Try `ipset help'") */
    static Fail param(String msg) {
        return new Fail(2, msg);
    }

    private static final Map<String, Integer> SERVICES = Map.ofEntries(Map.entry("ftp", 21), Map.entry("ssh", 22),
            Map.entry("telnet", 23), Map.entry("smtp", 25), Map.entry("domain", 53), Map.entry("http", 80), Map.entry("www", 80),
            Map.entry("pop3", 110), Map.entry("ntp", 123), Map.entry("imap", 143), Map.entry("snmp", 161), Map.entry("ldap", 389),
            Map.entry("https", 443), Map.entry("smtps", 465), Map.entry("submission", 587), Map.entry("imaps", 993),
            Map.entry("pop3s", 995), Map.entry("mysql", 3306), Map.entry("postgresql", 5432));
    /** ICMP type/code names (ipset's icmp.c), as type << 8 | code */
    private static final Map<String, Integer> ICMP = new java.util.LinkedHashMap<>();

    static {
        String[] n = {"echo-reply", "0/0", "network-unreachable", "3/0", "host-unreachable", "3/1", "protocol-unreachable", "3/2",
            "port-unreachable", "3/3", "fragmentation-needed", "3/4", "source-route-failed", "3/5", "network-unknown", "3/6",
            "host-unknown", "3/7", "network-prohibited", "3/9", "host-prohibited", "3/10", "TOS-network-unreachable", "3/11",
            "TOS-host-unreachable", "3/12", "communication-prohibited", "3/13", "host-precedence-violation", "3/14",
            "precedence-cutoff", "3/15", "source-quench", "4/0", "network-redirect", "5/0", "host-redirect", "5/1",
            "TOS-network-redirect", "5/2", "TOS-host-redirect", "5/3", "echo-request", "8/0", "router-advertisement", "9/0",
            "router-solicitation", "10/0", "ttl-zero-during-transit", "11/0", "ttl-zero-during-reassembly", "11/1",
            "ip-header-bad", "12/0", "required-option-missing", "12/1", "timestamp-request", "13/0", "timestamp-reply", "14/0",
            "address-mask-request", "17/0", "address-mask-reply", "18/0"};
        for (int i = 0; i < n.length; i += 2) {
            String[] tc = n[i + 1].split("/");
            ICMP.put(n[i], Integer.parseInt(tc[0]) << 8 | Integer.parseInt(tc[1]));
        }
    }

    private static final Map<String, Integer> PROTOS = Map.of("tcp", 6, "udp", 17, "sctp", 132, "udplite", 136, "icmp", 1,
            "gre", 47, "esp", 50, "ah", 51);

    /** argv without "ipset"; {@code stdin} feeds restore */
    public static ToolResult run(IpSets sets, List<String> argv, String stdin) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        try {
            Opts o = new Opts();
            List<String> words = new ArrayList<>();
            for (String a : argv) {
                switch (a) {
                    case "-!", "-exist" -> o.exist = true;
                    case "-q", "-quiet" -> o.quiet = true;
                    case "-n", "-name" -> o.names = true;
                    case "-t", "-terse" -> o.terse = true;
                    case "-s", "-sorted" -> o.sorted = true;
                    default -> words.add(a);
                }
            }
            int oi = words.indexOf("-o");
            if (oi < 0) {
                oi = words.indexOf("-output");
            }
            if (oi >= 0) {
                if (oi + 1 >= words.size() || !List.of("plain", "save", "xml").contains(words.get(oi + 1))) {
                    throw syntax("Syntax error: unknown output mode '" + (oi + 1 < words.size() ? words.get(oi + 1) : "") + "'");
                }
                o.save = words.get(oi + 1).equals("save");
                words.remove(oi + 1);
                words.remove(oi);
            }
            if (words.isEmpty()) {
                throw param("No command specified.");
            }
            command(sets, words, o, stdin, out, err);
            return new ToolResult(out.toString(), err.toString(), o.rc);
        } catch (Fail f) {
            err.append(PREFIX).append(f.getMessage()).append('\n');
            if (f.status == 2) {
                err.append("Try `ipset help' for more information.\n");
            }
            return new ToolResult(out.toString(), err.toString(), f.status);
        }
    }

    static final class Opts {
        boolean exist;
        boolean quiet;
        boolean names;
        boolean terse;
        boolean sorted;
        boolean save;
        /** parse only (restore batches element lines) */
        boolean dry;
        int rc;
    }

    private static void command(IpSets sets, List<String> w, Opts o, String stdin, StringBuilder out, StringBuilder err) {
        String c = w.getFirst();
        List<String> a = w.subList(1, w.size());
        switch (c) {
            case "create", "n", "new", "-N", "-C", "c" -> create(sets, a, o);
            case "add", "a", "-A" -> adt(sets, a, o, 'a', err);
            case "del", "d", "-D" -> adt(sets, a, o, 'd', err);
            case "test", "t", "-T" -> adt(sets, a, o, 't', err);
            case "list", "l", "-L" -> list(sets, a, o, out);
            case "save", "s", "-S" -> {
                o.save = true;
                list(sets, a, o, out);
            }
            case "flush", "f", "-F" -> {
                for (IpSet s : targets(sets, a)) {
                    s.flush();
                }
            }
            case "destroy", "x", "-X" -> destroy(sets, a);
            case "rename", "e", "-E" -> rename(sets, a);
            case "swap", "w", "-W" -> swap(sets, a);
            case "restore", "r", "-R" -> restore(sets, stdin, o, err);
            case "version", "v", "-V" -> out.append("ipset v").append(VERSION).append(", protocol version: 7\n");
            default -> throw param("No command specified: unknown argument " + c);
        }
    }

    private static List<IpSet> targets(IpSets sets, List<String> a) {
        if (a.isEmpty()) {
            return new ArrayList<>(sets.sets.values());
        }
        IpSet s = sets.get(a.getFirst());
        if (s == null) {
            throw kernel("The set with the given name does not exist");
        }
        return List.of(s);
    }

    // ---------------------------------------------------------------- create

    private static void create(IpSets sets, List<String> a, Opts o) {
        if (a.size() < 2) {
            throw param(missing(a, "create"));
        }
        String name = a.get(0);
        if (name.length() > 31) {
            throw syntax("Syntax error: setname '" + name + "' is longer than 31 characters");
        }
        IpSet.Type t = IpSet.Type.of(a.get(1));
        if (t == null) {
            throw syntax("Syntax error: typename '" + a.get(1) + "' is unknown");
        }
        int hashsize = 1024;
        int maxelem = 65536;
        long timeout = -1;
        boolean counters = false;
        int from = -1;
        int to = -1;
        Integer initval = null;
        int bucketsize = 12;
        for (int i = 2; i < a.size(); i++) {
            String k = a.get(i);
            switch (k) {
                case "family" -> {
                    String f = value(a, ++i, k);
                    if (!f.equals("inet")) {
                        throw kernel(f.equals("inet6") ? "hairpin models IPv4 sets only" : "Syntax error: unknown family " + f);
                    }
                }
                case "hashsize", "--hashsize" -> hashsize = (int) number(value(a, ++i, k), k);
                case "maxelem" -> maxelem = (int) number(value(a, ++i, k), k);
                case "timeout" -> timeout = number(value(a, ++i, k), k);
                case "counters" -> counters = true;
                case "bucketsize" -> {
                    // as the kernel takes it: at least AHASH_INIT_SIZE, at most AHASH_MAX_SIZE (12), even
                    long b = number(value(a, ++i, k), k);
                    bucketsize = (int) (b < 2 ? 2 : b > 12 ? 12 : b + (b & 1));
                }
                case "initval" -> initval = (int) Long.parseLong(value(a, ++i, k).replaceFirst("^0x", ""), 16);
                case "range" -> {
                    int[] r = portRange(value(a, ++i, k));
                    from = r[0];
                    to = r[1];
                }
                case "--from", "--to", "--network" -> {
                    String v = value(a, ++i, k);
                    if (t == IpSet.Type.BITMAP_PORT && !k.equals("--network")) {
                        if (k.equals("--from")) {
                            from = port(v);
                        } else {
                            to = port(v);
                        }
                    } // ipset 4's ipporthash range options: accepted and ignored by the hash types
                }
                default -> throw param("Unknown argument: `" + k + "'");
            }
        }
        if (t == IpSet.Type.BITMAP_PORT) {
            if (from < 0 || to < 0) {
                throw param("Mandatory option `range' is missing");
            }
            if (from > to) {
                int x = from;
                from = to;
                to = x;
            }
        } else if (from >= 0) {
            throw param("Unknown argument: `range'");
        }
        int hs = 64;
        while (hs < hashsize) {
            hs <<= 1;
        }
        IpSet existing = sets.get(name);
        if (existing != null) {
            // -exist passes over a set the same but for hashsize and initval (the type's same_set())
            if (o.exist && existing.type == t && existing.maxelem == maxelem && existing.timeout == timeout
                    && existing.counters == counters && existing.rangeFrom == from && existing.rangeTo == to) {
                return;
            }
            throw kernel("Set cannot be created: set with the same name already exists");
        }
        sets.sets.put(name, new IpSet(name, t, hs, maxelem, timeout, counters, from, to, initval != null ? initval : sets.nextInitval(), bucketsize, sets.clock));
        sets.changed();
    }

    /** ipset's words for a command missing its set name or its second argument */
    private static String missing(List<String> a, String cmd) {
        return (a.isEmpty() ? "Missing mandatory argument to command " : "Missing second mandatory argument to command ") + cmd;
    }

    private static String value(List<String> a, int i, String k) {
        if (i >= a.size()) {
            throw param("Missing mandatory argument of option `" + k + "'");
        }
        return a.get(i);
    }

    private static long number(String v, String k) {
        if (!v.matches("\\d{1,10}")) {
            throw syntax("Syntax error: '" + v + "' is invalid as number");
        }
        return Long.parseLong(v);
    }

    // ---------------------------------------------------------------- add / del / test

    private static void adt(IpSets sets, List<String> a, Opts o, char op, StringBuilder err) {
        if (a.size() < 2) {
            throw param(missing(a, op == 'a' ? "add" : op == 'd' ? "del" : "test"));
        }
        IpSet s = sets.get(a.get(0));
        if (s == null) {
            throw kernel("The set with the given name does not exist");
        }
        String elem = a.get(1);
        Long timeout = null;
        boolean nomatch = false;
        long packets = 0;
        long bytes = 0;
        boolean counted = false;
        for (int i = 2; i < a.size(); i++) {
            String k = a.get(i);
            switch (k) {
                case "timeout" -> timeout = number(value(a, ++i, k), k);
                case "nomatch" -> {
                    if (s.type != IpSet.Type.HASH_NET) {
                        throw param("Unknown argument: `nomatch'");
                    }
                    nomatch = true;
                }
                case "packets" -> {
                    packets = number(value(a, ++i, k), k);
                    counted = true;
                }
                case "bytes" -> {
                    bytes = number(value(a, ++i, k), k);
                    counted = true;
                }
                default -> throw param("Unknown argument: `" + k + "'");
            }
        }
        List<IpSet.Key> keys = keys(s, elem, op);
        if (o.dry) {
            return; // restore parsing a line it will send later
        }
        if (timeout != null && s.timeout < 0) {
            throw kernel("Timeout cannot be used: set was created without timeout support");
        }
        if (counted && !s.counters) {
            throw kernel("Packet/byte counters cannot be used: set was created without counter support");
        }
        if (op == 't') {
            IpSet.Key k = keys.getFirst();
            IpSet.Entry e = s.type == IpSet.Type.HASH_NET && k.cidr() == 32 ? s.lookup(k.addr(), 0, 0) : s.get(k);
            boolean in = e != null && e.nomatch == nomatch;
            if (!o.quiet) {
                err.append(in ? "Warning: " : "").append(element(s, k, null)).append(in ? " is in set " : " is NOT in set ").append(s.name).append(".\n");
            }
            o.rc = in ? 0 : 1;
            return;
        }
        long now = sets.clock.getAsLong();
        for (IpSet.Key k : keys) {
            IpSet.Entry e = s.get(k);
            if (op == 'd') {
                if (e == null) {
                    if (o.exist) {
                        continue;
                    }
                    throw kernel("Element cannot be deleted from the set: it's not added");
                }
                s.remove(k);
                continue;
            }
            if (e != null && !o.exist) {
                throw kernel("Element cannot be added to the set: it's already added");
            }
            if (e == null && !s.members.containsKey(k) && s.full()) {
                throw kernel("Hash is full, cannot add more elements");
            }
            IpSet.Entry n = new IpSet.Entry();
            long t = timeout != null ? timeout : s.timeout;
            n.deadline = t > 0 ? now + t * 1_000_000_000L : 0;
            n.nomatch = nomatch;
            n.packets = packets;
            n.bytes = bytes;
            s.put(k, n);
        }
    }

    /** the keys an element names (ranges and prefixes expanded as the kernel's uadt does) */
    static List<IpSet.Key> keys(IpSet s, String elem, char op) {
        List<IpSet.Key> out = new ArrayList<>();
        switch (s.type) {
            case BITMAP_PORT -> {
                int[] r = portRange(elem);
                if (r[0] < s.rangeFrom || r[1] > s.rangeTo) {
                    throw kernel("Element is out of the range of the set");
                }
                for (int p = r[0]; p <= r[1]; p++) {
                    out.add(new IpSet.Key(0, 0, 0, p));
                }
            }
            case HASH_IP -> {
                noSeparator(s, elem);
                for (long ip : addresses(elem, true)) {
                    out.add(new IpSet.Key((int) ip, 32, 0, 0));
                }
            }
            case HASH_NET -> {
                noSeparator(s, elem);
                int dash = elem.indexOf('-');
                if (dash > 0 && op != 't') {
                    long lo = addr(elem.substring(0, dash));
                    long hi = addr(elem.substring(dash + 1));
                    if (lo > hi) {
                        throw kernel("Invalid range, covers the whole address space");
                    }
                    for (long ip = lo; ip <= hi;) {
                        int c = 32;
                        while (c > 1 && (ip & ~Integer.toUnsignedLong(IpSet.mask(c - 1)) & 0xffffffffL) == 0
                                && ip + (1L << (33 - c)) - 1 <= hi) {
                            c--;
                        }
                        out.add(new IpSet.Key((int) ip, c, 0, 0));
                        ip += 1L << (32 - c);
                    }
                } else {
                    int slash = elem.indexOf('/');
                    int cidr = 32;
                    long ip = addr(slash < 0 ? elem : elem.substring(0, slash));
                    if (slash >= 0) {
                        String cs = elem.substring(slash + 1);
                        if (!cs.matches("\\d{1,2}") || Integer.parseInt(cs) > 32) {
                            throw syntax("Syntax error: '" + cs + "' is out of range 0-32");
                        }
                        cidr = Integer.parseInt(cs);
                    }
                    if (cidr == 0) {
                        throw kernel("The value of the CIDR parameter of the IP address is invalid");
                    }
                    out.add(new IpSet.Key((int) ip & IpSet.mask(cidr), cidr, 0, 0));
                }
            }
            case HASH_IP_PORT -> {
                int comma = elem.indexOf(',');
                if (comma < 0) {
                    throw syntax("Syntax error: Second element is missing from " + elem + ".");
                }
                List<Long> ips = addresses(elem.substring(0, comma), true);
                String ps = elem.substring(comma + 1);
                int proto = 6;
                int colon = ps.indexOf(':');
                if (colon >= 0) {
                    Integer p = PROTOS.get(ps.substring(0, colon).toLowerCase(Locale.ROOT));
                    if (p == null) {
                        throw syntax("Syntax error: cannot parse '" + ps.substring(0, colon) + "' as a protocol");
                    }
                    proto = p;
                    ps = ps.substring(colon + 1);
                }
                int[] r;
                if (proto == 1) {
                    Integer named = ICMP.get(ps);
                    String[] tc = ps.split("/");
                    int v = named != null ? named : (int) number(tc[0], "icmp type") << 8 | (tc.length > 1 ? (int) number(tc[1], "icmp code") : 0);
                    r = new int[] {v, v};
                } else if (proto == 6 || proto == 17 || proto == 132 || proto == 136) {
                    r = portRange(ps, colon >= 0 ? ps0(elem) : "tcp");
                } else {
                    r = new int[] {0, 0};
                }
                for (long ip : ips) {
                    for (int p = r[0]; p <= r[1]; p++) {
                        out.add(new IpSet.Key((int) ip, 32, proto, p));
                    }
                }
            }
        }
        return out;
    }

    /** the protocol name an ip,port element gives */
    private static String ps0(String elem) {
        String ps = elem.substring(elem.indexOf(',') + 1);
        return ps.substring(0, ps.indexOf(':')).toLowerCase(Locale.ROOT);
    }

    private static void noSeparator(IpSet s, String elem) {
        if (elem.indexOf(',') >= 0) {
            throw syntax("Syntax error: Elem separator in " + elem + ", but settype " + s.type.name + " supports none.");
        }
    }

    /** an address as getaddrinfo(AF_INET) takes it: inet_aton's forms, so "80" is 0.0.0.80 */
    private static long addr(String s) {
        if (s.matches("\\d{1,10}(\\.\\d{1,10}){0,3}")) {
            String[] p = s.split("\\.");
            long v = 0;
            boolean ok = true;
            for (int i = 0; i < p.length; i++) {
                long x = Long.parseLong(p[i]);
                long max = i < p.length - 1 ? 255 : (1L << (8 * (4 - i))) - 1;
                ok &= x <= max;
                v = i < p.length - 1 ? v | x << (8 * (3 - i)) : v | x;
            }
            if (ok) {
                return v;
            }
        }
        throw syntax("Syntax error: cannot parse " + s + ": resolving to IPv4 address failed");
    }

    /** IP, IP-IP or IP/CIDR as the list of host addresses it covers (hash:ip, hash:ip,port) */
    private static List<Long> addresses(String s, boolean hash) {
        long lo;
        long hi;
        int dash = s.indexOf('-');
        int slash = s.indexOf('/');
        if (dash > 0) {
            lo = addr(s.substring(0, dash));
            hi = addr(s.substring(dash + 1));
        } else if (slash > 0) {
            String cs = s.substring(slash + 1);
            if (!cs.matches("\\d{1,2}") || Integer.parseInt(cs) > 32) {
                throw syntax("Syntax error: '" + cs + "' is out of range 0-32");
            }
            int c = Integer.parseInt(cs);
            if (c == 0) {
                throw kernel("The value of the CIDR parameter of the IP address is invalid");
            }
            lo = addr(s.substring(0, slash)) & Integer.toUnsignedLong(IpSet.mask(c));
            hi = lo + (1L << (32 - c)) - 1;
        } else {
            lo = hi = addr(s);
        }
        if (hi < lo) {
            throw kernel("Invalid range, covers the whole address space");
        }
        if (hi - lo >= 65536) {
            throw kernel("The specified range is too large, split it up into smaller ranges");
        }
        if (hash && lo == 0 && hi == 0) {
            throw kernel("Null-valued element, cannot be stored in a hash type of set");
        }
        List<Long> out = new ArrayList<>();
        for (long ip = lo; ip <= hi; ip++) {
            out.add(ip);
        }
        return out;
    }

    private static int port(String s) {
        return port(s, "tcp");
    }

    /** a port number or service name; ipset's three messages when neither (number, then "proto:port", then the service) */
    private static int port(String s, String proto) {
        Integer v = SERVICES.get(s);
        if (v != null) {
            return v;
        }
        if (!s.matches("\\d{1,10}") || Long.parseLong(s) > 65535) {
            throw syntax("Syntax error: '" + s + (s.matches("\\d+") ? "' is out of range 0-65535" : "' is invalid as number")
                    + "\nSyntax error: '" + proto + "' is invalid as number\ncannot parse '" + s + "' as a " + proto + " port");
        }
        return Integer.parseInt(s);
    }

    private static int[] portRange(String s) {
        return portRange(s, "tcp");
    }

    private static int[] portRange(String s, String proto) {
        int dash = s.indexOf('-');
        if (dash > 0) {
            int a = port(s.substring(0, dash), proto);
            int b = port(s.substring(dash + 1), proto);
            return a <= b ? new int[] {a, b} : new int[] {b, a};
        }
        int p = port(s, proto);
        return new int[] {p, p};
    }

    // ---------------------------------------------------------------- list / save

    private static void list(IpSets sets, List<String> a, Opts o, StringBuilder out) {
        List<IpSet> ts = targets(sets, a);
        boolean first = true;
        for (IpSet s : ts) {
            if (o.names) {
                out.append(s.name).append('\n');
                continue;
            }
            if (o.save) {
                out.append("create ").append(s.name).append(' ').append(s.type.name).append(' ').append(header(s)).append('\n');
                for (var e : s.elements()) {
                    out.append("add ").append(s.name).append(' ').append(element(s, e.getKey(), e.getValue())).append('\n');
                }
                continue;
            }
            if (!first) {
                out.append('\n');
            }
            first = false;
            List<Map.Entry<IpSet.Key, IpSet.Entry>> els = s.elements();
            out.append("Name: ").append(s.name).append('\n');
            out.append("Type: ").append(s.type.name).append('\n');
            out.append("Revision: ").append(s.type.revision).append('\n');
            out.append("Header: ").append(header(s)).append('\n');
            out.append("Size in memory: ").append(s.memsize()).append('\n');
            out.append("References: ").append(s.references).append('\n');
            out.append("Number of entries: ").append(els.size()).append('\n');
            if (o.terse) {
                continue;
            }
            out.append("Members:\n");
            if (s.type == IpSet.Type.BITMAP_PORT || o.sorted) {
                els.sort((x, y) -> Long.compare(order(x.getKey()), order(y.getKey())));
            }
            for (var e : els) {
                out.append(element(s, e.getKey(), e.getValue())).append('\n');
            }
        }
    }

    private static long order(IpSet.Key k) {
        return Integer.toUnsignedLong(k.addr()) << 24 | (long) k.proto() << 16 | k.port();
    }

    private static String header(IpSet s) {
        StringBuilder h = new StringBuilder();
        if (s.type == IpSet.Type.BITMAP_PORT) {
            h.append("range ").append(s.rangeFrom).append('-').append(s.rangeTo);
        } else {
            h.append("family inet hashsize ").append(s.hashsize).append(" maxelem ").append(s.maxelem);
        }
        if (s.timeout >= 0) {
            h.append(" timeout ").append(s.timeout);
        }
        if (s.counters) {
            h.append(" counters");
        }
        if (s.type != IpSet.Type.BITMAP_PORT) {
            h.append(" bucketsize ").append(s.bucketsize).append(" initval 0x").append(String.format("%08x", s.initval));
        }
        return h.toString();
    }

    static String element(IpSet s, IpSet.Key k, IpSet.Entry e) {
        StringBuilder sb = new StringBuilder();
        switch (s.type) {
            case BITMAP_PORT -> sb.append(k.port());
            case HASH_IP -> sb.append(Ipv4.toString(k.addr()));
            case HASH_NET -> {
                sb.append(Ipv4.toString(k.addr()));
                if (k.cidr() != 32) {
                    sb.append('/').append(k.cidr());
                }
            }
            case HASH_IP_PORT -> {
                sb.append(Ipv4.toString(k.addr())).append(',');
                String pn = PROTOS.entrySet().stream().filter(x -> x.getValue() == k.proto()).map(Map.Entry::getKey).findFirst()
                        .orElse(Integer.toString(k.proto()));
                sb.append(pn).append(':');
                if (k.proto() == 1) {
                    String nm = ICMP.entrySet().stream().filter(x -> x.getValue() == k.port()).map(Map.Entry::getKey).findFirst().orElse(null);
                    sb.append(nm != null ? nm : (k.port() >> 8) + "/" + (k.port() & 0xff));
                } else {
                    sb.append(k.port());
                }
            }
        }
        if (e == null) {
            return sb.toString();
        }
        if (s.timeout >= 0) {
            long left = e.deadline == 0 ? 0 : Math.max(0, (e.deadline - s.clockNow()) / 1_000_000_000L);
            sb.append(" timeout ").append(left);
        }
        if (s.counters) {
            sb.append(" packets ").append(e.packets).append(" bytes ").append(e.bytes);
        }
        if (e.nomatch) {
            sb.append(" nomatch");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- destroy, rename, swap, restore

    private static void destroy(IpSets sets, List<String> a) {
        if (a.isEmpty()) {
            for (IpSet s : sets.sets.values()) {
                if (s.references > 0) {
                    throw kernel("Set cannot be destroyed: it is in use by a kernel component");
                }
            }
            sets.sets.clear();
        } else {
            IpSet s = sets.get(a.getFirst());
            if (s == null) {
                throw kernel("The set with the given name does not exist");
            }
            if (s.references > 0) {
                throw kernel("Set cannot be destroyed: it is in use by a kernel component");
            }
            sets.sets.remove(s.name);
        }
        sets.changed();
    }

    private static void rename(IpSets sets, List<String> a) {
        if (a.size() < 2) {
            throw param(missing(a, "rename"));
        }
        IpSet s = sets.get(a.get(0));
        if (s == null) {
            throw kernel("The set with the given name does not exist");
        }
        if (sets.get(a.get(1)) != null) {
            throw kernel("Set cannot be renamed: a set with the new name already exists");
        }
        if (s.references > 0) {
            throw kernel("Set cannot be renamed: it is in use by another system");
        }
        var copy = new java.util.LinkedHashMap<String, IpSet>();
        for (var e : sets.sets.entrySet()) {
            copy.put(e.getKey().equals(s.name) ? a.get(1) : e.getKey(), e.getValue());
        }
        s.name = a.get(1);
        sets.sets.clear();
        sets.sets.putAll(copy);
        sets.changed();
    }

    private static void swap(IpSets sets, List<String> a) {
        if (a.size() < 2) {
            throw param(missing(a, "swap"));
        }
        IpSet x = sets.get(a.get(0));
        if (x == null) {
            throw kernel("The set with the given name does not exist");
        }
        IpSet y = sets.get(a.get(1));
        if (y == null) {
            throw kernel("Sets cannot be swapped: the second set does not exist");
        }
        if (x.type != y.type) {
            throw kernel("The sets cannot be swapped: their type does not match");
        }
        String xn = x.name;
        x.name = y.name;
        y.name = xn;
        int xr = x.references;
        x.references = y.references;
        y.references = xr;
        sets.sets.put(x.name, x);
        sets.sets.put(y.name, y);
    }

    private static final List<String> RESTORE_COMMANDS = List.of("create", "add", "del", "flush", "destroy", "-N", "-A", "-D", "-F",
            "-X", "n", "a", "d", "x", "f", "swap", "rename", "-W", "-E");
    private static final List<String> ELEMENT_COMMANDS = List.of("add", "del", "-A", "-D", "a", "d");

    /**
     * ipset restore: as ipset 7.17 does, consecutive add/del lines of one set are parsed into one
     * batch sent when the set or the command kind changes, or at the end; a line the parser
     * refuses drops the batch it was joining (those lines never reach the kernel), while the
     * kernel applies a batch up to the element it refuses. The message names the line.
     */
    private static void restore(IpSets sets, String text, Opts o, StringBuilder err) {
        List<Integer> batchLines = new ArrayList<>();
        List<List<String>> batch = new ArrayList<>();
        String batchSet = null;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.equals("COMMIT")) {
                continue;
            }
            List<String> w = new ArrayList<>(List.of(l.split("\\s+")));
            if (w.remove("-!") | w.remove("-exist")) {
                o.exist = true;
            }
            if (!RESTORE_COMMANDS.contains(w.getFirst())) {
                throw param("No command specified: unknown argument " + w.getFirst());
            }
            boolean element = ELEMENT_COMMANDS.contains(w.getFirst()) && w.size() > 1;
            if (element) {
                o.dry = true; // parsed (the set's type asked from the kernel) before the batch is sent
                try {
                    run(sets, n, w, o, err);
                } finally {
                    o.dry = false;
                }
            }
            if (!element || !w.get(1).equals(batchSet)) {
                send(sets, batchLines, batch, o, err);
                batchSet = element ? w.get(1) : null;
            }
            if (!element) {
                run(sets, n, w, o, err);
                continue;
            }
            batchLines.add(n);
            batch.add(w);
        }
        send(sets, batchLines, batch, o, err);
    }

    private static void send(IpSets sets, List<Integer> lines, List<List<String>> batch, Opts o, StringBuilder err) {
        for (int i = 0; i < batch.size(); i++) {
            run(sets, lines.get(i), batch.get(i), o, err);
        }
        lines.clear();
        batch.clear();
    }

    private static void run(IpSets sets, int n, List<String> w, Opts o, StringBuilder err) {
        try {
            command(sets, w, o, "", new StringBuilder(), err);
        } catch (Fail f) {
            throw f.status == 2 ? f : new Fail(f.status, "Error in line " + n + ": " + f.getMessage());
        }
    }
}
