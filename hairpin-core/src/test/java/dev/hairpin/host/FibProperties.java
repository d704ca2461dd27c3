package dev.hairpin.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The compiled FIB answers as the ordered scan of fib_lookup() it replaces: longest prefix, then
 * lowest metric, then the route added first; the local table before the main one.
 */
class FibProperties {
    static final NetDevice A = new NetDevice("a", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    static final NetDevice B = new NetDevice("b", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500);

    @Property(tries = 300)
    void compiledLookupEqualsTheOrderedScan(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> seeds,
            @ForAll @Size(min = 1, max = 60) List<Integer> probes) {
        Fib fib = new Fib();
        List<Route> scan = new ArrayList<>();
        // few distinct high bits so prefixes nest and collide, as real tables do
        for (int s : seeds) {
            int len = s % 33;
            int dst = (s & 0x0300ff0f) | 0x0a000000;
            int metric = (s >>> 8) % 3;
            int type = (s >>> 12) % 5 == 0 ? Route.RTN_LOCAL : Route.RTN_UNICAST;
            Route r = new Route(dst, len, type, (s & 1) == 0 ? A : B, 0, 0, 0, metric, "main");
            fib.addMain(r);
            scan.add(r);
        }
        // stable sort: the order routes were added breaks the remaining ties, as in Fib
        scan.sort(java.util.Comparator.comparingInt(Route::prefixLen).reversed().thenComparingInt(Route::metric));
        List<Integer> addrs = new ArrayList<>(probes);
        for (Route r : scan) {
            addrs.add(r.dst());
            addrs.add(r.dst() ^ 1);
        }
        for (int a : addrs) {
            int addr = (a & 0x0300ff0f) | 0x0a000000;
            Route want = null;
            for (Route r : scan) {
                if (r.contains(addr)) {
                    want = r;
                    break;
                }
            }
            assertThat(fib.lookup(addr)).as("lookup %08x", addr).isSameAs(want);
            assertThat(fib.isLocal(addr)).isEqualTo(want != null && want.type() == Route.RTN_LOCAL);
        }
    }

    @Property(tries = 100)
    void localTableWinsOverALongerMainRoute(@ForAll @IntRange(min = 1, max = 254) int host) {
        NetDevice lo = new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536);
        lo.addrs.add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        A.addrs.clear();
        A.addrs.add(new NetDevice.InAddr(0xc0000200 | host, 24, 0, false));
        Fib fib = new Fib();
        fib.rebuildLocal(List.of(lo, A));
        fib.addMain(new Route(0xc0000200 | host, 32, Route.RTN_UNICAST, B, 0, 0, 0, 0, "main"));
        fib.addMain(new Route(0, 0, Route.RTN_UNICAST, B, 0xc0000201, 0, 0, 0, "main"));
        assertThat(fib.lookup(0xc0000200 | host).type()).isEqualTo(Route.RTN_LOCAL);
        assertThat(fib.lookup(0x7f123456).type()).isEqualTo(Route.RTN_LOCAL);
        assertThat(fib.lookup(0xc00002ff).type()).isEqualTo(Route.RTN_BROADCAST);
        assertThat(fib.lookup(0xc0000300 | host).gateway()).isEqualTo(0xc0000201);
    }
}
