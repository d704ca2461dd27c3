package dev.hairpin.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Ipv4;
import org.junit.jupiter.api.Test;

/**
 * Multipath routes without a capture to follow (lab, gateway): what the kernel's
 * fib_select_multipath guarantees whatever its random seed: a flow's addresses always pick the
 * same nexthop, the nexthops share the flows in proportion to their weights, and rp_filter's
 * fib_info_nh_uses_dev accepts any of them. (Which flow takes which nexthop is the seed's: the
 * recording ecmp-dual-uplink holds the replay to the kernel's picks.)
 */
class FibMultipathTest {
    final NetDevice eth1 = new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    final NetDevice wg0 = new NetDevice("wg0", 4, NetDevice.ARPHRD_ETHER, new byte[6], 1420);
    final NetDevice eth0 = new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);

    Fib fib(int w1, int w2) {
        Fib f = new Fib();
        f.addMain(Route.multipath(0, 0, 0, Route.SCOPE_UNIVERSE, 0, "main", 0, new NetDevice[] {eth1, wg0},
                new int[] {Ipv4.parse("203.0.113.254"), Ipv4.parse("172.17.0.254")}, new int[] {w1, w2}));
        return f;
    }

    @Test
    void aFlowKeepsItsNexthopAndTheWeightsShareTheFlows() {
        Fib f = fib(1, 3);
        int viaWg = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            int s = Ipv4.parse("10.0.0.0") + i % 200;
            int d = Ipv4.parse("198.51.100.0") + i / 200 * 7;
            Route r = f.lookup(d, s, 0, null);
            assertThat(f.lookup(d, s, 0, null)).isSameAs(r);
            assertThat(r.isMultipath()).isFalse();
            assertThat(r.dev() == wg0 ? Ipv4.parse("172.17.0.254") : Ipv4.parse("203.0.113.254")).isEqualTo(r.gateway());
            viaWg += r.dev() == wg0 ? 1 : 0;
        }
        assertThat(viaWg / (double) n).isBetween(0.72, 0.78); // weight 3 of 4
    }

    @Test
    void aLookupThatSelectsNoPathGetsTheFirstNexthopAndAnyNexthopCountsForRpFilter() {
        Fib f = fib(1, 1);
        Route r = f.lookup(Ipv4.parse("198.51.100.9"));
        assertThat(r.isMultipath()).isTrue();
        assertThat(r.dev()).isSameAs(eth1);
        assertThat(r.usesDev(wg0)).isTrue();
        assertThat(r.usesDev(eth0)).isFalse();
        assertThat(f.lookup(Ipv4.parse("198.51.100.9"), 0, 0, null).usesDev(eth1)).isTrue();
    }

    @Test
    void aChooserOverridesTheHash() {
        Fib f = fib(1, 1);
        f.pathChooser = (r, s, d) -> d == Ipv4.parse("198.51.100.1") ? 1 : 0;
        assertThat(f.lookup(Ipv4.parse("198.51.100.1"), 1, 0, null).dev()).isSameAs(wg0);
        assertThat(f.lookup(Ipv4.parse("198.51.100.2"), 1, 0, null).dev()).isSameAs(eth1);
    }
}
