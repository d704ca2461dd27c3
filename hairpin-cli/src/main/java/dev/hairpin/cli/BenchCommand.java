package dev.hairpin.cli;

import dev.hairpin.workload.CaptureReplay;
import dev.hairpin.workload.Driver;
import dev.hairpin.workload.Gateway;
import dev.hairpin.workload.TcpMix;
import dev.hairpin.workload.UdpFlows;
import dev.hairpin.pipeline.Workers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hairpin bench}: the workloads of issue 4 through the full pipeline, on reused buffers in
 * batches of 32 ({@link Driver}), with a simulated clock. Every figure is measured here, none is
 * derived from another run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measure the packet path (PREROUTING with conntrack and NAT, routing, FORWARD, POSTROUTING with",
            "SNAT and confirm) on synthetic traffic, in batches of 32 packets over reused buffers.",
            "",
            "Workloads (--workload):",
            "  udp     established UDP flows: --connections flows are created and answered (untimed),",
            "          swept once more (warm-up), then --packets packets are timed, round robin over the flows.",
            "  create  new UDP connections: the first packet of --connections flows into an empty table",
            "          (after an untimed JIT warm-up on a throwaway table); reports connections_per_sec.",
            "  tcp     short TCP connections, 8 packets each (handshake, request, ACK, FIN, FIN, ACK), the",
            "          clock moving 1 ms per connection so TIME_WAIT entries expire on the timer wheel.",
            "  filter  1000 established UDP flows without NAT through a FORWARD chain of --rules rules no",
            "          packet matches (kube-proxy style -d 172.16.x.y/32 -p udp --dport 53 -j DROP), after",
            "          -m conntrack --ctstate INVALID -j DROP (without a NAT rule, it keeps conntrack on).",
            "  replay  a generated capture file (LINUX_SLL2, min(--packets, 4000000) packets over --connections",
            "          UDP flows, default 1000, each packet followed by its answer) read, run through the",
            "          gateway and written to one pcap per output device; an untimed pass warms the JIT.",
            "  table   the issue's table: udp at 1, 1k, 100k, 1M connections with SNAT, create at 1M,",
            "          tcp, filter with 10 and 10000 rules (each run as above).",
            "",
            "Reported: ns_per_packet and mpps (wall clock), cpu_ns_per_packet (the worker threads' CPU",
            "time: less sensitive to a busy machine), connections_per_sec (create, tcp), bytes_per_entry",
            "(the conntrack and NAT arrays as allocated, index and timer wheel included, divided by entries),",
            "heap_bytes_per_entry (heap growth after a GC, G1's region rounding included), p50/p99 latency",
            "of a 32-packet batch.",
            "With --threads T (udp, filter, create), the engine is T workers (dev.hairpin.pipeline.Workers), each a",
            "gateway with its own conntrack on its own thread; each worker's driver sends only the packets",
            "RSS dispatches to it (pipeline.Rss, a symmetric hash), replies included: NAT chooses ports whose",
            "replies come back to the choosing worker (checked for every reply).",
            ""})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--workload", defaultValue = "udp", description = "udp, create, tcp, filter, replay or table (default ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--connections", description = "UDP connections (udp default 1000, create default 1000000)")
    Integer connections;

    @Option(names = "--snat", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "MASQUERADE out of the WAN device (default on; --no-snat: no nat rule, and"
                    + " -A FORWARD -m conntrack --ctstate INVALID -j DROP keeps conntrack registered)")
    boolean snat;

    @Option(names = "--threads", defaultValue = "1", description = "worker threads, each owning a shard of the flows (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--rules", defaultValue = "10000", description = "filter workload: rules in the FORWARD chain (default ${DEFAULT-VALUE})")
    int rules;

    @Option(names = "--packets", defaultValue = "20000000", description = "packets in a timed run, over all threads (default ${DEFAULT-VALUE})")
    long packets;

    @Option(names = "--prefetch", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "hand packets to the engine a batch at a time, which touches every packet's conntrack slot first once the table outgrows the caches (32,768 entries; default on)")
    boolean prefetch;

    @Option(names = "--json", description = "print one JSON object per workload")
    boolean json;

    private static final long T0 = 1_000_000_000_000L;

    @Override
    public Integer call() {
        if (threads < 1 || threads > 64) {
            System.err.println("bench: --threads must be 1..64, not " + threads);
            return 2;
        }
        if (packets < Driver.BATCH) {
            System.err.println("bench: --packets must be at least " + Driver.BATCH);
            return 2;
        }
        if (connections != null && (connections < 1 || connections > 12_000_000)) {
            System.err.println("bench: --connections must be 1..12000000, not " + connections);
            return 2;
        }
        if (rules < 0 || rules > 65536) {
            System.err.println("bench: --rules must be 0..65536, not " + rules);
            return 2;
        }
        switch (workload) {
            case "udp" -> report(udp(connections == null ? 1000 : connections, snat, 0));
            case "create" -> report(create(connections == null ? 1_000_000 : connections, snat));
            case "tcp" -> report(tcp(snat));
            case "filter" -> report(udp(1000, false, rules));
            case "replay" -> report(replay(connections == null ? 1000 : connections, snat));
            case "table" -> {
                for (int n : new int[] {1, 1000, 100_000, 1_000_000}) {
                    report(udp(n, snat, 0));
                }
                report(create(1_000_000, snat));
                report(tcp(snat));
                report(udp(1000, false, 10));
                report(udp(1000, false, 10000));
            }
            default -> {
                System.err.println("bench: unknown workload '" + workload + "' (expected udp, create, tcp, filter, replay or table)");
                return 2;
            }
        }
        return 0;
    }

    /** One result line. */
    record Result(String workload, int connections, boolean snat, int threads, int rules, long packets, double nsPerPacket,
            double cpuNsPerPacket, double connectionsPerSec, double bytesPerEntry, double heapBytesPerEntry, long p50BatchNs,
            long p99BatchNs) {}

    private void report(Result r) {
        double mpps = 1e3 / r.nsPerPacket;
        if (json) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "{\"workload\":\"%s\",\"connections\":%d,\"snat\":%b,\"threads\":%d",
                    r.workload, r.connections, r.snat, r.threads));
            if (r.rules >= 0) {
                sb.append(",\"rules\":").append(r.rules);
            }
            sb.append(String.format(Locale.ROOT, ",\"packets\":%d,\"mpps\":%.3f,\"ns_per_packet\":%.1f,\"cpu_ns_per_packet\":%.1f",
                    r.packets, mpps, r.nsPerPacket, r.cpuNsPerPacket));
            if (r.connectionsPerSec > 0) {
                sb.append(String.format(Locale.ROOT, ",\"connections_per_sec\":%.0f,\"conns_per_sec\":%.0f",
                        r.connectionsPerSec, r.connectionsPerSec));
            }
            sb.append(String.format(Locale.ROOT,
                    ",\"bytes_per_entry\":%.1f,\"heap_bytes_per_entry\":%.1f,\"p50_batch_ns\":%d,\"p99_batch_ns\":%d}",
                    r.bytesPerEntry, r.heapBytesPerEntry, r.p50BatchNs, r.p99BatchNs));
            System.out.println(sb);
        } else {
            System.out.printf(Locale.ROOT, "%-7s connections=%d snat=%b threads=%d%s: %.1f ns/packet (%.1f cpu), %.2f Mpps%s,"
                            + " %.1f bytes/entry (heap %.1f), batch p50 %d ns p99 %d ns%n",
                    r.workload, r.connections, r.snat, r.threads, r.rules >= 0 ? " rules=" + r.rules : "", r.nsPerPacket,
                    r.cpuNsPerPacket, mpps,
                    r.connectionsPerSec > 0 ? String.format(Locale.ROOT, ", %.0f connections/s", r.connectionsPerSec) : "",
                    r.bytesPerEntry, r.heapBytesPerEntry, r.p50BatchNs, r.p99BatchNs);
        }
        System.out.flush();
    }

    // ---------------------------------------------------------------- udp / filter

    /** A worker: its gateway, driver and share of the flows. */
    private final class Shard {
        final Gateway gw;
        final Driver driver;
        final int flows;
        /** auto-resizing: a batch stalled for seconds (a profiler, a pause) is recorded, not fatal */
        final Histogram batches = new Histogram(2);
        long cpuNs;
        int next;

        /**
         * allocated last: keeps this shard's per-packet-written objects (packet buffers, skbs)
         * off the cache lines of the next shard's, which the main thread allocates right after
         * and a full GC compacts in the same order (two workers writing one line would slow
         * both)
         */
        final long[] pad;

        Shard(int[] ids, int total, int w, boolean snatOn, int filterRules) {
            flows = ids == null ? total : ids.length;
            gw = new Gateway(flows, snatOn, filterRules);
            gw.clock(T0);
            driver = new Driver(gw, snatOn, prefetch);
            driver.ids = ids;
            driver.worker = w;
            pad = new long[32];
        }
    }

    private Result udp(int n, boolean snatOn, int filterRules) {
        if (n < threads) {
            throw new IllegalArgumentException("fewer connections than threads");
        }
        List<Shard> shards = new ArrayList<>();
        // one worker: every flow, numbered as the driver counts (no id array)
        int[][] ids = threads == 1 ? new int[][] {null} : UdpFlows.byWorker(n, threads);
        for (int w = 0; w < threads; w++) {
            if (ids[w] != null && ids[w].length == 0) {
                throw new IllegalArgumentException("no connection dispatched to worker " + w + " of " + threads);
            }
            shards.add(new Shard(ids[w], n, w, snatOn, filterRules));
        }
        Workers workers = new Workers(threads, w -> shards.get(w).gw.stack);
        for (Shard s : shards) {
            s.driver.workers = workers;
        }
        long heapEmpty = usedHeap();
        if (threads == 1) {
            parallel(shards, s -> s.driver.createUdp(0, s.flows, true));
        } else {
            // originals first, each one's NAT port noted as it leaves; then the answers to those ports
            parallel(shards, s -> {
                int[] ports = new int[s.flows];
                int[] next = {0};
                s.gw.tap = (skb, out, nexthop) -> {
                    if (out == s.gw.wan) {
                        ports[next[0]++] = dev.hairpin.packet.Ipv4.u16(skb.buf, skb.l4);
                    }
                };
                s.driver.createUdp(0, s.flows, false);
                s.gw.tap = null;
                if (next[0] != s.flows) {
                    throw new IllegalStateException("bench: " + next[0] + " of " + s.flows + " originals left worker " + s.driver.worker);
                }
                s.driver.replyUdp(0, s.flows, ports);
            });
        }
        if (workers.handedOff() != 0 || workers.foreignFlows() != 0) {
            throw new IllegalStateException("bench: " + workers.foreignFlows() + " flows not home, " + workers.handedOff() + " handoffs");
        }
        long heapFull = usedHeap();
        int entries = 0;
        long footprint = 0;
        for (Shard s : shards) {
            entries += s.gw.conntrack.table.count();
            footprint += footprint(s.gw);
        }
        if (entries != n) {
            throw new IllegalStateException("bench: " + entries + " conntrack entries for " + n + " flows");
        }
        long perShard = Math.max(Driver.BATCH, packets / threads);
        // warm-up: one sweep over every flow, and at least as many packets as the timed run
        parallel(shards, s -> sweep(s, Math.max(s.flows, perShard), new Histogram(2)));
        for (Shard s : shards) {
            s.gw.transmitted = 0;
        }
        long wall = parallel(shards, s -> sweep(s, perShard / Driver.BATCH * Driver.BATCH, s.batches));
        long sent = 0;
        long cpu = 0;
        Histogram all = new Histogram(2);
        for (Shard s : shards) {
            sent += s.gw.transmitted;
            cpu += s.cpuNs;
            all.add(s.batches);
        }
        long timed = perShard / Driver.BATCH * Driver.BATCH * threads;
        if (sent != timed) {
            throw new IllegalStateException("bench: " + sent + " of " + timed + " packets transmitted");
        }
        java.lang.ref.Reference.reachabilityFence(shards);
        return new Result(filterRules > 0 ? "filter" : "udp", n, snatOn, threads, filterRules > 0 ? filterRules : -1, timed,
                (double) wall / timed, (double) cpu / timed, 0, (double) footprint / entries,
                (double) (heapFull - heapEmpty) / entries, all.getValueAtPercentile(50), all.getValueAtPercentile(99));
    }

    /**
     * {@code count} packets (rounded up to whole batches), each batch's time recorded in
     * {@code h}. The warm-up and the timed pass run this same loop (the warm-up into a scratch
     * histogram): the JIT compiles it during the warm-up (on-stack replacement), so the timed
     * pass runs it compiled from its first batch rather than in the interpreter.
     */
    private static void sweep(Shard s, long count, Histogram h) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        int next = s.next;
        long t = System.nanoTime();
        for (long p = 0; p < count; p += Driver.BATCH) {
            next = s.driver.udpBatch(next, s.flows);
            long t1 = System.nanoTime();
            h.recordValue(t1 - t);
            t = t1;
        }
        s.next = next;
        s.cpuNs = mx.getCurrentThreadCpuTime() - c0;
    }

    // ---------------------------------------------------------------- create

    private Result create(int n, boolean snatOn) {
        if (threads != 1) {
            if (n < threads) {
                throw new IllegalArgumentException("fewer connections than threads");
            }
            for (int r = 0; r < WARM_GATEWAYS; r++) {
                createSharded(Math.max(threads, Math.min(n, 200_000)), snatOn); // JIT warm-up, thrown away
            }
            settleJit();
            return createSharded(n, snatOn);
        }
        // JIT warm-up on throwaway tables, so the figure is not the interpreter's
        for (int r = 0; r < WARM_GATEWAYS; r++) {
            Gateway warm = new Gateway(200_000, snatOn, 0);
            warm.clock(T0);
            Driver wd = new Driver(warm, snatOn, prefetch);
            wd.prebuildHeaders(200_000);
            Histogram scratch = new Histogram(2);
            long tw = System.nanoTime();
            for (int k = 0; k < 200_000; k += Driver.BATCH) {
                tw = createBatch(wd, k, 200_000, scratch, tw);
            }
        }
        settleJit();
        Gateway gw = new Gateway(n, snatOn, 0);
        gw.clock(T0);
        Driver d = new Driver(gw, snatOn, prefetch);
        d.prebuildHeaders(n); // the frames a NIC would hand over, before the clock starts
        long heapEmpty = usedHeap();
        Histogram h = new Histogram(2);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        long t = w0;
        for (int k = 0; k < n; k += Driver.BATCH) {
            t = createBatch(d, k, n, h, t);
        }
        long wall = System.nanoTime() - w0;
        long cpu = mx.getCurrentThreadCpuTime() - c0;
        if (gw.conntrack.table.count() != n || gw.transmitted != n) {
            throw new IllegalStateException("bench: " + gw.conntrack.table.count() + " entries, " + gw.transmitted
                    + " transmitted for " + n + " new connections");
        }
        long heapFull = usedHeap();
        java.lang.ref.Reference.reachabilityFence(gw);
        return new Result("create", n, snatOn, 1, -1, n, (double) wall / n, (double) cpu / n, n / (wall / 1e9),
                (double) footprint(gw) / n, (double) (heapFull - heapEmpty) / n, h.getValueAtPercentile(50), h.getValueAtPercentile(99));
    }

    /**
     * Warm-up rounds of create, each on a fresh gateway. A gateway's first packets take branches
     * no later packet takes (its skip masks and interface matches computed, the first timer on
     * the wheel): code C2 compiled during the first round has those branches as uncommon traps,
     * so the next fresh gateway deoptimizes it and runs slower code until C2 has compiled it
     * again, on a CPU the workers need (-Xlog:deoptimization). The second round takes those
     * traps; the third takes the one C2 had compiled in again before the second's was recorded
     * (timerAdd's empty wheel slot, inlined in forwardIn), and {@link #settleJit} waits for the
     * recompilation, all before the clock starts.
     */
    private static final int WARM_GATEWAYS = 3;

    /**
     * Waits (at most 5 s) until the JIT's total compilation time has not moved for 100 ms (it
     * moves as compilations finish, so a longer one may still be running). C2 compiles a
     * warm-up's hot methods from a queue, large ones taking tens of ms each; after a short
     * warm-up it was still compiling the first-packet path a quarter of a second into the timed
     * run (-XX:+PrintCompilation), which ran slower code meanwhile.
     */
    private static void settleJit() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        long deadline = quietSince + 5_000_000_000L;
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < 100_000_000L) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /**
     * {@code n} new connections over {@link #threads} workers: each worker's driver creates the
     * flows RSS dispatches to it, all at once; MASQUERADE on a worker picks only ports whose
     * replies dispatch back to it (checked: no flow lands elsewhere, nothing is handed off).
     */
    private Result createSharded(int n, boolean snatOn) {
        int[][] ids = UdpFlows.byWorker(n, threads);
        List<Shard> shards = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            shards.add(new Shard(ids[w], n, w, snatOn, 0));
        }
        Workers workers = new Workers(threads, w -> shards.get(w).gw.stack);
        for (Shard s : shards) {
            s.driver.workers = workers;
            s.driver.prebuildHeaders(s.flows); // as one thread's create does
        }
        long heapEmpty = usedHeap();
        long wall = parallel(shards, s -> {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            for (int k = 0; k < s.flows; k += Driver.BATCH) {
                t = createBatch(s.driver, k, s.flows, s.batches, t);
            }
            s.cpuNs = mx.getCurrentThreadCpuTime() - c0;
        });
        if (workers.handedOff() != 0 || workers.foreignFlows() != 0) {
            throw new IllegalStateException("bench: " + workers.foreignFlows() + " flows not home, " + workers.handedOff() + " handoffs");
        }
        long cpu = 0;
        long footprint = 0;
        Histogram all = new Histogram(2);
        for (Shard s : shards) {
            if (s.gw.conntrack.table.count() != s.flows || s.gw.transmitted != s.flows) {
                throw new IllegalStateException("bench: " + s.gw.conntrack.table.count() + " entries, " + s.gw.transmitted
                        + " transmitted for " + s.flows + " new connections on worker " + s.driver.worker);
            }
            cpu += s.cpuNs;
            footprint += footprint(s.gw);
            all.add(s.batches);
        }
        long heapFull = usedHeap();
        java.lang.ref.Reference.reachabilityFence(shards);
        return new Result("create", n, snatOn, threads, -1, n, (double) wall / n, (double) cpu / n, n / (wall / 1e9),
                (double) footprint / n, (double) (heapFull - heapEmpty) / n, all.getValueAtPercentile(50),
                all.getValueAtPercentile(99));
    }

    /**
     * One batch of new connections, its time recorded: a method of its own, which the warm-up's
     * thousands of calls get compiled, so the timed loop (too short for on-stack replacement)
     * only calls compiled code.
     */
    private static long createBatch(Driver d, int k, int n, Histogram h, long t) {
        d.createUdp(k, Math.min(n, k + Driver.BATCH), false);
        long t1 = System.nanoTime();
        h.recordValue(t1 - t);
        return t1;
    }

    // ---------------------------------------------------------------- replay

    private Result replay(int flows, boolean snatOn) {
        if (threads != 1) {
            System.err.println("bench: replay runs on one thread (--threads ignored)");
        }
        long n = Math.min(packets, 4_000_000L);
        java.nio.file.Path dir = null;
        try {
            dir = java.nio.file.Files.createTempDirectory("hairpin-bench-replay");
            java.nio.file.Path in = dir.resolve("in.pcap");
            CaptureReplay.generate(in, flows, n, snatOn, T0);
            // warm-up: untimed replays of the same file, each through its own gateway (two: see WARM_GATEWAYS)
            for (int r = 0; r < WARM_GATEWAYS; r++) {
                CaptureReplay.replay(new Gateway(flows, snatOn, 0), in, dir);
            }
            settleJit();
            Gateway gw = new Gateway(flows, snatOn, 0);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            long done = CaptureReplay.replay(gw, in, dir);
            long wall = System.nanoTime() - w0;
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            if (done != n || gw.transmitted != n) {
                throw new IllegalStateException("bench: " + gw.transmitted + " of " + n + " replayed packets transmitted");
            }
            return new Result("replay", flows, snatOn, 1, -1, n, (double) wall / n, (double) cpu / n, -1,
                    (double) footprint(gw) / flows, 0, -1, -1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("bench: replay: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- tcp

    private Result tcp(boolean snatOn) {
        if (threads != 1) {
            System.err.println("bench: tcp runs on one thread (--threads ignored)");
        }
        Gateway gw = new Gateway(400_000, snatOn, 0);
        Driver d = new Driver(gw, snatOn, prefetch);
        long heapEmpty = usedHeap();
        // warm-up: 130 s of simulated time, so TIME_WAIT entries (120 s) expire as fast as they come
        long warmPackets = Math.max(packets, 130_000L * TcpMix.PACKETS_PER_CONNECTION);
        Histogram scratch = new Histogram(2);
        long[] clock = {T0, 0, System.nanoTime()}; // simulated now, connection, batch start
        for (long p = 0; p < warmPackets; p += Driver.BATCH) {
            tcpBatch(d, clock, scratch);
        }
        long heapFull = usedHeap();
        int live = gw.conntrack.table.count();
        gw.transmitted = 0;
        long c0Conn = clock[1];
        Histogram h = new Histogram(2);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        long t = w0;
        long timed = packets / Driver.BATCH * Driver.BATCH;
        clock[2] = t;
        for (long p = 0; p < timed; p += Driver.BATCH) {
            tcpBatch(d, clock, h);
        }
        long wall = System.nanoTime() - w0;
        long cpu = mx.getCurrentThreadCpuTime() - c0;
        if (gw.transmitted != timed) {
            throw new IllegalStateException("bench: " + gw.transmitted + " of " + timed + " TCP packets transmitted");
        }
        java.lang.ref.Reference.reachabilityFence(gw);
        return new Result("tcp", live, snatOn, 1, -1, timed, (double) wall / timed, (double) cpu / timed,
                (clock[1] - c0Conn) / (wall / 1e9), (double) footprint(gw) / live, (double) (heapFull - heapEmpty) / live, h.getValueAtPercentile(50),
                h.getValueAtPercentile(99));
    }

    /** One batch of the TCP mix, the clock 4 ms on, its time recorded (its own method: see {@link #createBatch}) */
    private static void tcpBatch(Driver d, long[] clock, Histogram h) {
        clock[0] += 4_000_000L;
        clock[1] = d.tcpBatch(clock[1], clock[0]);
        long t1 = System.nanoTime();
        h.recordValue(t1 - clock[2]);
        clock[2] = t1;
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code work} on every shard, one platform thread each (the caller's for one); returns wall ns. */
    private static long parallel(List<Shard> shards, java.util.function.Consumer<Shard> work) {
        long t0 = System.nanoTime();
        if (shards.size() == 1) {
            work.accept(shards.getFirst());
            return System.nanoTime() - t0;
        }
        List<Thread> ts = new ArrayList<>();
        for (Shard s : shards) {
            ts.add(Thread.ofPlatform().start(() -> work.accept(s)));
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("bench interrupted", e);
            }
        }
        return System.nanoTime() - t0;
    }

    /** conntrack and NAT arrays of a gateway, in bytes */
    private static long footprint(Gateway gw) {
        return gw.conntrack.table.footprintBytes() + gw.stack.nat.footprintBytes();
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}
