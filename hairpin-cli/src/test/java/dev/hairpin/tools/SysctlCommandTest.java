package dev.hairpin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sysctl} against procps-ng 4.0.2 in a fresh network namespace
 * (src/test/resources/tools/sysctl-recorded*.jsonl, made by src/test/scripts/record_tool.py;
 * the -p files of the second set are sysctl-files/*, copied to /tmp/hptools8-sysctl/ to record):
 * the same command lines in the same order on a host with only {@code lo} must print the same
 * stdout and stderr and exit the same way.
 */
class SysctlCommandTest {
    /** recorded lines the model does not reproduce on purpose, and why */
    static final Map<String, String> NOT_MODELLED = Map.of();

    @ParameterizedTest
    @ValueSource(strings = {"sysctl-recorded.jsonl", "sysctl-recorded-2.jsonl", "sysctl-recorded-3.jsonl", "sysctl-recorded-4.jsonl", "sysctl-recorded-5.jsonl", "sysctl-recorded-6.jsonl"})
    void everyRecordedCommandLineBehavesAsProcpsDid(String file) throws Exception {
        Host host = new Host();
        host.netns = true; // recorded in a fresh network namespace
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536));
        Conntrack ct = new Conntrack(new CtConfig(), 1);
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(Path.of("src/test/resources/tools", file))) {
            JsonNode d = new ObjectMapper().readTree(line);
            String cmd = d.get("cmd").asText();
            if (NOT_MODELLED.containsKey(cmd)) {
                continue;
            }
            List<String> argv = dev.hairpin.lab.Words.split(cmd, cmd);
            if (argv.getFirst().equals("ip")) {
                // "ip link add A type veth peer name B": the namespace gains both devices
                assertThat(argv).as(cmd).hasSize(9).startsWith("ip", "link", "add").contains("veth", "peer");
                host.add(new NetDevice(argv.get(3), host.devices.size() + 1, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
                host.add(new NetDevice(argv.get(8), host.devices.size() + 1, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
                continue;
            }
            ToolResult r = SysctlCommand.run(host, ct, argv.subList(1, argv.size()), SysctlCommandTest::recordedFile);
            n++;
            if (!r.stdout().equals(d.get("stdout").asText()) || !r.stderr().equals(d.get("stderr").asText())
                    || r.exitCode() != d.get("rc").asInt()) {
                failures.add(cmd + "\n  procps: rc=" + d.get("rc") + " out=" + d.get("stdout") + " err=" + d.get("stderr")
                        + "\n  ours:   rc=" + r.exitCode() + " out=" + r.stdout().replace("\n", "\\n") + " err=" + r.stderr().replace("\n", "\\n"));
            }
        }
        assertThat(n).isGreaterThan(3);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    /** -p FILE: the recording read /tmp/hptools8-sysctl/NAME, a copy of sysctl-files/NAME, or /dev/null */
    static String recordedFile(Path p) {
        if (p.toString().equals("/dev/null")) {
            return "";   // empty wherever it was recorded
        }
        Path copy = Path.of("src/test/resources/tools/sysctl-files").resolve(p.getFileName().toString());
        if (!p.toString().startsWith("/tmp/hptools8-sysctl/") || !Files.exists(copy)) {
            return null;
        }
        try {
            return Files.readString(copy);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Recorded with procps in a fresh namespace (Linux 6.18): conntrack's host-wide keys refuse
     * a write there (exit 0), net.nf_conntrack_max is absent, a writable key still takes its
     * value; a whole host (the lab) takes the write.
     */
    @Test
    void hostWideConntrackKeysAreReadOnlyInANamespace() {
        Host ns = new Host();
        ns.netns = true;
        Conntrack ct = new Conntrack(new CtConfig(), 1);
        ToolResult r = SysctlCommand.run(ns, ct, List.of("-w", "net.netfilter.nf_conntrack_max=8", "net.ipv4.ip_forward=1"), p -> null);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEqualTo("sysctl: setting key \"net.netfilter.nf_conntrack_max\": Invalid argument\n");
        assertThat(r.stdout()).isEqualTo("net.ipv4.ip_forward = 1\n");
        assertThat(ct.config.max).isNotEqualTo(8);
        r = SysctlCommand.run(ns, ct, List.of("-w", "net.netfilter.nf_conntrack_expect_max=10"), p -> null);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEqualTo("sysctl: setting key \"net.netfilter.nf_conntrack_expect_max\": Invalid argument\n");
        r = SysctlCommand.run(ns, ct, List.of("net.nf_conntrack_max"), p -> null);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("sysctl: cannot stat /proc/sys/net/nf_conntrack_max: No such file or directory\n");
        Host whole = new Host();
        r = SysctlCommand.run(whole, ct, List.of("-w", "net.netfilter.nf_conntrack_max=8"), p -> null);
        assertThat(r.exitCode()).isZero();
        assertThat(ct.config.max).isEqualTo(8);
    }

    @Test
    void aWriteReachesConntrackAtOnce() {
        Host host = new Host();
        Conntrack ct = new Conntrack(new CtConfig(), 1);
        ToolResult r = SysctlCommand.run(host, ct, List.of("-w", "net.netfilter.nf_conntrack_udp_timeout=7"), p -> null);
        assertThat(r.exitCode()).isZero();
        assertThat(ct.config.timeoutSeconds(dev.hairpin.conntrack.CtTimeout.UDP_UNREPLIED)).isEqualTo(7);
    }
}
