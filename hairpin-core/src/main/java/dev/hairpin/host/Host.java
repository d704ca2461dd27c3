package dev.hairpin.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The box being simulated: its devices and addresses, routes and sysctls (what a snapshot
 * directory holds), plus the sockets that listen on it (none: every port is closed).
 */
public final class Host {
    public final List<NetDevice> devices = new ArrayList<>();
    private final Map<String, NetDevice> byName = new HashMap<>();
    private final Map<Integer, NetDevice> byIndex = new HashMap<>();
    public final Fib fib = new Fib();
    public final Sysctls sysctls = new Sysctls();
    /**
     * The host is a network namespace other than the initial one, as the kernel recordings'
     * gateway is: conntrack's host-wide sysctls (nf_conntrack_max, nf_conntrack_buckets,
     * nf_conntrack_expect_max) are read-only there and {@code net.nf_conntrack_max} does not
     * exist (nf_conntrack_standalone.c registers them writable for init_net only). False: a
     * whole machine (the lab, a snapshot of a box).
     */
    public boolean netns;
    /** listening sockets as "tcp:PORT" / "udp:PORT" (any local address) */
    public final java.util.Set<String> listening = new java.util.HashSet<>();

    /** whether a socket of {@code proto} (TCP or UDP) listens on {@code port} ({@link #listening}'s key) */
    public boolean isListening(int proto, int port) {
        return listening.contains((proto == dev.hairpin.packet.Ipv4.PROTO_TCP ? "tcp:" : "udp:") + port);
    }
    /** connected sockets of the host's own processes (a replay learns them from local.pcap) */
    public final Sockets sockets = new Sockets();
    /** static neighbours (ip neigh PERMANENT): address → MAC */
    public final Map<Integer, byte[]> neighbours = new HashMap<>();
    /** the device of each of {@link #neighbours} (a link going down flushes its own) */
    public final Map<Integer, NetDevice> neighbourDevs = new HashMap<>();

    public NetDevice add(NetDevice d) {
        addrVersion++;
        devices.add(d);
        byName.put(d.name, d);
        byIndex.put(d.ifindex, d);
        return d;
    }

    public NetDevice device(String name) {
        return byName.get(name);
    }

    public NetDevice device(int ifindex) {
        return byIndex.get(ifindex);
    }

    public NetDevice loopback() {
        for (NetDevice d : devices) {
            if (d.isLoopback()) {
                return d;
            }
        }
        return null;
    }

    /** Recomputes the local routing table after addresses changed. */
    public void addressesChanged() {
        addrVersion++;
        fib.rebuildLocal(devices);
    }

    /**
     * bumped by every device added and every {@link #addressesChanged} (which whoever changes a
     * device's addresses must call, as the local routing table depends on them too)
     */
    private long addrVersion;
    /** {@link #selectAddrCached}'s last question and answer, and the address version it holds for */
    private NetDevice selDev;
    private int selDst;
    private int selScope;
    private int selAddr;
    private long selVersion = -1;

    /**
     * {@link #selectAddr}, remembering its last answer: MASQUERADE asks it for every new
     * connection, mostly with the same device and next hop. Only the devices and their addresses
     * decide it, so the answer holds until {@link #addressesChanged} or {@link #add}.
     */
    public int selectAddrCached(NetDevice dev, int dst, int scope) {
        if (selVersion == addrVersion && selDev == dev && selDst == dst && selScope == scope) {
            return selAddr;
        }
        int a = selectAddr(dev, dst, scope);
        selDev = dev;
        selDst = dst;
        selScope = scope;
        selAddr = a;
        selVersion = addrVersion;
        return a;
    }

    /** __ip_dev_find(): the device holding a local address */
    public NetDevice deviceOf(int addr) {
        for (NetDevice d : devices) {
            for (NetDevice.InAddr a : d.addrs) {
                if (a.local() == addr) {
                    return d;
                }
            }
        }
        return null;
    }

    /**
     * inet_select_addr(): a primary address of {@code dev} in the subnet of {@code dst} with a
     * scope no wider than {@code scope}, else its first such address, else one of another device.
     */
    public int selectAddr(NetDevice dev, int dst, int scope) {
        int any = 0;
        if (dev != null) {
            for (NetDevice.InAddr a : dev.addrs) {
                if (a.secondary() || a.scope() > scope) {
                    continue;
                }
                if (dst == 0 || a.contains(dst)) {
                    return a.local();
                }
                if (any == 0) {
                    any = a.local();
                }
            }
            if (any != 0) {
                return any;
            }
        }
        for (NetDevice d : devices) {
            for (NetDevice.InAddr a : d.addrs) {
                if (!a.secondary() && a.scope() <= scope && a.scope() != Route.SCOPE_HOST) {
                    return a.local();
                }
            }
        }
        return 0;
    }
}
