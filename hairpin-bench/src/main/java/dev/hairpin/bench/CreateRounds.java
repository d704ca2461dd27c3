package dev.hairpin.bench;

import dev.hairpin.workload.Driver;
import dev.hairpin.workload.Gateway;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Connection creation in rounds, for profilers rather than for figures: each round creates
 * {@code n} UDP flows (first packets, MASQUERADE) in a fresh gateway and prints its thread CPU
 * time per connection. With {@code cg} as third argument, under {@code valgrind --tool=callgrind},
 * the last round is bracketed by {@code callgrind_control -z}/{@code -d} (after one empty
 * bracket, dump part 1, so the calls' own cost can be told apart): dump part 2 then holds the
 * last round's instructions ({@code scripts/callgrind-create.sh} does all this).
 *
 * <pre>java -cp hairpin-bench/target/benchmarks.jar dev.hairpin.bench.CreateRounds N ROUNDS [cg]</pre>
 */
public final class CreateRounds {
    private CreateRounds() {}

    private static void callgrind(String what) throws Exception {
        Process p = new ProcessBuilder("callgrind_control", what, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("callgrind_control " + what + " failed (not under callgrind?)");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CreateRounds CONNECTIONS ROUNDS [cg]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        boolean cg = args.length > 2 && args[2].equals("cg");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            Gateway gw = new Gateway(n, true, 0);
            gw.clock(1_000_000_000_000L);
            Driver d = new Driver(gw, true, true);
            d.prebuildHeaders(n); // as bench --workload create does, before its clock starts
            boolean last = cg && r == rounds - 1;
            if (last) {
                callgrind("-z");
                callgrind("-d");
                callgrind("-z");
            }
            long c0 = mx.getCurrentThreadCpuTime();
            d.createUdp(0, n, false);
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            if (last) {
                callgrind("-d");
            }
            if (gw.conntrack.table.count() != n || gw.transmitted != n) {
                throw new IllegalStateException(gw.conntrack.table.count() + " entries, " + gw.transmitted + " sent for " + n);
            }
            System.out.printf("round %d: %.1f cpu ns/connection%n", r, (double) cpu / n);
        }
    }
}
