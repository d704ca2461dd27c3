package dev.hairpin.tools;

import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import java.util.List;

/**
 * {@code ip route add|del|replace|change|append|prepend [TYPE] PREFIX [via ADDR] [dev DEV]
 * [src ADDR] [metric N] [table T] [scope S] [proto P] [mtu [lock] N] [onlink]} and
 * {@code ip route flush cache}: iproute2 6.1's request (its default scope and type) against the
 * kernel's fib_table_insert / fib_table_delete. Routes of one table with the same prefix and
 * metric are aliases in order: add refuses a second (File exists), append puts one after them,
 * prepend before, replace and change take the first's place; a lookup uses the first. A
 * gateway must be on a link: reachable by a link- or host-scope route (fib_check_nh_v4_gw),
 * through {@code dev} when given. Messages and exit codes as iproute2 and the kernel's extack
 * give them. Multipath ({@code nexthop}) and the other attributes are refused as not modelled.
 */
final class IpRoute {
    private IpRoute() {}

    /** the netlink request flags each verb sends (iproute2's do_iproute) */
    private enum Verb { ADD, DEL, REPLACE, CHANGE, APPEND, PREPEND }

    private static final List<String> TYPES = List.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat", "anycast");

    static ToolResult run(Host host, String verbWord, List<String> args) {
        if (verbWord.equals("flush") && args.equals(List.of("cache"))) {
            return new ToolResult("", "", 0); // no routing cache since Linux 3.6: nothing to flush
        }
        Verb verb = switch (verbWord) {
            case "add", "a" -> Verb.ADD;
            case "del", "delete", "d" -> Verb.DEL;
            case "replace" -> Verb.REPLACE;
            case "change", "chg" -> Verb.CHANGE;
            case "append" -> Verb.APPEND;
            case "prepend" -> Verb.PREPEND;
            default -> null;
        };
        if (verb == null) {
            if (List.of("show", "list", "lst", "sh", "ls", "l", "get", "flush", "save", "restore", "showdump", "monitor")
                    .contains(verbWord)) {
                return notModelled(verbWord, args);
            }
            return new ToolResult("", "Command \"" + verbWord + "\" is unknown, try \"ip route help\".\n", 255);
        }
        Request q = new Request();
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (w) {
                case "via", "dev", "oif", "src", "metric", "preference", "priority", "table", "proto", "protocol",
                        "scope", "mtu", "to" -> {
                    if (v == null) {
                        return new ToolResult("", "Command line is not complete. Try option \"help\"\n", 255);
                    }
                    i++;
                    ToolResult bad = q.option(host, w, v, args, i);
                    if (bad != null) {
                        return bad;
                    }
                    if (q.skip) {
                        q.skip = false;
                        i++;
                    }
                }
                case "onlink" -> q.onlink = true;
                case "nexthop", "encap", "realm", "realms", "nhid", "advmss", "window", "rtt", "initcwnd", "tos", "dsfield",
                        "expires", "pref", "congctl", "features", "quickack", "fastopen_no_cookie", "ttl-propagate" ->
                    {
                    return notModelled(verbWord, args);
                }
                default -> {
                    if (q.dst == null && TYPES.contains(w) && v != null) {
                        q.type = Route.typeOf(w);
                        if (q.type == Route.RTN_MULTICAST || q.type == Route.RTN_NAT || q.type == Route.RTN_ANYCAST) {
                            return notModelled(verbWord, args);
                        }
                    } else if (q.dst == null) {
                        ToolResult bad = q.prefix(w);
                        if (bad != null) {
                            return bad;
                        }
                    } else {
                        return new ToolResult("", "Error: either \"to\" is duplicate, or \"" + w + "\" is a garbage.\n", 255);
                    }
                }
            }
        }
        if (q.dst == null) {
            return new ToolResult("", "Command line is not complete. Try option \"help\"\n", 255);
        }
        if (q.devName != null && q.dev == null) {
            return new ToolResult("", "Cannot find device \"" + q.devName + "\"\n", 1);
        }
        if ((q.dst & ~mask(q.len)) != 0) {
            return new ToolResult("", "Error: Invalid prefix for given prefix length.\n", 2);
        }
        return verb == Verb.DEL ? delete(host, q) : insert(host, verb, q);
    }

    private static ToolResult notModelled(String verb, List<String> args) {
        return new ToolResult("", "hairpin: ip route " + verb + " " + String.join(" ", args)
                + ": not modelled (ip route add|del|replace|change|append|prepend with via, dev, src, metric, table,"
                + " scope, proto, mtu; ip route flush cache)\n", 2);
    }

    /** one command's attributes, as iproute2 parses them into its rtmsg */
    private static final class Request {
        Integer dst;
        int len;
        int type = -1;
        int gw;
        boolean hasGw;
        String devName;
        NetDevice dev;
        int src;
        Long metric;
        String table = "main";
        Integer scope;
        int mtu;
        boolean onlink;
        /** the option took two words (mtu lock N) */
        boolean skip;

        ToolResult prefix(String w) {
            if (w.equals("default") || w.equals("all") || w.equals("any")) {
                dst = 0;
                len = 0;
                return null;
            }
            String[] p = w.split("/", -1);
            try {
                int l = p.length == 1 ? 32 : Integer.parseInt(p[1]);
                if (p.length > 2 || l < 0 || l > 32 || p[0].split("\\.", -1).length != 4) {
                    throw new IllegalArgumentException();
                }
                dst = Ipv4.parse(p[0]);
                len = l;
                return null;
            } catch (IllegalArgumentException e) {
                return new ToolResult("", "Error: any valid prefix is expected rather than \"" + w + "\".\n", 1);
            }
        }

        ToolResult option(Host host, String w, String v, List<String> args, int at) {
            switch (w) {
                case "to" -> {
                    return dst != null ? new ToolResult("", "Error: either \"to\" is duplicate, or \"" + v + "\" is a garbage.\n", 255)
                            : prefix(v);
                }
                case "via" -> {
                    String a = v;
                    if (v.equals("inet") && at + 1 < args.size()) {
                        a = args.get(at + 1);
                        skip = true;
                    }
                    try {
                        gw = Ipv4.parse(a);
                        hasGw = true;
                    } catch (IllegalArgumentException e) {
                        return new ToolResult("", "Error: inet address is expected rather than \"" + a + "\".\n", 1);
                    }
                }
                case "dev", "oif" -> {
                    devName = v;
                    dev = host.device(v);
                }
                case "src" -> {
                    try {
                        src = Ipv4.parse(v);
                    } catch (IllegalArgumentException e) {
                        return new ToolResult("", "Error: inet address is expected rather than \"" + v + "\".\n", 1);
                    }
                }
                case "metric", "preference", "priority" -> {
                    Long n = unsigned(v);
                    if (n == null) {
                        return invalid(v, "metric");
                    }
                    metric = n;
                }
                case "table" -> {
                    String t = switch (v) {
                        case "254", "main" -> "main";
                        case "255", "local" -> "local";
                        case "253", "default" -> "default";
                        default -> unsigned(v) != null && unsigned(v) != 0 ? Long.toString(unsigned(v)) : null;
                    };
                    if (t == null) {
                        return invalid(v, "table");
                    }
                    table = t;
                }
                case "proto", "protocol" -> {
                    if (!v.matches("[a-z]+|\\d+")) {
                        return invalid(v, "protocol");
                    }
                }
                case "scope" -> {
                    scope = switch (v) {
                        case "global", "universe", "0" -> Route.SCOPE_UNIVERSE;
                        case "link", "253" -> Route.SCOPE_LINK;
                        case "host", "254" -> Route.SCOPE_HOST;
                        case "nowhere", "255" -> 255; // iproute2 sends it; fib_create_info refuses it
                        default -> null;
                    };
                    if (scope == null) {
                        return invalid(v, "scope");
                    }
                }
                case "mtu" -> {
                    String n = v;
                    if (v.equals("lock") && at + 1 < args.size()) {
                        n = args.get(at + 1);
                        skip = true;
                    }
                    Long m = unsigned(n);
                    if (m == null) {
                        return invalid(n, "mtu");
                    }
                    mtu = (int) (long) m;
                }
                default -> throw new IllegalStateException(w);
            }
            return null;
        }

        /** iproute2's defaults for what the command left out (iproute_modify) */
        int typeOr() {
            return type >= 0 ? type : Route.RTN_UNICAST;
        }

        int scopeOr() {
            if (scope != null) {
                return scope;
            }
            int t = typeOr();
            if (t == Route.RTN_LOCAL) {
                return Route.SCOPE_HOST;
            }
            if (t == Route.RTN_BROADCAST) {
                return Route.SCOPE_LINK;
            }
            return t == Route.RTN_UNICAST && !hasGw ? Route.SCOPE_LINK : Route.SCOPE_UNIVERSE;
        }
    }

    private static Long unsigned(String v) {
        try {
            long n = Long.parseLong(v);
            return n < 0 || n > 0xffffffffL ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ToolResult invalid(String v, String what) {
        return new ToolResult("", "Error: argument \"" + v + "\" is wrong: \"" + what + "\" value is invalid\n\n", 255);
    }

    private static int mask(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /** types with no nexthop: the lookup ends in them (fib_props[type].error) */
    private static boolean needsNexthop(int type) {
        return type != Route.RTN_BLACKHOLE && type != Route.RTN_UNREACHABLE && type != Route.RTN_PROHIBIT
                && type != Route.RTN_THROW;
    }

    /** fib_create_info() and its nexthop checks, then fib_table_insert() */
    private static ToolResult insert(Host host, Verb verb, Request q) {
        int type = q.typeOr();
        int scope = q.scopeOr();
        if (scope > Route.SCOPE_HOST) {
            return err("Error: Invalid scope.");
        }
        NetDevice dev = q.dev;
        if (needsNexthop(type)) {
            if (q.hasGw && !q.onlink) {
                // fib_check_nh_v4_gw(): the gateway by a route of at least link scope, through dev if given
                Route via = onLink(host, q.table, q.gw, dev, Math.max(scope + 1, Route.SCOPE_LINK));
                if (via == null) {
                    return err("Error: Nexthop has invalid gateway.");
                }
                dev = via.dev();
            } else if (dev == null) {
                return err("RTNETLINK answers: No such device");
            }
            if (!dev.up) {
                return err(q.hasGw ? "Error: Nexthop device is not up." : "Error: Device for nexthop is not up.");
            }
        }
        if (q.src != 0 && !(type == Route.RTN_LOCAL && q.src == q.dst) && !host.fib.isLocal(q.src)) {
            return err("Error: Invalid prefsrc address.");
        }
        int metric = q.metric == null ? 0 : (int) (long) q.metric;
        Route r = new Route(q.dst, q.len, type, needsNexthop(type) ? dev : q.dev, q.hasGw ? q.gw : 0, q.src, scope, metric,
                q.table, q.mtu);
        List<Route> t = host.fib.editable(q.table);
        int first = -1;
        int match = -1;
        for (int i = 0; i < t.size(); i++) {
            Route x = t.get(i);
            if (x.dst() == r.dst() && x.prefixLen() == r.prefixLen() && x.metric() == r.metric()) {
                if (first < 0) {
                    first = i;
                }
                if (match < 0 && same(x, r)) {
                    match = i;
                }
            }
        }
        if (first >= 0) {
            if (verb == Verb.ADD) {
                return err("RTNETLINK answers: File exists");
            }
            if (verb == Verb.REPLACE || verb == Verb.CHANGE) {
                if (match >= 0) {
                    return match == first ? new ToolResult("", "", 0) : err("RTNETLINK answers: File exists");
                }
                t.set(first, r);
            } else if (match >= 0) {
                return err("RTNETLINK answers: File exists");
            } else if (verb == Verb.APPEND) {
                t.add(r); // the stable sort keeps it after its aliases
            } else {
                t.add(0, r); // prepend: before them
            }
        } else if (verb == Verb.CHANGE) {
            return err("RTNETLINK answers: No such file or directory");
        } else {
            t.add(r);
        }
        host.fib.commit(q.table);
        return new ToolResult("", "", 0);
    }

    /** the same fib_info and type: a duplicate route, which no verb adds twice */
    private static boolean same(Route a, Route b) {
        return a.type() == b.type() && a.dev() == b.dev() && a.gateway() == b.gateway() && a.prefsrc() == b.prefsrc()
                && a.scope() == b.scope() && a.mtu() == b.mtu() && a.paths() == null && b.paths() == null;
    }

    /**
     * The unicast or local route of at least {@code minScope} that reaches {@code gw} (through
     * {@code dev} when given): the route's own table first, then local and main, as
     * fib_check_nh_v4_gw falls back to the full lookup.
     */
    private static Route onLink(Host host, String table, int gw, NetDevice dev, int minScope) {
        for (String tb : table.equals("main") || table.equals("local") ? List.of("local", "main") : List.of(table, "local", "main")) {
            for (Route r : host.fib.routes(tb)) {
                if (r.contains(gw) && (r.type() == Route.RTN_UNICAST || r.type() == Route.RTN_LOCAL)
                        && r.scope() >= minScope && r.paths() == null && r.dev() != null && (dev == null || r.dev() == dev)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** fib_table_delete(): the first alias of the prefix the given attributes all match */
    private static ToolResult delete(Host host, Request q) {
        List<Route> t = q.table.equals("main") || q.table.equals("local") || host.fib.otherTables().contains(q.table)
                ? host.fib.editable(q.table) : List.of();
        for (int i = 0; i < t.size(); i++) {
            Route x = t.get(i);
            if (x.dst() == q.dst && x.prefixLen() == q.len && (q.type < 0 || x.type() == q.type)
                    && (q.scope == null || x.scope() == q.scope) && (q.src == 0 || x.prefsrc() == q.src)
                    && (q.metric == null || q.metric == 0 || x.metric() == (int) (long) q.metric)
                    && (q.dev == null || x.usesDev(q.dev)) && (!q.hasGw || x.gateway() == q.gw)
                    && (q.mtu == 0 || x.mtu() == q.mtu)) {
                t.remove(i);
                host.fib.commit(q.table);
                return new ToolResult("", "", 0);
            }
        }
        return err("RTNETLINK answers: No such process");
    }

    private static ToolResult err(String msg) {
        return new ToolResult("", msg + "\n", 2);
    }
}
