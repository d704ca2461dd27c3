package dev.hairpin.bench;

import dev.hairpin.packet.Checksum;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The one's complement sum the path runs on every packet: an IPv4 header, a small UDP datagram, a full frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class ChecksumBench {
    @Param({"20", "36", "1480"})
    int len;

    byte[] data;

    @Setup
    public void setup() {
        data = new byte[len + 3];
        new java.util.SplittableRandom(1).nextBytes(data);
    }

    @Benchmark
    public int sum() {
        return Checksum.sum(data, 1, len, 0x1234);
    }
}
