package dev.hairpin.bench;

import dev.hairpin.workload.Driver;
import dev.hairpin.workload.Gateway;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Established UDP flows through the full pipeline (PREROUTING with conntrack and NAT, routing,
 * FORWARD, POSTROUTING with SNAT and confirm), one thread, batches of 32. The flows are created
 * and answered (so ESTABLISHED) in an untimed setup, then swept once more untimed; a score is ns
 * per packet (one op = one packet), generating the datagram into a reused buffer included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "-Xms4g", "-Xmx4g"})
public class UdpEstablishedBench {
    @Param({"1", "1000", "100000", "1000000"})
    int connections;

    @Param({"true", "false"})
    boolean snat;

    @Param({"true"})
    boolean prefetch;

    Driver driver;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        Gateway gw = new Gateway(connections, snat, 0);
        gw.clock(1_000_000_000_000L);
        driver = new Driver(gw, snat, prefetch);
        driver.createUdp(0, connections, true);
        if (gw.conntrack.table.count() != connections) {
            throw new IllegalStateException(gw.conntrack.table.count() + " entries for " + connections + " flows");
        }
        for (int i = 0; i < connections; i += Driver.BATCH) {
            next = driver.udpBatch(next, connections);
        }
    }

    @Benchmark
    @OperationsPerInvocation(Driver.BATCH)
    public int established() {
        next = driver.udpBatch(next, connections);
        return next;
    }
}
