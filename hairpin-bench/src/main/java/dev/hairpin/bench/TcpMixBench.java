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
 * Short TCP connections (handshake, request, ACK, teardown: 8 packets) through the gateway, the
 * simulated clock moving 1 ms per connection so TIME_WAIT entries expire on the timer wheel
 * (about 120,000 live entries in steady state). One op = one packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "-Xms4g", "-Xmx4g"})
public class TcpMixBench {
    @Param({"true", "false"})
    boolean snat;

    Driver driver;
    long conn;
    long now = 1_000_000_000_000L;

    @Setup(Level.Trial)
    public void setup() {
        Gateway gw = new Gateway(400_000, snat, 0);
        driver = new Driver(gw, snat, true);
    }

    @Benchmark
    @OperationsPerInvocation(Driver.BATCH)
    public long mix() {
        now += 4_000_000L;
        conn = driver.tcpBatch(conn, now);
        return conn;
    }
}
