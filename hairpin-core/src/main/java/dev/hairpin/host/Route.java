package dev.hairpin.host;

/**
 * A route ({@code struct fib_info} as {@code ip route} shows it): prefix, type, device, gateway,
 * preferred source, metric and the {@code mtu} metric (RTAX_MTU; 0: none, the device's MTU
 * holds). Addresses are ints.
 */
public record Route(int dst, int prefixLen, int type, NetDevice dev, int gateway, int prefsrc, int scope, int metric,
        String table, int mtu) {
    /** a route without an mtu metric */
    public Route(int dst, int prefixLen, int type, NetDevice dev, int gateway, int prefsrc, int scope, int metric,
            String table) {
        this(dst, prefixLen, type, dev, gateway, prefsrc, scope, metric, table, 0);
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
