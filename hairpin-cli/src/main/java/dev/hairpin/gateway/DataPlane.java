package dev.hairpin.gateway;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.pipeline.Stack;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet thread: drains every port's rx ring in batches, answers ARP, hands IPv4 datagrams
 * to the engine's {@link Stack} (the same one replay drives), and sends what the stack
 * transmits as Ethernet frames to the next hop's MAC. Between batches it advances the
 * conntrack clock from real time, runs control tasks (iptables, sysctl, conntrack, metrics
 * snapshots) so that they apply atomically with respect to packets, and ticks the ARP timers.
 * Nothing here allocates per packet on an established flow.
 */
final class DataPlane implements Output, PacketSocket.FrameHandler, TunDevice.Handler, Neighbours.Link {
    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);
    static final int ETH_HLEN = 14;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int BATCH = 256;
    /** conntrack's clock starts well past zero, as the kernel's jiffies do */
    static final long CLOCK_BASE = 1_000_000_000_000L;
    /** upper bounds of the processing latency buckets, ns (the last is +Inf) */
    static final long[] LATENCY_BOUNDS = {500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 500_000, 1_000_000, 10_000_000};

    final Stack stack;
    final Port[] ports;
    final Neighbours neighbours;
    private final Map<NetDevice, Port> byDevice = new IdentityHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Arena arena = Arena.ofShared();
    private final Native.Errno errno = new Native.Errno(arena);
    private final MemorySegment pollfds;
    private final byte[] rx = new byte[65536];
    private final Skb skb = new Skb();
    private final Skb errSkb = new Skb();
    private final long start = System.nanoTime();
    private volatile boolean running = true;
    private volatile Thread thread;
    private Port current;
    private long now;
    final long[] latency = new long[LATENCY_BOUNDS.length + 1];
    long latencySumNs;
    long batches;
    private long engineFaults;
    /** drops the stack reported, by reason (ip_rcv checks, rules, routing) */
    final Map<String, long[]> drops = new HashMap<>();

    DataPlane(Stack stack, List<Port> ports, int neighCapacity, long reachableNs, long retransNs) {
        this.stack = stack;
        this.ports = ports.toArray(new Port[0]);
        for (Port p : this.ports) {
            byDevice.put(p.dev, p);
        }
        this.neighbours = new Neighbours(this, neighCapacity, reachableNs, retransNs);
        this.pollfds = arena.allocate(8L * Math.max(1, this.ports.length));
        for (int i = 0; i < this.ports.length; i++) {
            pollfds.set(ValueLayout.JAVA_INT, i * 8L, this.ports[i].fd());
            pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 4, (short) Native.POLLIN);
        }
        for (Port p : this.ports) {
            p.tx = new TxBatch(arena, Math.max(p.dev.mtu, 64) + ETH_HLEN);
        }
        stack.output = this;
        clock();
    }

    Port port(String name) {
        for (Port p : ports) {
            if (p.dev.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    // ================================================================= the loop

    void run() {
        thread = Thread.currentThread();
        long lastTick = 0;
        while (running) {
            clock();
            int got = 0;
            for (Port p : ports) {
                current = p;
                got += p.sock != null ? p.sock.drain(this, BATCH) : p.tun.drain(this, BATCH);
            }
            current = null;
            if (got > 0) {
                batches++;
            }
            runTasks();
            if (now - lastTick >= 100_000_000L) {
                lastTick = now;
                neighbours.tick(now);
            }
            flush();
            if (got == 0) {
                poll(10);
            }
        }
        runTasks();
        flush();
    }

    /** One sendmmsg() per port for what this round queued (also when a batch fills up mid-round). */
    private void flush() {
        for (Port p : ports) {
            TxBatch b = p.tx;
            if (!b.isEmpty() && p.sock != null) {
                b.flush(p.sock);
            }
            if (b.sentPackets != 0 || b.failed != 0) {
                p.txPackets += b.sentPackets;
                p.txBytes += b.sentBytes;
                p.txErrors += b.failed;
                b.sentPackets = 0;
                b.sentBytes = 0;
                b.failed = 0;
            }
        }
    }

    private void clock() {
        now = System.nanoTime() - start;
        stack.conntrack.advance(CLOCK_BASE + now);
    }

    private void poll(int timeoutMs) {
        try {
            for (int i = 0; i < ports.length; i++) {
                pollfds.set(ValueLayout.JAVA_SHORT, i * 8L + 6, (short) 0);
            }
            int ignored = (int) Native.POLL.invokeExact(errno.seg, pollfds, (long) ports.length, timeoutMs);
        } catch (Throwable t) {
            throw new IllegalStateException("poll", t);
        }
    }

    void stop() {
        running = false;
    }

    boolean isRunning() {
        return running;
    }

    // ================================================================= control between batches

    /** Runs {@code task} on the packet thread between two batches and waits for its result. */
    <T> T call(Callable<T> task, long timeoutMs) throws Exception {
        if (Thread.currentThread() == thread) {
            return task.call();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the packet thread did not answer within " + timeoutMs + " ms");
        }
    }

    /** Queues {@code task} for the packet thread without waiting. */
    void post(Runnable task) {
        tasks.add(task);
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("control task failed", e);
            }
        }
    }

    void closePorts() {
        for (Port p : ports) {
            p.close();
        }
    }

    // ================================================================= receive

    @Override
    public void frame(MemorySegment ring, long mac, int snaplen, int wireLen, int status, int pkttype) {
        Port p = current;
        if (!running) {
            return; // stopping: what is left in the ring is not worth the wait
        }
        p.rxPackets++;
        p.rxBytes += wireLen;
        if (pkttype == PacketSocket.PACKET_OTHERHOST || pkttype == PacketSocket.PACKET_OUTGOING) {
            p.rxIgnored++;
            return;
        }
        if (snaplen < wireLen || snaplen < ETH_HLEN || snaplen > rx.length || (status & PacketSocket.TP_STATUS_VLAN_VALID) != 0) {
            p.rxErrors++; // truncated (a GSO super-frame: turn off TSO/GSO on the peer), runt, or VLAN
            return;
        }
        MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, mac, rx, 0, snaplen);
        int type = Ipv4.u16(rx, 12);
        if (type == ETH_P_IP) {
            ipv4(p, snaplen, status);
        } else if (type == ETH_P_ARP) {
            arp(p, snaplen);
        } else {
            p.rxIgnored++;
        }
    }

    /** a datagram read from a tun device: no link header; placed where a frame's IP header goes */
    @Override
    public void datagram(MemorySegment buf, int len) {
        Port p = current;
        if (!running) {
            return;
        }
        p.rxPackets++;
        p.rxBytes += len;
        if (len < 1 || len > rx.length - ETH_HLEN) {
            p.rxErrors++;
            return;
        }
        if ((buf.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) != 0x40) {
            p.rxIgnored++; // IPv6
            return;
        }
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, rx, ETH_HLEN, len);
        ipv4(p, ETH_HLEN + len, 0);
    }

    private void ipv4(Port p, int len, int status) {
        int ipLen = len - ETH_HLEN;
        if (ipLen < 20 || (rx[ETH_HLEN] & 0xf0) != 0x40) {
            p.rxErrors++;
            return;
        }
        if ((status & PacketSocket.TP_STATUS_CSUMNOTREADY) != 0) {
            completeChecksum(ipLen);
        }
        long t0 = System.nanoTime();
        skb.set(rx, ETH_HLEN, ipLen);
        skb.macLen = ETH_HLEN; // the frame's Ethernet header at 0: mac/pkttype matches, LOG
        skb.in = p.dev;
        try {
            stack.receive(skb);
        } catch (RuntimeException e) {
            // a frame the engine could not handle is dropped and counted; the loop goes on
            p.rxErrors++;
            countDrop("engine exception: " + e.getClass().getSimpleName());
            if (engineFaults++ < 10) {
                log.warn("{}: the engine failed on a {}-byte datagram: {}", p.dev.name, ipLen, e.toString(), e);
            }
        }
        record(System.nanoTime() - t0);
    }

    /**
     * A CHECKSUM_PARTIAL frame from a local sender (veth, tap): the L4 checksum holds only the
     * pseudo-header sum. Complete it as skb_checksum_help() would before the stack checks it.
     */
    private void completeChecksum(int ipLen) {
        int ihl = Ipv4.ihlBytes(rx, ETH_HLEN);
        int tot = Ipv4.totLen(rx, ETH_HLEN);
        if (ihl < 20 || tot > ipLen || tot < ihl || (Ipv4.fragOff(rx, ETH_HLEN) & Ipv4.IP_OFFSET) != 0) {
            return;
        }
        int proto = Ipv4.protocol(rx, ETH_HLEN);
        int min = proto == Ipv4.PROTO_TCP ? 20 : proto == Ipv4.PROTO_UDP ? 8 : -1;
        if (min < 0 || tot - ihl < min) {
            return;
        }
        int check = Checksum.completePartial(rx, ETH_HLEN);
        Ipv4.put16(rx, ETH_HLEN + ihl + Checksum.checkOffset(proto), check);
    }

    private void record(long ns) {
        latencySumNs += ns;
        int i = 0;
        while (i < LATENCY_BOUNDS.length && ns > LATENCY_BOUNDS[i]) {
            i++;
        }
        latency[i]++;
    }

    // ================================================================= ARP

    private void arp(Port p, int len) {
        if (len < ETH_HLEN + 28 || Ipv4.u16(rx, 14) != 1 || Ipv4.u16(rx, 16) != ETH_P_IP || rx[18] != 6 || rx[19] != 4) {
            p.rxErrors++;
            return;
        }
        int op = Ipv4.u16(rx, 20);
        long sha = Neighbours.macOf(rx, 22);
        int spa = Ipv4.i32(rx, 28);
        int tpa = Ipv4.i32(rx, 38);
        boolean forUs = ownsForArp(p, tpa);
        if (op == 1) {
            p.arpRequestsIn++;
        }
        if (spa != 0 && (sha & 0x010000000000L) == 0) {
            // arp_process(): a request for us or any reply creates/refreshes; other requests refresh only
            neighbours.confirm(p.id, spa, sha, forUs, now);
        }
        if (op == 1 && forUs && spa != tpa) {
            arpSend(p, 2, sha, sha, tpa, spa);
            p.arpRepliesOut++;
        }
    }

    /** arp_ignore: 0 answers for any local address, 1 only for one on the receiving device */
    private boolean ownsForArp(Port p, int tpa) {
        NetDevice owner = stack.host.deviceOf(tpa);
        if (owner == null) {
            return false;
        }
        long ignore = stack.host.sysctls.getLong("net.ipv4.conf." + p.dev.name + ".arp_ignore",
                stack.host.sysctls.getLong("net.ipv4.conf.all.arp_ignore", 0));
        return ignore == 0 ? !owner.isLoopback() : owner == p.dev;
    }

    private void arpSend(Port p, int op, long ethDst, long tha, int spa, int tpa) {
        MemorySegment f = p.tx.slot();
        putMac(f, 0, ethDst);
        putMac(f, 6, p.mac);
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 12, (short) ETH_P_ARP);
        MemorySegment a = f.asSlice(ETH_HLEN);
        var be16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
        var be32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
        a.set(be16, 0, (short) 1);
        a.set(be16, 2, (short) ETH_P_IP);
        a.set(ValueLayout.JAVA_BYTE, 4, (byte) 6);
        a.set(ValueLayout.JAVA_BYTE, 5, (byte) 4);
        a.set(be16, 6, (short) op);
        putMac(a, 8, p.mac);
        a.set(be32, 14, spa);
        putMac(a, 18, tha);
        a.set(be32, 24, tpa);
        p.tx.commit(p.sock, ETH_HLEN + 28);
    }

    private static void putMac(MemorySegment s, long off, long mac) {
        for (int i = 0; i < 6; i++) {
            s.set(ValueLayout.JAVA_BYTE, off + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    @Override
    public void solicit(int port, int ip, long mac) {
        Port p = ports[port];
        int src = stack.host.selectAddr(p.dev, ip, dev.hairpin.host.Route.SCOPE_LINK);
        p.arpRequestsOut++;
        arpSend(p, 1, mac < 0 ? 0xffffffffffffL : mac, 0, src, ip);
    }

    @Override
    public void release(int port, byte[] datagram, int len, long mac) {
        send(ports[port], datagram, 0, len, mac);
    }

    /**
     * arp_error_report() → ipv4_link_failure(): the next hop never answered, so the sender gets
     * ICMP host unreachable, riding the datagram's conntrack entry (so NAT translates it back),
     * provided that entry is still the one the datagram left with.
     */
    @Override
    public void unresolved(int port, byte[] datagram, int len, long tag) {
        ports[port].txErrors++;
        log.debug("{}: no ARP answer for {}: dropped a queued datagram", ports[port].dev.name,
                Ipv4.toString(Ipv4.daddr(datagram, 0)));
        Skb e = errSkb.set(datagram, 0, len);
        e.out = ports[port].dev;
        e.rtType = dev.hairpin.host.Route.RTN_UNICAST;
        var ct = stack.conntrack;
        if (tag != -1) {
            int entry = (int) tag >>> 1;
            if (ct.table.isConfirmed(entry) && ct.table.id(entry) == (int) (tag >>> 32)) {
                ct.attach(e, entry, (tag & 1) == 0 ? dev.hairpin.packet.CtInfo.ESTABLISHED : dev.hairpin.packet.CtInfo.ESTABLISHED_REPLY);
            }
        }
        try {
            stack.icmpSend(e, 3, 1, 0);
        } catch (RuntimeException x) {
            countDrop("icmp host unreachable: " + x.getClass().getSimpleName());
        } finally {
            ct.put(e);
        }
    }

    /** what {@link #unresolved} needs to find the datagram's conntrack entry again: id, entry, direction */
    private long ctTag(Skb s) {
        if (s.ct < 0) {
            return -1;
        }
        int dir = dev.hairpin.packet.CtInfo.dir(s.ctinfo);
        return ((long) stack.conntrack.table.id(s.ct) << 32) | ((long) s.ct << 1 | dir) & 0xffffffffL;
    }

    // ================================================================= transmit (Output)

    @Override
    public void transmit(Skb s, NetDevice dev, int nexthop) {
        Port p = byDevice.get(dev);
        if (p == null) {
            countDrop("transmit: device " + dev.name + " is not attached");
            return;
        }
        if (p.tun != null) { // point to point: no neighbour to resolve
            sendTun(p, s.buf, s.l3, s.len);
            return;
        }
        long mac;
        if (nexthop == -1 || isSubnetBroadcast(dev, nexthop)) {
            mac = 0xffffffffffffL;
        } else {
            mac = neighbours.resolve(p.id, nexthop, now);
            if (mac < 0) {
                neighbours.enqueue(p.id, nexthop, s.buf, s.l3, s.len, ctTag(s), now);
                return;
            }
        }
        send(p, s.buf, s.l3, s.len, mac);
    }

    private static boolean isSubnetBroadcast(NetDevice dev, int a) {
        for (NetDevice.InAddr in : dev.addrs) {
            if (in.prefixLen() < 31 && (a | in.mask()) == -1 && in.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private void sendTun(Port p, byte[] buf, int off, int len) {
        if (len > p.dev.mtu) {
            p.txErrors++;
            return;
        }
        MemorySegment f = p.tx.slot();
        MemorySegment.copy(buf, off, f, ValueLayout.JAVA_BYTE, 0, len);
        if (p.tun.write(f, len)) {
            p.txPackets++;
            p.txBytes += len;
        } else {
            p.txErrors++;
        }
    }

    private void send(Port p, byte[] buf, int off, int len, long mac) {
        if (len > p.dev.mtu) {
            p.txErrors++; // cannot happen: the stack fragments (ip_fragment) or sends frag-needed first
            return;
        }
        MemorySegment f = p.tx.slot();
        putMac(f, 0, mac);
        putMac(f, 6, p.mac);
        f.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x08);
        f.set(ValueLayout.JAVA_BYTE, 13, (byte) 0x00);
        MemorySegment.copy(buf, off, f, ValueLayout.JAVA_BYTE, ETH_HLEN, len);
        p.tx.commit(p.sock, ETH_HLEN + len);
    }

    @Override
    public void drop(Skb s, String reason) {
        countDrop(reason);
    }

    private void countDrop(String reason) {
        drops.computeIfAbsent(reason, k -> new long[1])[0]++;
    }
}
