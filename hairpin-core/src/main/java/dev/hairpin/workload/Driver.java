package dev.hairpin.workload;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Workers;

/**
 * Feeds a {@link Gateway} in batches of {@link #BATCH} packets over reused buffers, as a NIC
 * ring would: the batch is written first, then handed to {@link dev.hairpin.pipeline.Stack#receive(Skb[], int)}
 * (with {@code prefetch}; it touches every packet's conntrack slot first when the table is larger
 * than the caches, so the misses overlap) or packet by packet (without).
 */
public final class Driver {
    public static final int BATCH = 32;
    public final Gateway gw;
    private final boolean snat;
    private final boolean prefetch;
    private final byte[][] bufs = new byte[BATCH][2048];
    private final Skb[] skbs = new Skb[BATCH];
    private final NetDevice[] ins = new NetDevice[BATCH];
    private final int[] lens = new int[BATCH];
    /** the slot holds a UdpFlows datagram (payload in place): the next one only rewrites its header */
    private final boolean[] udpShape = new boolean[BATCH];
    /** prebuilt headers of this driver's flows, as a NIC ring's producer has its frames ready */
    private long[] headers;
    private int fill;
    /** this driver's flows by number (a worker's share by RSS, {@link UdpFlows#byWorker}); null: flow k is number k */
    public int[] ids;
    /** the engine this driver's worker belongs to, and which worker (null: {@code gw.stack} alone) */
    public Workers workers;
    public int worker;

    public Driver(Gateway gw, boolean snat, boolean prefetch) {
        this.gw = gw;
        this.snat = snat;
        this.prefetch = prefetch;
        for (int i = 0; i < BATCH; i++) {
            skbs[i] = new Skb();
        }
    }

    /**
     * Writes the original headers of this driver's first {@code n} flows once, untimed (as
     * {@link #udpBatch} does on its first call): {@link #createUdp} then stores a new flow's
     * header words instead of computing them, as a NIC ring's producer has its frames ready.
     */
    public void prebuildHeaders(int n) {
        if (headers == null || headers.length != n * UdpFlows.HEADER_WORDS) {
            headers = ids != null ? UdpFlows.originalHeaders(ids, n) : UdpFlows.originalHeaders(n, 1, 0);
        }
    }

    /** Creates UDP flows [from, to): the first packet, and with {@code replies} the answer (ESTABLISHED). */
    public void createUdp(int from, int to, boolean replies) {
        long[] pre = headers != null && (long) to * UdpFlows.HEADER_WORDS <= headers.length ? headers : null;
        for (int k = from; k < to; k++) {
            int i = flow(k);
            byte[] b = slot(gw.lan);
            if (udpShape[fill]) { // the slot's zero payload is in place: only the header
                if (pre != null) {
                    UdpFlows.putHeader(b, 0, pre, k * UdpFlows.HEADER_WORDS);
                } else {
                    UdpFlows.originalHeader(i, b, 0);
                }
            } else {
                UdpFlows.original(i, b, 0);
                udpShape[fill] = true;
            }
            lens[fill++] = UdpFlows.LEN;
            if (fill == BATCH) {
                flush();
            }
            if (replies) {
                b = slot(gw.wan);
                if (udpShape[fill]) {
                    UdpFlows.replyHeader(i, snat, b, 0);
                } else {
                    UdpFlows.reply(i, snat, b, 0);
                    udpShape[fill] = true;
                }
                lens[fill++] = UdpFlows.LEN;
                if (fill == BATCH) {
                    flush();
                }
            }
        }
        flush();
    }

    /** One batch of established UDP packets, flows {@code first, first+1, ...} modulo {@code n}; returns the next flow. */
    public int udpBatch(int first, int n) {
        int i = first;
        if (headers == null || headers.length != n * UdpFlows.HEADER_WORDS) {
            headers = ids != null ? UdpFlows.originalHeaders(ids, n) : UdpFlows.originalHeaders(n, 1, 0); // once, untimed
        }
        for (int k = 0; k < BATCH; k++) {
            int f = fill;
            byte[] b = slot(gw.lan);
            if (udpShape[f]) {
                UdpFlows.putHeader(b, 0, headers, i * UdpFlows.HEADER_WORDS);
            } else {
                UdpFlows.original(flow(i), b, 0);
                udpShape[f] = true;
            }
            lens[fill++] = UdpFlows.LEN;
            if (++i == n) {
                i = 0;
            }
        }
        flush();
        return i;
    }

    /** Four whole TCP connections (32 packets) starting at connection {@code c}, the clock moved 1 ms per connection. */
    public long tcpBatch(long c, long nowNs) {
        for (int j = 0; j < BATCH / TcpMix.PACKETS_PER_CONNECTION; j++) {
            for (int k = 0; k < TcpMix.PACKETS_PER_CONNECTION; k++) {
                udpShape[fill] = false;
                lens[fill] = TcpMix.write(c + j, k, snat, slot(TcpMix.fromServer(k) ? gw.wan : gw.lan), 0);
                fill++;
            }
        }
        gw.clock(nowNs);
        flush();
        return c + BATCH / TcpMix.PACKETS_PER_CONNECTION;
    }

    /** flow number of this driver's k-th flow */
    private int flow(int k) {
        return ids != null ? ids[k] : k;
    }

    /**
     * The servers' answers to flows [from, to) of this driver, each to the port its original
     * left with ({@code dports[k]}, as NAT chose it); each must be dispatched to this driver's
     * worker, as NAT port ownership promises (else IllegalStateException).
     */
    public void replyUdp(int from, int to, int[] dports) {
        for (int k = from; k < to; k++) {
            byte[] b = slot(gw.wan);
            UdpFlows.replyTo(flow(k), snat, dports[k], b, 0);
            if (workers != null && workers.workerOf(b, 0, UdpFlows.LEN) != worker) {
                throw new IllegalStateException("reply of flow " + flow(k) + " to port " + dports[k] + " is not dispatched to worker " + worker);
            }
            udpShape[fill] = false;
            lens[fill++] = UdpFlows.LEN;
            if (fill == BATCH) {
                flush();
            }
        }
        flush();
    }

    private byte[] slot(NetDevice in) {
        if (ins[fill] != in) { // mostly the device it held: no reference store (and its GC barrier)
            ins[fill] = in;
        }
        return bufs[fill];
    }

    /** Runs the packets written so far. */
    public void flush() {
        int n = fill;
        for (int k = 0; k < n; k++) {
            Skb s = skbs[k];
            s.set(bufs[k], 0, lens[k]);
            s.in = ins[k];
        }
        if (workers != null) {
            if (prefetch) {
                workers.receive(worker, skbs, n);
            } else {
                for (int k = 0; k < n; k++) {
                    workers.receive(worker, skbs[k]);
                }
            }
        } else if (prefetch) {
            gw.stack.receive(skbs, n);
        } else {
            for (int k = 0; k < n; k++) {
                gw.stack.receive(skbs[k]);
            }
        }
        fill = 0;
    }
}
