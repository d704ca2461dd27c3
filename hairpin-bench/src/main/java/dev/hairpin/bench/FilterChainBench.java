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
 * 1,000 established UDP flows (no NAT) through a FORWARD chain of N kube-proxy-style rules none
 * of them matches ({@code -d 172.16.x.y/32 -p udp --dport 53 -j DROP}), then the ACCEPT policy:
 * every rule must be passed over, as the kernel walks them. One op = one packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseCompactObjectHeaders", "-Xms4g", "-Xmx4g"})
public class FilterChainBench {
    static final int CONNECTIONS = 1000;

    @Param({"10", "10000"})
    int rules;

    Driver driver;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        Gateway gw = new Gateway(CONNECTIONS, false, rules);
        gw.clock(1_000_000_000_000L);
        driver = new Driver(gw, false, true);
        driver.createUdp(0, CONNECTIONS, true);
    }

    @Benchmark
    @OperationsPerInvocation(Driver.BATCH)
    public int filtered() {
        next = driver.udpBatch(next, CONNECTIONS);
        return next;
    }
}
