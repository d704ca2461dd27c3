package dev.hairpin.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The forwarding information base: the local table the kernel derives from the addresses
 * (each address local, its subnet's broadcast, all of 127/8 on lo) consulted before the main
 * table, longest prefix first, lowest metric on a tie. Policy rules ({@code ip rule}) and extra
 * tables are kept when a host has more than the three default rules: lookups that carry the
 * packet's source, mark and input device ({@link #lookup(int, int, int, NetDevice)}) then walk
 * the rules (fib_rules_lookup); without them those lookups are the plain local-then-main one.
 */
public final class Fib {
    private final List<Route> local = new ArrayList<>();
    private final List<Route> main = new ArrayList<>();
    /** the two tables compiled for lookups, rebuilt on every change */
    private LpmTable localLpm = LpmTable.EMPTY;
    private LpmTable mainLpm = LpmTable.EMPTY;
    /** bumped by every change of either table: results cached from an older one are stale */
    private long generation;

    public long generation() {
        return generation;
    }

    /** ip rule, by priority; null while only the three default rules exist */
    private List<FibRule> rules;
    /** routes of tables other than local and main ({@code ip route add ... table N}) */
    private final java.util.Map<String, List<Route>> tables = new java.util.HashMap<>();

    /** Whether lookups depend on more than the destination (policy rules beyond the defaults). */
    public boolean hasPolicy() {
        return rules != null;
    }

    /** The policy rules by priority (the three defaults when no other rule exists). */
    public List<FibRule> rules() {
        return rules != null ? rules
                : List.of(FibRule.toTable(0, "local"), FibRule.toTable(32766, "main"), FibRule.toTable(32767, "default"));
    }

    /** Installs the policy rules (ip -j rule show); only the three defaults: no policy. */
    public void setRules(List<FibRule> all) {
        List<FibRule> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(FibRule::priority));
        boolean defaults = sorted.size() == 3 && sorted.stream().allMatch(FibRule::isDefault);
        rules = defaults ? null : List.copyOf(sorted);
        generation++;
    }

    /** A route of a table other than main and local. */
    public void addRoute(String table, Route r) {
        if (table == null || table.equals("main")) {
            addMain(r);
            return;
        }
        List<Route> t = tables.computeIfAbsent(table, k -> new ArrayList<>());
        t.add(r);
        t.sort(ORDER);
        generation++;
    }

    /**
     * fib_lookup() with the flow's source, mark and input device ({@code null}: the host's own
     * packet, iif lo): the first rule that matches and whose table has a route decides; an error
     * action ends the lookup with a route of that type and no device.
     */
    public Route lookup(int daddr, int saddr, int mark, NetDevice in) {
        return selectPath(fibLookup(daddr, saddr, mark, in), saddr, daddr);
    }

    /**
     * Picks a multipath route's nexthop for a flow ({@link Route#isMultipath}), as the kernel
     * needs one for ip_route_input / ip_route_output_key: {@code null} asks the engine's own hash.
     * A replay sets it to adopt the nexthop the kernel chose, seen in the capture.
     */
    public interface PathChooser {
        /** the index into {@code r.paths()}, or -1 for the hash's choice */
        int choose(Route r, int saddr, int daddr);
    }

    public PathChooser pathChooser;

    /**
     * fib_select_multipath(): the nexthop whose share of the 31-bit hash space (cumulative
     * weights, fib_rebalance's upper bounds) holds the flow's hash. The kernel hashes the
     * addresses (fib_multipath_hash_policy 0) with a random per-boot seed; the engine's hash is
     * fixed, so a flow keeps its path here as there, and a replay adopts the kernel's pick.
     */
    public Route selectPath(Route r, int saddr, int daddr) {
        if (r == null || !r.isMultipath()) {
            return r;
        }
        Route[] p = r.paths();
        if (pathChooser != null) {
            int i = pathChooser.choose(r, saddr, daddr);
            if (i >= 0 && i < p.length) {
                return p[i];
            }
        }
        int h = saddr * 0x9E3779B1 ^ daddr * 0x85EBCA77;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        long hash = (h & 0xffffffffL) >>> 1;
        long total = 0;
        for (Route x : p) {
            total += x.weight();
        }
        long w = 0;
        for (Route x : p) {
            w += x.weight();
            long upper = ((w << 31) + total / 2) / total - 1; // DIV_ROUND_CLOSEST_ULL(w << 31, total) - 1
            if (hash <= upper) {
                return x;
            }
        }
        return p[p.length - 1];
    }

    /** fib_lookup() proper: the route, a multipath one not yet narrowed to a nexthop */
    private Route fibLookup(int daddr, int saddr, int mark, NetDevice in) {
        if (rules == null) {
            return lookup(daddr);
        }
        for (FibRule rule : rules) {
            if (!rule.matches(daddr, saddr, mark, in)) {
                continue;
            }
            if (rule.action() != FibRule.TO_TABLE) {
                return new Route(daddr, 32, rule.action(), null, 0, 0, Route.SCOPE_UNIVERSE, 0, null);
            }
            Route r = lookupTable(rule.table(), daddr);
            if (r != null && r.type() != Route.RTN_THROW && r.prefixLen() > rule.suppressPrefixLen()) {
                return r;
            }
        }
        return null;
    }

    private Route lookupTable(String table, int daddr) {
        return switch (table) {
            case "local" -> lookupLocal(daddr);
            case "main" -> compiled ? mainLpm.lookup(daddr) : scanList(main, daddr);
            default -> {
                List<Route> t = tables.get(table);
                yield t == null ? null : scanList(t, daddr);
            }
        };
    }

    private static Route scanList(List<Route> t, int daddr) {
        for (Route r : t) {
            if (r.contains(daddr)) {
                return r;
            }
        }
        return null;
    }

    public void addMain(Route r) {
        main.add(r);
        main.sort(ORDER);
        mainLpm = new LpmTable(main);
        generation++;
    }

    /** Removes the main-table routes {@code drop} selects (fib_del_ifaddr's prefix route, for one). */
    public void removeMain(java.util.function.Predicate<Route> drop) {
        if (main.removeIf(drop)) {
            mainLpm = new LpmTable(main);
            generation++;
        }
    }

    public List<Route> mainRoutes() {
        return java.util.Collections.unmodifiableList(main);
    }

    public List<Route> localRoutes() {
        return java.util.Collections.unmodifiableList(local);
    }

    private static final Comparator<Route> ORDER =
            Comparator.comparingInt(Route::prefixLen).reversed().thenComparingInt(Route::metric);

    /**
     * Rebuilds the local table from the devices' addresses (fib_add_ifaddr): a device that is
     * down keeps only its addresses' local routes (fib_add_ifaddr stops there, and the link
     * going down flushed the rest). Routes added to table local by {@code ip route} follow.
     */
    public void rebuildLocal(List<NetDevice> devices) {
        local.clear();
        localDevices = devices;
        for (NetDevice d : devices) {
            for (NetDevice.InAddr a : d.addrs) {
                if (d.isLoopback() && a.prefixLen() < 32 && d.up) {
                    local.add(new Route(a.local() & a.mask(), a.prefixLen(), Route.RTN_LOCAL, d, 0, a.local(),
                            Route.SCOPE_HOST, 0, "local"));
                }
                local.add(new Route(a.local(), 32, Route.RTN_LOCAL, d, 0, a.local(), Route.SCOPE_HOST, 0, "local"));
                if (a.prefixLen() < 31 && d.up) {
                    int bcast = a.local() | ~a.mask();
                    local.add(new Route(bcast, 32, Route.RTN_BROADCAST, d, 0, a.local(), Route.SCOPE_LINK, 0, "local"));
                }
            }
        }
        local.addAll(localAdded);
        local.sort(ORDER);
        localLpm = new LpmTable(local);
        generation++;
    }

    /** the devices the local table was last built from ({@link #commit} of table local rebuilds it) */
    private List<NetDevice> localDevices = List.of();
    /** routes {@code ip route ... table local} added, kept across rebuilds from the addresses */
    private final List<Route> localAdded = new ArrayList<>();

    /**
     * The routes of one table for {@code ip route} to edit in place (in lookup order; routes of
     * equal prefix length and metric in the kernel's alias order), then {@link #commit}. Table
     * local gives only the routes {@code ip route} added there, not those of the addresses.
     */
    public List<Route> editable(String table) {
        return switch (table) {
            case "main" -> main;
            case "local" -> localAdded;
            default -> tables.computeIfAbsent(table, k -> new ArrayList<>());
        };
    }

    /** The table's routes as lookups see them (table local with its addresses' routes). */
    public List<Route> routes(String table) {
        List<Route> t = switch (table) {
            case "main" -> main;
            case "local" -> local;
            default -> tables.getOrDefault(table, List.of());
        };
        return java.util.Collections.unmodifiableList(t);
    }

    /** The names of the tables other than local and main that hold routes. */
    public java.util.Set<String> otherTables() {
        return java.util.Collections.unmodifiableSet(tables.keySet());
    }

    /**
     * NETDEV_DOWN's fib_sync_down_dev + fib_flush: every route of every table whose nexthop is
     * {@code dev} goes, but host-scope ones (their nexthop scope is RT_SCOPE_NOWHERE).
     */
    public void deviceDown(NetDevice dev) {
        java.util.function.Predicate<Route> dead = r -> r.paths() == null && r.dev() == dev && r.scope() != Route.SCOPE_HOST;
        main.removeIf(dead);
        localAdded.removeIf(dead);
        for (List<Route> t : tables.values()) {
            t.removeIf(dead);
        }
        commit("main");
    }

    /** whether a multipath route of any table has a nexthop through {@code dev} */
    public boolean multipathThrough(NetDevice dev) {
        List<List<Route>> all = new ArrayList<>(tables.values());
        all.add(main);
        all.add(localAdded);
        return all.stream().flatMap(List::stream).anyMatch(r -> r.paths() != null && r.usesDev(dev));
    }

    /** After {@link #editable}'s list changed: sorts it (stably: equal keys keep their order) and recompiles. */
    public void commit(String table) {
        switch (table) {
            case "main" -> {
                main.sort(ORDER);
                mainLpm = new LpmTable(main);
            }
            case "local" -> rebuildLocal(localDevices);
            default -> tables.get(table).sort(ORDER);
        }
        generation++;
    }

    /**
     * Off: every lookup scans the ordered route lists, the straightforward definition the
     * compiled tables must agree with (the fast-path equivalence test runs a stack this way).
     */
    public boolean compiled = true;

    /** fib_lookup(): the route for a destination, or null when there is none. */
    public Route lookup(int daddr) {
        if (!compiled) {
            return scan(daddr);
        }
        Route r = localLpm.lookup(daddr);
        return r != null ? r : mainLpm.lookup(daddr);
    }

    /** the ordered scan: local table, then main; each longest prefix first, lowest metric first */
    private Route scan(int daddr) {
        for (List<Route> t : List.of(local, main)) {
            for (Route r : t) {
                if (r.contains(daddr)) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * Whether {@link #lookup} gives a RTN_LOCAL route for {@code addr}: usually the local table
     * alone answers (inet_lookup_ifaddr's question, as fib_validate_source asks it without rp_filter).
     */
    public boolean isLocal(int addr) {
        if (!compiled) {
            Route r = scan(addr);
            return r != null && r.type() == Route.RTN_LOCAL;
        }
        Route r = localLpm.lookup(addr);
        if (r != null) {
            return r.type() == Route.RTN_LOCAL;
        }
        return mainLpm.hasLocalType && (r = mainLpm.lookup(addr)) != null && r.type() == Route.RTN_LOCAL;
    }

    /** fib_lookup() restricted to routes through one device (addrtype --limit-iface) */
    public Route lookup(int daddr, NetDevice dev) {
        for (List<Route> t : List.of(local, main)) {
            for (Route r : t) {
                if (r.usesDev(dev) && r.contains(daddr)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** A lookup in the local table only (inet_addr_type / inet_dev_addr_type). */
    public Route lookupLocal(int daddr) {
        if (!compiled) {
            for (Route r : local) {
                if (r.contains(daddr)) {
                    return r;
                }
            }
            return null;
        }
        return localLpm.lookup(daddr);
    }
}
