package dev.hairpin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ip address add|del} as iproute2 6.1 on Linux 6.18 answered in a scratch namespace
 * (messages, exit codes; with promote_secondaries 0 deleting a primary takes its subnet's
 * secondaries along); the promotion and MASQUERADE flush are recorded in
 * conformance/masquerade-addr-change.
 */
class IpCommandTest {
    final Host host = new Host();
    final Conntrack ct = new Conntrack(new CtConfig(), 1);
    final NetDevice d0 = host.add(new NetDevice("d0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));

    private ToolResult ip(String line) {
        return IpCommand.run(host, ct, List.of(line.split(" ")));
    }

    private List<String> addrs() {
        return d0.addrs.stream().map(a -> Ipv4.toString(a.local()) + "/" + a.prefixLen() + (a.secondary() ? " secondary" : "")).toList();
    }

    @Test
    void messagesAndExitCodes() {
        assertThat(ip("addr add 192.0.2.1/24 dev d0").exitCode()).isZero();
        ToolResult twice = ip("addr add 192.0.2.1/24 dev d0");
        assertThat(twice.stderr()).isEqualTo("Error: ipv4: Address already assigned.\n");
        assertThat(twice.exitCode()).isEqualTo(2);
        ToolResult missing = ip("addr del 192.0.2.9/24 dev d0");
        assertThat(missing.stderr()).isEqualTo("Error: ipv4: Address not found.\n");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(ip("addr add 192.0.2.5/24 dev nodev").stderr()).isEqualTo("Cannot find device \"nodev\"\n");
        assertThat(ip("addr add 192.0.2.x/24 dev d0").stderr())
                .isEqualTo("Error: any valid prefix is expected rather than \"192.0.2.x/24\".\n");
    }

    @Test
    void deletingAPrimaryTakesItsSecondariesWithoutPromotion() {
        ip("addr add 192.0.2.1/24 dev d0");
        ip("addr add 192.0.2.7/24 dev d0");
        assertThat(addrs()).containsExactly("192.0.2.1/24", "192.0.2.7/24 secondary");
        ip("addr del 192.0.2.1/24 dev d0");
        assertThat(addrs()).isEmpty();
        assertThat(host.fib.mainRoutes()).isEmpty();
    }

    @Test
    void withPromotionTheSecondaryBecomesPrimaryWithTheConnectedRoute() {
        host.sysctls.set("net.ipv4.conf.all.promote_secondaries", "1");
        ip("addr add 192.0.2.1/24 dev d0");
        ip("addr add 192.0.2.7/24 dev d0");
        ip("addr del 192.0.2.1/24 dev d0");
        assertThat(addrs()).containsExactly("192.0.2.7/24");
        assertThat(host.fib.mainRoutes()).singleElement().satisfies(r -> {
            assertThat(r.prefsrc()).isEqualTo(Ipv4.parse("192.0.2.7"));
            assertThat(r.scope()).isEqualTo(Route.SCOPE_LINK);
        });
        assertThat(host.fib.lookup(Ipv4.parse("192.0.2.7")).type()).isEqualTo(Route.RTN_LOCAL);
        assertThat(host.fib.lookup(Ipv4.parse("192.0.2.1")).type()).isEqualTo(Route.RTN_UNICAST);
    }
}
