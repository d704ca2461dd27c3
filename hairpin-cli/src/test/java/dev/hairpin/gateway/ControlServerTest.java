package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.tools.EngineState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket without any device (no root needed): a packet loop with no ports still runs
 * the control tasks between its rounds, as the gateway does between batches.
 */
class ControlServerTest {
    @TempDir
    Path dir;
    Path socket;
    DataPlane plane;
    ControlServer server;
    Thread loop;
    Stack stack;

    @BeforeEach
    void start() {
        Host host = new Host();
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        host.addressesChanged();
        stack = new Stack(host, new Conntrack(new CtConfig(), 1), new SplittableRandom(1));
        EngineState state = new EngineState(stack, new Ruleset());
        plane = new DataPlane(stack, List.of(), 16, 30_000_000_000L, 1_000_000_000L);
        loop = Thread.ofPlatform().start(plane::run);
        socket = dir.resolve("gw.sock");
        server = new ControlServer(socket, plane, state, Gateway::operator);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        plane.stop();
        loop.join(5000);
    }

    record Out(int code, String out, String err) {}

    Out run(String stdin, String... argv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = GatewayClient.run(socket, List.of(argv), stdin.getBytes(StandardCharsets.UTF_8),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSocketIsTheOwnersOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("gw.sock"); // no temporary name left
        }
    }

    @Test
    void rulesChangeThroughTheSocketAndABadCommandChangesNothing() {
        assertThat(run("", "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE").code).isZero();
        String before = run("", "iptables-save").out.replaceAll("(?m)^#.*\n", "");
        assertThat(before).contains("-A POSTROUTING -o eth1 -j MASQUERADE");
        Out bad = run("", "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "NOSUCHTARGET");
        assertThat(bad.code).isNotZero();
        Out badRestore = run("*nat\n-A POSTROUTING -j MASQUERADE\n-A POSTROUTING --bogus\nCOMMIT\n", "iptables-restore");
        assertThat(badRestore.code).isNotZero();
        assertThat(run("", "iptables-save").out.replaceAll("(?m)^#.*\n", "")).isEqualTo(before);
        assertThat(run("", "conntrack", "-C")).isEqualTo(new Out(0, "0\n", ""));
        assertThat(run("", "nosuchtool").code).isEqualTo(127);
    }

    @Test
    void anEventSubscriberThatGoesAwayIsUnsubscribed() throws Exception {
        int before = listeners();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ControlProtocol.writeRequest(new DataOutputStream(Channels.newOutputStream(c)), List.of("conntrack", "-E"), new byte[0]);
            long until = System.nanoTime() + 5_000_000_000L;
            while (listeners() == before && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(listeners()).isEqualTo(before + 1);
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while (listeners() != before && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(listeners()).isEqualTo(before);
        assertThat(run("", "conntrack", "-C").code).isZero();
    }

    @Test
    void aLiveSocketIsRefusedAStaleOneReplaced() throws Exception {
        assertThatThrownBy(() -> new ControlServer(socket, plane, null, Gateway::operator))
                .isInstanceOf(GatewayException.class).hasMessageContaining("a gateway is already listening");
        Path stale = dir.resolve("stale.sock");
        try (var s = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists(); // left behind by a gateway that died
        ControlServer again = new ControlServer(stale, plane, null, Gateway::operator);
        again.close();
        assertThat(stale).doesNotExist();
    }

    @Test
    void noGatewayIsAClearError() {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = GatewayClient.run(dir.resolve("none.sock"), List.of("conntrack", "-L"), new byte[0], System.out,
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(e.toString(StandardCharsets.UTF_8)).contains("cannot reach the gateway at " + dir.resolve("none.sock"));
    }

    private int listeners() throws Exception {
        return plane.call(() -> {
            var f = Conntrack.class.getDeclaredField("listeners");
            f.setAccessible(true);
            Object l = f.get(stack.conntrack);
            return l instanceof java.util.Collection<?> c ? c.size() : java.lang.reflect.Array.getLength(l);
        }, 5000);
    }
}
