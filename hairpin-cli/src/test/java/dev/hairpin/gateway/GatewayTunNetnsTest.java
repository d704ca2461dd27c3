package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.gateway.GatewayNetnsTest.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway attached to a TUN device (scripts/gateway-tun-lab.sh): the tunnel's far end is the
 * gw namespace's own kernel (10.8.0.2), whose real ping and UDP go through tun0, the gateway's
 * MASQUERADE and gwwan to a real WAN server, and back. Skipped without root or /dev/net/tun.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTunNetnsTest {
    private String prefix;
    private Path root;
    private Path config;
    private Path labtool;
    private Process gateway;
    private Process echo;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue("0".equals(GatewayNetnsTest.run(5, "id", "-u").out().trim()), "GatewayTunNetnsTest skipped: needs root");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")) && GatewayNetnsTest.which("ip") && GatewayNetnsTest.which("python3"),
                "GatewayTunNetnsTest skipped: needs /dev/net/tun, ip and python3");
        root = GatewayNetnsTest.projectRoot();
        labtool = root.resolve("scripts/labtool.py");
        prefix = "hptun" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        config = Files.createTempDirectory(prefix + "-config");
        Result lab = GatewayNetnsTest.run(60, root.resolve("scripts/gateway-tun-lab.sh").toString(), "up", prefix, config.toString());
        Assumptions.assumeTrue(lab.code() == 0, "GatewayTunNetnsTest skipped: tun lab set-up failed: " + lab.err());
        String java = ProcessHandle.current().info().command().orElse("java");
        gateway = new ProcessBuilder("ip", "netns", "exec", prefix + "-gw", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.hairpin.cli.Main", "gateway", "--config", config.toString(), "--metrics", "off")
                .redirectErrorStream(true).redirectOutput(config.resolve("gateway.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(config.resolve("hairpin.sock")) && gateway.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Files.exists(config.resolve("hairpin.sock"))).as("gateway up; log:\n%s", log()).isTrue();
        echo = new ProcessBuilder("ip", "netns", "exec", prefix + "-wan", "python3", "-u", labtool.toString(), "udp-echo", "203.0.113.2", "5353")
                .redirectErrorStream(true).redirectOutput(config.resolve("echo.log").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.readString(config.resolve("echo.log")).contains("ready") && System.nanoTime() < until) {
            Thread.sleep(100);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (Process p : new Process[] {echo, gateway}) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        if (prefix != null) {
            GatewayNetnsTest.run(30, root.resolve("scripts/gateway-tun-lab.sh").toString(), "down", prefix);
        }
    }

    private String log() {
        try {
            return Files.readString(config.resolve("gateway.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private Result inGw(String... args) throws Exception {
        String[] cmd = new String[args.length + 6];
        System.arraycopy(new String[] {"ip", "netns", "exec", prefix + "-gw", "python3", labtool.toString()}, 0, cmd, 0, 6);
        System.arraycopy(args, 0, cmd, 6, args.length);
        return GatewayNetnsTest.run(20, cmd);
    }

    @Test
    void pingAndUdpFromTheTunnelGoThroughMasqueradeAndBack() throws Exception {
        Result ping = inGw("ping", "203.0.113.2", "2");
        assertThat(ping.out()).as("ping: %s\n%s", ping.err(), log()).contains("reply from 203.0.113.2 ttl=63 seq=1", "reply from 203.0.113.2 ttl=63 seq=2");
        Result udp = inGw("udp-send", "203.0.113.2", "5353", "through-tun");
        assertThat(udp.out().trim()).as("udp: %s\n%s", udp.err(), log()).matches("203\\.0\\.113\\.1:\\d+ through-tun"); // the server saw the gateway
        Result own = inGw("ping", "10.8.0.1", "1");
        assertThat(own.out()).as("ping the gateway's tun address: %s", own.err()).contains("reply from 10.8.0.1 ttl=64");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = GatewayClient.run(config.resolve("hairpin.sock"), List.of("conntrack", "-L", "-p", "udp"), new byte[0],
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern(
                "src=10\\.8\\.0\\.2 dst=203\\.0\\.113\\.2 sport=\\d+ dport=5353 src=203\\.0\\.113\\.2 dst=203\\.0\\.113\\.1 sport=5353");
    }
}
