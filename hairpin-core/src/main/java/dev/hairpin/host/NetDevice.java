package dev.hairpin.host;

import java.util.ArrayList;
import java.util.List;

/**
 * A network device as the kernel's {@code struct net_device} shows it to netfilter: name, index,
 * link-layer type and address, MTU, and its IPv4 addresses (primary first, as {@code ip addr}
 * lists them). Per-device sysctls (route_localnet, rp_filter, forwarding) live in {@link Sysctls}.
 */
public final class NetDevice {
    /** ARPHRD_ETHER */
    public static final int ARPHRD_ETHER = 1;
    /** ARPHRD_LOOPBACK */
    public static final int ARPHRD_LOOPBACK = 772;
    /** ARPHRD_NONE (tun) */
    public static final int ARPHRD_NONE = 0xfffe;

    public final String name;
    public final int ifindex;
    public final int type;
    /** 6-byte hardware address (all zero for loopback and tun). */
    public final byte[] mac;
    /** {@code ip link set DEV mtu N} changes it (a packet's path reads it anew) */
    public int mtu;
    public final List<InAddr> addrs = new ArrayList<>();
    /** IFF_UP: a device set down has no route but its addresses' local ones, and receives nothing */
    public boolean up = true;
    /**
     * the device this one is enslaved to (a bridge's port, a bond's slave), else null: its frames
     * are the master's, which IPv4 sees instead (the rx handler passes them up)
     */
    public String master;
    /** IFF_NOARP, or a link type without ARP (a tunnel): its next hops need no neighbour entry */
    public boolean noArp;
    /** this device's conf values as {@link Sysctls} last resolved them (a cache it owns) */
    volatile Sysctls.DevConf conf;
    /**
     * a number no other device object of this JVM has (from 1): a cache can key on the device in
     * a primitive word without holding it (ifindex may be reused by another device object)
     */
    public final int serial = SERIALS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicInteger SERIALS = new java.util.concurrent.atomic.AtomicInteger();

    public NetDevice(String name, int ifindex, int type, byte[] mac, int mtu) {
        this.name = name;
        this.ifindex = ifindex;
        this.type = type;
        this.mac = mac;
        this.mtu = mtu;
    }

    public boolean isLoopback() {
        return type == ARPHRD_LOOPBACK;
    }

    /** The first (primary) IPv4 address, as {@code ifa_list} holds it; 0 when none. */
    public int primaryAddr() {
        return addrs.isEmpty() ? 0 : addrs.getFirst().local();
    }

    /**
     * An IPv4 address on a device ({@code struct in_ifaddr}): local address, prefix length,
     * scope (0 universe/global, 200 link, 254 host) and whether it is secondary.
     */
    public record InAddr(int local, int prefixLen, int scope, boolean secondary) {
        public int mask() {
            return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
        }

        public boolean contains(int addr) {
            return ((addr ^ local) & mask()) == 0;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
