package dev.hairpin.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-device values the packet path reads follow every sysctl -w, with the kernel's combining rules. */
class SysctlsTest {
    final Sysctls s = new Sysctls();
    final NetDevice eth0 = new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);

    @Test
    void cachedValuesFollowWrites() {
        assertThat(s.forwarding(eth0)).isFalse();
        assertThat(s.rpFilter(eth0)).isZero();
        assertThat(s.routeLocalnet(eth0)).isFalse();
        s.set("net.ipv4.ip_forward", "1");
        assertThat(s.forwarding(eth0)).isTrue();
        s.set("net.ipv4.conf.eth0.forwarding", "0");
        assertThat(s.forwarding(eth0)).isFalse();
        s.set("net.ipv4.conf.default.rp_filter", "2");
        assertThat(s.rpFilter(eth0)).isEqualTo(2); // no conf.eth0 key: the default applies
        s.set("net.ipv4.conf.eth0.rp_filter", "0");
        s.set("net.ipv4.conf.all.rp_filter", "1");
        assertThat(s.rpFilter(eth0)).isEqualTo(1); // max(all, dev)
        s.set("net.ipv4.conf.all.route_localnet", "1");
        assertThat(s.routeLocalnet(eth0)).isTrue(); // all || dev
        s.set("net.ipv4.conf.all.route_localnet", "0 ");
        assertThat(s.routeLocalnet(eth0)).isFalse();
    }

    @Test
    void aDeviceSeenByTwoHostsTakesEachHostsValues() {
        Sysctls other = new Sysctls();
        other.set("net.ipv4.ip_forward", "1");
        assertThat(other.forwarding(eth0)).isTrue();
        assertThat(s.forwarding(eth0)).isFalse();
        assertThat(other.forwarding(eth0)).isTrue();
    }

    @Test
    void numbersAreTheFirstFieldAndGarbageGivesTheDefault() {
        s.set("net.ipv4.ip_local_port_range", "32768\t60999");
        assertThat(s.getLong("net.ipv4.ip_local_port_range", 0)).isEqualTo(32768);
        s.set("net.ipv4.ip_default_ttl", "abc");
        assertThat(s.defaultTtl()).isEqualTo(64);
    }
}
