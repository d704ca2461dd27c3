package dev.hairpin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hairpin.io.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a scenario from its captures: what is input, output, local; clear errors for bad files. */
class ScenarioLoadTest {
    @TempDir
    Path tmp;

    static Path scenario(String name) {
        Path d = ConformanceTest.shared().resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(d), "no conformance scenario " + d);
        return d;
    }

    /** a copy of a scenario's host/ and capture.pcap, to damage */
    private Path copy(String name) throws IOException {
        Path src = scenario(name);
        Path dst = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path rel = src.relativize(p);
                String top = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                if (!top.isEmpty() && !top.equals("host") && !top.equals("capture.pcap") && !top.equals("local.pcap")) {
                    continue;
                }
                Path t = dst.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }

    @Test
    void inputIsIncomingOnARealDeviceOutputIsOutgoingAndLoIsNeither() {
        Scenario s = Scenario.load(scenario("router-local-access"));
        // steps-log.txt: 12 frames in from the LAN, 18 sent on eth0, 22 packets entered OUTPUT
        assertThat(s.input).hasSize(12);
        assertThat(s.output).hasSize(18);
        assertThat(s.local).hasSize(22);
        assertThat(s.input).allMatch(f -> f.iface().equals("eth0"));
        // the ACK answering the first SYN-ACK passed OUTPUT after input 1 (local.jsonl says 0: its stamp is late)
        assertThat(s.local.get(1).n()).isEqualTo(1);
        assertThat(s.local.get(1).origin()).isEqualTo("socket");
        assertThat(s.local.get(5).origin()).isEqualTo("kernel");
    }

    @Test
    void aCaptureThatLostItsTailIsCompletedFromTheHarnessLogAndSaysSo() {
        Scenario s = Scenario.load(scenario("statistic-random"));
        assertThat(s.input).hasSize(200);
        assertThat(s.output).hasSize(200);
        assertThat(s.notes).anyMatch(n -> n.contains("lacks the last 10 input frames"));
    }

    @Test
    void aTruncatedCaptureNamesTheFileTheRecordAndTheOffset() throws IOException {
        Path d = copy("masquerade-udp");
        byte[] b = Files.readAllBytes(d.resolve("capture.pcap"));
        Files.write(d.resolve("capture.pcap"), Arrays.copyOf(b, b.length - 7));
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("capture.pcap").hasMessageContaining("record ").hasMessageContaining("at byte ");
    }

    @Test
    void aCaptureWithoutInterfaceIndexesIsRefused() throws IOException {
        Path d = copy("masquerade-udp");
        // local.pcap is NFLOG: no SLL2 interface index or packet type
        Files.copy(scenario("router-local-access").resolve("local.pcap"), d.resolve("capture.pcap"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("capture.pcap: record 1").hasMessageContaining("expected a Linux cooked capture");
    }

    @Test
    void aMissingCaptureIsAClearError() throws IOException {
        Path d = copy("masquerade-udp");
        Files.delete(d.resolve("capture.pcap"));
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("capture.pcap: missing");
    }
}
