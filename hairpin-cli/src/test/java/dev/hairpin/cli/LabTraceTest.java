package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.lab.Lab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hairpin --state DIR trace ...} (= {@code hairpin trace --state DIR}): the trace sees the
 * lab's live conntrack table, rules, sysctls, ipsets and clock, leaves the state byte for byte as
 * it was, and keeps what the packet did only with {@code --commit}.
 */
class LabTraceTest {
    private static String lab(Path dir, String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int rc = Lab.main(dir, List.of(line.split(" ")), "", ps, ps);
        assertThat(rc).as(line + ": " + out).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static TraceCommandTest.Run trace(Path dir, String line) {
        String[] words = line.split(" ");
        String[] argv = new String[words.length + 2];
        argv[0] = "--state";
        argv[1] = dir.toString();
        System.arraycopy(words, 0, argv, 2, words.length);
        return TraceCommandTest.capture(() -> LabCli.run(argv));
    }

    private static Map<String, String> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            Map<String, String> m = new TreeMap<>();
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readString(p));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String SYN = "trace --in eth1 tcp 198.51.100.7:51000 > 203.0.113.1:8080 --syn";
    private static final String SYNACK = "trace --in eth0 tcp 10.0.0.5:80 > 198.51.100.7:51000 --syn --ack";

    @Test
    void aTraceSeesTheLabsRulesAndTableAndChangesNothingUnlessCommitted(@TempDir Path dir) {
        lab(dir, "init");
        lab(dir, "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80");
        Map<String, String> before = files(dir);

        TraceCommandTest.Run r = trace(dir, SYN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("ip nat PREROUTING rule 1: -A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT")
                .contains("fate: forwarded out of eth0");
        assertThat(files(dir)).as("a trace without --commit leaves the state as it was").isEqualTo(before);
        assertThat(lab(dir, "conntrack -L")).doesNotContain("dport=8080");

        // the reply alone finds no entry: the SYN was not kept
        assertThat(trace(dir, SYNACK).out()).contains("conntrack PREROUTING: invalid: no entry");

        TraceCommandTest.Run c = trace(dir, SYN.replace("trace", "trace --commit"));
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(lab(dir, "conntrack -L")).contains("src=198.51.100.7 dst=203.0.113.1 sport=51000 dport=8080")
                .contains("src=10.0.0.5 dst=198.51.100.7 sport=80 dport=51000");
        assertThat(trace(dir, SYNACK).out()).contains("found entry, reply direction");
        assertThat(lab(dir, "conntrack -E")).as("the committed packet's event waits for conntrack -E").contains("[NEW] tcp");
    }

    @Test
    void aTraceSeesTheLabsIpsetsSysctlsAndClock(@TempDir Path dir) {
        lab(dir, "init");
        lab(dir, "ipset create blocked hash:net");
        lab(dir, "ipset add blocked 198.51.100.0/24");
        lab(dir, "iptables -A FORWARD -m set --match-set blocked src -j DROP");
        // conntrack runs only while a rule needs it (nf_ct_netns_get: recorded, conntrack-on-demand)
        lab(dir, "iptables -A FORWARD -m conntrack --ctstate INVALID");
        TraceCommandTest.Run r = trace(dir, "trace --in eth1 udp 198.51.100.9:5000 > 10.0.0.5:53");
        assertThat(r.out()).contains("ip filter FORWARD rule 1: -A FORWARD -m set --match-set blocked src -j DROP (match)");
        assertThat(trace(dir, "trace --in eth1 udp 192.0.2.9:5000 > 10.0.0.5:53").out()).contains("fate: forwarded out of eth0");

        lab(dir, "sysctl -w net.ipv4.ip_forward=0");
        assertThat(trace(dir, "trace --in eth1 udp 192.0.2.9:5000 > 10.0.0.5:53").out()).doesNotContain("fate: forwarded out of eth0");
        lab(dir, "sysctl -w net.ipv4.ip_forward=1");

        // a committed UDP flow is found until the lab's clock passes its 30 s timeout
        trace(dir, "trace --commit --in eth0 udp 10.0.0.5:5353 > 192.0.2.53:53");
        String reply = "trace --in eth1 udp 192.0.2.53:53 > 203.0.113.1:5353";
        assertThat(trace(dir, reply.replace("203.0.113.1", "10.0.0.5")).out()).contains("found entry, reply direction");
        lab(dir, "sleep 31");
        assertThat(trace(dir, reply.replace("203.0.113.1", "10.0.0.5")).out()).doesNotContain("found entry");
    }

    @Test
    void aMissingStateOrCommitWithoutStateIsRefused(@TempDir Path dir) {
        TraceCommandTest.Run r = trace(dir.resolve("none"), SYN);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a lab state (make one with: hairpin --state");
        assertThat(Files.exists(dir.resolve("none"))).isFalse();
        TraceCommandTest.Run s = TraceCommandTest.run("trace", "--snapshot", dir.toString(), "--commit", "--in", "eth1", "udp", "192.0.2.1:1", ">",
                "10.0.0.5:2");
        assertThat(s.exit()).isEqualTo(2);
    }
}
