package dev.hairpin.host;

/**
 * A route ({@code struct fib_info} as {@code ip route} shows it): prefix, type, device, gateway,
 * preferred source, metric and the {@code mtu} metric (RTAX_MTU; 0: none, the device's MTU
 * holds). Addresses are ints.
 *
 * <p>A multipath route ({@code nexthop via A dev X weight W nexthop ...}) has its nexthops in
 * {@code paths}, each a route of its own with its device, gateway and {@code weight}, sharing
 * the array; the route itself ({@code weight} 0) carries its first nexthop's device and gateway,
 * which is what the kernel's fib_lookup() result gives a caller that selects no path.
 */
public record Route(int dst, int prefixLen, int type, NetDevice dev, int gateway, int prefsrc, int scope, int metric,
        String table, int mtu, Route[] paths, int weight) {
    /** a route without an mtu metric */
    public Route(int dst, int prefixLen, int type, NetDevice dev, int gateway, int prefsrc, int scope, int metric,
            String table) {
        this(dst, prefixLen, type, dev, gateway, prefsrc, scope, metric, table, 0);
    }

    /** a single-path route */
    public Route(int dst, int prefixLen, int type, NetDevice dev, int gateway, int prefsrc, int scope, int metric,
            String table, int mtu) {
        this(dst, prefixLen, type, dev, gateway, prefsrc, scope, metric, table, mtu, null, 0);
    }

    /**
     * A multipath route over {@code devs[i]} via {@code gateways[i]} (0: on link) with
     * {@code weights[i]} (1-256), the live nexthops only (the kernel skips a dead one).
     */
    public static Route multipath(int dst, int prefixLen, int prefsrc, int scope, int metric, String table, int mtu,
            NetDevice[] devs, int[] gateways, int[] weights) {
        Route[] paths = new Route[devs.length];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = new Route(dst, prefixLen, RTN_UNICAST, devs[i], gateways[i], prefsrc, scope, metric, table, mtu,
                    paths, weights[i]);
        }
        return new Route(dst, prefixLen, RTN_UNICAST, devs[0], gateways[0], prefsrc, scope, metric, table, mtu, paths, 0);
    }

    /** a multipath route itself (not one of its nexthops): the lookup selects a path */
    public boolean isMultipath() {
        return paths != null && weight == 0;
    }

    /** fib_info_nh_uses_dev(): the route, or one of its route's nexthops, goes out by {@code d} */
    public boolean usesDev(NetDevice d) {
        if (paths == null) {
            return dev == d;
        }
        for (Route p : paths) {
            if (p.dev == d) {
                return true;
            }
        }
        return false;
    }

    public static final int RTN_UNSPEC = 0;
    public static final int RTN_UNICAST = 1;
    public static final int RTN_LOCAL = 2;
    public static final int RTN_BROADCAST = 3;
    public static final int RTN_ANYCAST = 4;
    public static final int RTN_MULTICAST = 5;
    public static final int RTN_BLACKHOLE = 6;
    public static final int RTN_UNREACHABLE = 7;
    public static final int RTN_PROHIBIT = 8;
    public static final int RTN_THROW = 9;
    public static final int RTN_NAT = 10;

    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;

    /**
     * The path MTU a packet routed here gets (ip_dst_mtu_maybe_forward / ipv4_mtu without a
     * learnt PMTU): the route's mtu metric when it has one, else its device's.
     */
    public int pathMtu() {
        return mtu != 0 ? mtu : dev.mtu;
    }

    public int mask() {
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }

    public boolean contains(int addr) {
        return ((addr ^ dst) & mask()) == 0;
    }

    public static int typeOf(String name) {
        return switch (name) {
            case "unicast" -> RTN_UNICAST;
            case "local" -> RTN_LOCAL;
            case "broadcast" -> RTN_BROADCAST;
            case "anycast" -> RTN_ANYCAST;
            case "multicast" -> RTN_MULTICAST;
            case "blackhole" -> RTN_BLACKHOLE;
            case "unreachable" -> RTN_UNREACHABLE;
            case "prohibit" -> RTN_PROHIBIT;
            case "throw" -> RTN_THROW;
            case "nat" -> RTN_NAT;
            default -> -1;
        };
    }
}
