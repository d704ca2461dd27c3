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
 * Creating connections: the first packet of each of 1,000,000 new UDP flows (conntrack entry,
 * nat table consulted, MASQUERADE binding, confirm) into an empty gateway. One op = one
 * connection; the table grows from empty during the shot, as it would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "-Xms4g", "-Xmx4g"})
public class UdpCreateBench {
    static final int N = 1_000_000;

    @Param({"true", "false"})
    boolean snat;

    Driver driver;

    @Setup(Level.Invocation)
    public void setup() {
        Gateway gw = new Gateway(N, snat, 0);
        gw.clock(1_000_000_000_000L);
        driver = new Driver(gw, snat, true);
        driver.prebuildHeaders(N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int create() {
        driver.createUdp(0, N, false);
        return driver.gw.conntrack.table.count();
    }
}
