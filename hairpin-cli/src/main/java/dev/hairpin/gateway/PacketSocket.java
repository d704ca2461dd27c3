package dev.hairpin.gateway;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An AF_PACKET/SOCK_RAW socket bound to one device for every protocol (ETH_P_ALL), receiving
 * through a PACKET_MMAP ring (packet(7)): TPACKET_V2 (one status word per frame, handed over as
 * soon as it is written) or TPACKET_V3 (blocks the kernel retires when full or after the block
 * timeout). Frames we send ourselves are not looped back (PACKET_IGNORE_OUTGOING) and bypass the
 * qdisc (PACKET_QDISC_BYPASS), as a router's forwarding path does not queue twice.
 * Owned by the packet thread; {@link #send} uses that thread's {@link Native.Errno}.
 */
final class PacketSocket implements AutoCloseable, TxBatch.Sender {
    enum Ring { V2, V3 }

    /** sockaddr_ll packet types */
    static final int PACKET_HOST = 0;
    static final int PACKET_BROADCAST = 1;
    static final int PACKET_MULTICAST = 2;
    static final int PACKET_OTHERHOST = 3;
    static final int PACKET_OUTGOING = 4;
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_LOSING = 4;
    static final int TP_STATUS_CSUMNOTREADY = 8;
    static final int TP_STATUS_VLAN_VALID = 0x10;

    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

    /** Receives one frame: the Ethernet frame is {@code ring[mac, mac + snaplen)}. */
    interface FrameHandler {
        void frame(MemorySegment ring, long mac, int snaplen, int wireLen, int status, int pkttype);
    }

    final String name;
    final int ifindex;
    final int fd;
    final Ring ring;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment map;
    private final int frameSize;
    private final int frames;
    private final int blockSize;
    private final int blocks;
    private int cursor; // V2: next frame; V3: current block
    private final Native.Errno errno;
    private final MemorySegment statsBuf;
    private final MemorySegment statsLen;
    /** PACKET_STATISTICS resets on read: accumulated here */
    long kernelPackets;
    long kernelDrops;

    private PacketSocket(String name, int ifindex, int fd, Ring ring, MemorySegment map, int frameSize, int frames,
            int blockSize, int blocks, Native.Errno errno) {
        this.name = name;
        this.ifindex = ifindex;
        this.fd = fd;
        this.ring = ring;
        this.map = map;
        this.frameSize = frameSize;
        this.frames = frames;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.errno = errno;
        this.statsBuf = arena.allocate(12);
        this.statsLen = arena.allocate(4);
    }

    /**
     * Opens the socket with protocol 0 (nothing queued yet), sets up the ring, then binds it to
     * the device for ETH_P_ALL, so no frame of another device ever lands in the ring.
     */
    static PacketSocket open(String name, int ifindex, Ring ring, int ringMiB, Native.Errno errno) {
        try (Arena tmp = Arena.ofConfined()) {
            int fd = (int) Native.SOCKET.invokeExact(errno.seg, Native.AF_PACKET, Native.SOCK_RAW, 0);
            if (fd < 0) {
                throw new GatewayException("socket(AF_PACKET, SOCK_RAW) for " + name + ": " + errno.message()
                        + (errno.get() == 1 ? " (needs CAP_NET_RAW: run as root)" : ""));
            }
            try {
                setInt(errno, fd, Native.PACKET_VERSION, ring == Ring.V2 ? Native.TPACKET_V2 : Native.TPACKET_V3, name, "PACKET_VERSION");
                int frameSize = 2048;
                int blockSize = 1 << 20;
                int blocks = Math.max(1, ringMiB);
                int frames = blocks * (blockSize / frameSize);
                MemorySegment req = tmp.allocate(28);
                req.set(ValueLayout.JAVA_INT, 0, blockSize);
                req.set(ValueLayout.JAVA_INT, 4, blocks);
                req.set(ValueLayout.JAVA_INT, 8, frameSize);
                req.set(ValueLayout.JAVA_INT, 12, frames);
                int reqLen = 16;
                if (ring == Ring.V3) {
                    req.set(ValueLayout.JAVA_INT, 16, 1); // tp_retire_blk_tov: 1 ms
                    req.set(ValueLayout.JAVA_INT, 20, 0); // tp_sizeof_priv
                    req.set(ValueLayout.JAVA_INT, 24, 0); // tp_feature_req_word
                    reqLen = 28;
                }
                int rc = (int) Native.SETSOCKOPT.invokeExact(errno.seg, fd, Native.SOL_PACKET, Native.PACKET_RX_RING, req, reqLen);
                if (rc < 0) {
                    throw new GatewayException("setsockopt(PACKET_RX_RING) on " + name + ": " + errno.message());
                }
                long size = (long) blockSize * blocks;
                MemorySegment m = (MemorySegment) Native.MMAP.invokeExact(errno.seg, MemorySegment.NULL, size,
                        Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd, 0L);
                if (m.address() == -1L) {
                    throw new GatewayException("mmap of the " + name + " rx ring: " + errno.message());
                }
                setInt(errno, fd, Native.PACKET_IGNORE_OUTGOING, 1, name, "PACKET_IGNORE_OUTGOING");
                setInt(errno, fd, Native.PACKET_QDISC_BYPASS, 1, name, "PACKET_QDISC_BYPASS");
                MemorySegment sll = tmp.allocate(20);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) Native.AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT, 2, Native.htons(Native.ETH_P_ALL));
                sll.set(ValueLayout.JAVA_INT, 4, ifindex);
                rc = (int) Native.BIND.invokeExact(errno.seg, fd, sll, 20);
                if (rc < 0) {
                    throw new GatewayException("bind(AF_PACKET) to " + name + ": " + errno.message());
                }
                PacketSocket s = new PacketSocket(name, ifindex, fd, ring, m.reinterpret(size), frameSize, frames, blockSize, blocks, errno);
                s.stats(); // start the counters from zero
                return s;
            } catch (GatewayException e) {
                int ignored = (int) Native.CLOSE.invokeExact(errno.seg, fd);
                throw e;
            }
        } catch (GatewayException e) {
            throw e;
        } catch (Throwable t) {
            throw new GatewayException("AF_PACKET on " + name + ": " + t, t);
        }
    }

    private static void setInt(Native.Errno errno, int fd, int opt, int value, String name, String what) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int rc = (int) Native.SETSOCKOPT.invokeExact(errno.seg, fd, Native.SOL_PACKET, opt, v, 4);
            if (rc < 0) {
                throw new GatewayException("setsockopt(" + what + ") on " + name + ": " + errno.message());
            }
        }
    }

    /** Hands up to {@code budget} received frames to {@code h}, returning each to the kernel after. */
    int drain(FrameHandler h, int budget) {
        return ring == Ring.V2 ? drainV2(h, budget) : drainV3(h, budget);
    }

    private int drainV2(FrameHandler h, int budget) {
        int n = 0;
        while (n < budget) {
            long f = (long) cursor * frameSize;
            int status = (int) STATUS.getAcquire(map, f);
            if ((status & TP_STATUS_USER) == 0) {
                break;
            }
            // struct tpacket2_hdr: status, len, snaplen, mac(u16), net(u16), ...; sockaddr_ll at 32
            int len = map.get(ValueLayout.JAVA_INT, f + 4);
            int snaplen = map.get(ValueLayout.JAVA_INT, f + 8);
            int mac = Short.toUnsignedInt(map.get(ValueLayout.JAVA_SHORT, f + 12));
            int pkttype = map.get(ValueLayout.JAVA_BYTE, f + 32 + 10);
            h.frame(map, f + mac, snaplen, len, status, pkttype);
            STATUS.setRelease(map, f, TP_STATUS_KERNEL);
            if (++cursor == frames) {
                cursor = 0;
            }
            n++;
        }
        return n;
    }

    /** V3: a block is ours while its block_status has TP_STATUS_USER; frames chain by tp_next_offset. */
    private int drainV3(FrameHandler h, int budget) {
        int n = 0;
        while (n < budget) {
            long b = (long) cursor * blockSize;
            int status = (int) STATUS.getAcquire(map, b + 8);
            if ((status & TP_STATUS_USER) == 0) {
                break;
            }
            int pkts = map.get(ValueLayout.JAVA_INT, b + 12);
            long p = b + Integer.toUnsignedLong(map.get(ValueLayout.JAVA_INT, b + 16));
            for (int i = 0; i < pkts; i++) {
                // struct tpacket3_hdr: next_offset, sec, nsec, snaplen, len, status, mac(u16), net(u16) ...; sockaddr_ll at 48
                int snaplen = map.get(ValueLayout.JAVA_INT, p + 12);
                int len = map.get(ValueLayout.JAVA_INT, p + 16);
                int fstatus = map.get(ValueLayout.JAVA_INT, p + 20);
                int mac = Short.toUnsignedInt(map.get(ValueLayout.JAVA_SHORT, p + 24));
                int pkttype = map.get(ValueLayout.JAVA_BYTE, p + 48 + 10);
                h.frame(map, p + mac, snaplen, len, fstatus, pkttype);
                p += Integer.toUnsignedLong(map.get(ValueLayout.JAVA_INT, p));
            }
            STATUS.setRelease(map, b + 8, TP_STATUS_KERNEL);
            if (++cursor == blocks) {
                cursor = 0;
            }
            n += pkts;
        }
        return n;
    }

    /** Sends one Ethernet frame {@code buf[0, len)}; false (and errno set) when the kernel refused it. */
    boolean send(MemorySegment buf, int len) {
        try {
            long rc = (long) Native.SEND.invokeExact(errno.seg, fd, buf, (long) len, Native.MSG_DONTWAIT);
            return rc == len;
        } catch (Throwable t) {
            return false;
        }
    }

    /** sendmmsg() of {@code count} prepared mmsghdrs at {@code vec}: how many went, or -1 (errno set) */
    @Override
    public int sendmmsg(MemorySegment vec, int count) {
        try {
            return (int) Native.SENDMMSG.invokeExact(errno.seg, fd, vec, count, Native.MSG_DONTWAIT);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Reads (and accumulates) PACKET_STATISTICS: frames the kernel queued, and dropped on a full ring. */
    void stats() {
        try {
            statsLen.set(ValueLayout.JAVA_INT, 0, ring == Ring.V3 ? 12 : 8);
            int rc = (int) Native.GETSOCKOPT.invokeExact(errno.seg, fd, Native.SOL_PACKET, Native.PACKET_STATISTICS, statsBuf, statsLen);
            if (rc == 0) {
                kernelPackets += Integer.toUnsignedLong(statsBuf.get(ValueLayout.JAVA_INT, 0));
                kernelDrops += Integer.toUnsignedLong(statsBuf.get(ValueLayout.JAVA_INT, 4));
            }
        } catch (Throwable t) {
            // counters only
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Native.MUNMAP.invokeExact(errno.seg, map, map.byteSize());
            ignored = (int) Native.CLOSE.invokeExact(errno.seg, fd);
        } catch (Throwable t) {
            // closing on the way out
        }
        arena.close();
    }
}
