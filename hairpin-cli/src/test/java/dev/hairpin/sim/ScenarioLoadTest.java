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
    void aScenarioPathThatIsNoDirectorySaysSo() throws IOException {
        Path none = tmp.resolve("nonexist");
        assertThatThrownBy(() -> Scenario.load(none)).isInstanceOf(SnapshotException.class)
                .hasMessage(none + ": no such directory (expected a scenario directory: host/ and capture.pcap)");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> Scenario.load(file)).hasMessageContaining(file + ": not a directory");
    }

    @Test
    void aMissingCaptureIsAClearError() throws IOException {
        Path d = copy("masquerade-udp");
        Files.delete(d.resolve("capture.pcap"));
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("capture.pcap: missing");
    }

    /** one SLL2 record of {@code proto} on ifindex 2 (incoming), in the byte order of the pcap's header */
    private static byte[] sll2Record(java.nio.ByteOrder order, byte[] firstRecordHeader, int proto, int payloadLen) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 20 + payloadLen).order(order);
        b.put(firstRecordHeader, 0, 8); // the first record's timestamp
        b.putInt(20 + payloadLen).putInt(20 + payloadLen);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) proto).putShort((short) 0).putInt(2)
                .putShort((short) 1).put((byte) 0).put((byte) 6).put(new byte[] {2, 0, 0, 0, 1, 1, 0, 0});
        if (proto == 0x86dd) {
            b.put((byte) 0x60); // version 6, then zeros: enough for a frame nobody parses
        }
        return b.array();
    }

    @Test
    void framesThatAreNotIpv4AreLeftOutWithANoteAndTheirConntrackLinesAreNotCompared() throws IOException {
        Path d = copy("masquerade-udp");
        Path src = scenario("masquerade-udp");
        Files.createDirectories(d.resolve("expected"));
        for (String f : new String[] {"conntrack.txt", "events.txt", "stats.txt", "iptables-save-c.txt"}) {
            Files.copy(src.resolve("expected").resolve(f), d.resolve("expected").resolve(f));
        }
        // what a box's tcpdump -i any also holds: IPv6 (router solicitations) and ARP, and the
        // IPv6 entry a `conntrack -L` of such a box lists
        byte[] pcap = Files.readAllBytes(d.resolve("capture.pcap"));
        java.nio.ByteOrder order = (pcap[0] & 0xff) == 0xd4 || (pcap[0] & 0xff) == 0x4d
                ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
        int firstLen = java.nio.ByteBuffer.wrap(pcap, 24 + 8, 4).order(order).getInt();
        int afterFirst = 24 + 16 + firstLen;
        byte[] rec = Arrays.copyOfRange(pcap, 24, 40);
        java.io.ByteArrayOutputStream mixed = new java.io.ByteArrayOutputStream();
        mixed.write(pcap, 0, afterFirst);
        mixed.write(sll2Record(order, rec, 0x86dd, 48));
        mixed.write(sll2Record(order, rec, 0x0806, 28));
        mixed.write(sll2Record(order, rec, 0x86dd, 48));
        mixed.write(pcap, afterFirst, pcap.length - afterFirst);
        Files.write(d.resolve("capture.pcap"), mixed.toByteArray());
        Files.writeString(d.resolve("expected/conntrack.txt"), "ipv6 10 udp 17 29 src=fe80::1 dst=ff02::fb sport=5353 dport=5353"
                + " [UNREPLIED] src=ff02::fb dst=fe80::1 sport=5353 dport=5353 mark=0 use=1\n", java.nio.file.StandardOpenOption.APPEND);

        Scenario plain = Scenario.load(src);
        Scenario s = Scenario.load(d);
        assertThat(s.input).hasSameSizeAs(plain.input);
        assertThat(s.output).hasSameSizeAs(plain.output);
        assertThat(s.notes).anyMatch(n -> n.contains("3 frames that are not IPv4 left out (ARP 0x0806: 1, IPv6 0x86dd: 2)"));
        Check c = Check.of(new Replay(s).run());
        assertThat(c.diffs).isEmpty();
        assertThat(c.notes).containsExactly("conntrack.txt: 1 line of IPv6 entries not compared (IPv6 is not modelled)");
    }

    @Test
    void aBoxSnapshotWithoutTheKernelsListingsComparesItsFramesAloneAndSaysWhatItLeftOut() throws IOException {
        Path d = copy("masquerade-udp"); // host/ and capture.pcap only, as a box's own snapshot
        Check c = Check.of(new Replay(Scenario.load(d)).run());
        assertThat(c.diffs).isEmpty();
        assertThat(c.compared).containsExactly("output frames");
        assertThat(c.notes).containsExactly("expected/conntrack.txt missing: not compared",
                "expected/events.txt missing: not compared", "expected/stats.txt missing: not compared",
                "expected/iptables-save-c.txt missing: not compared");
        // a frame the engine would not send is still a difference
        Scenario s = Scenario.load(d);
        s.output.remove(s.output.size() - 1);
        assertThat(Check.of(new Replay(s).run()).diffs).containsOnlyKeys("output frames");
    }

    /**
     * realbox/bridge-masquerade (tools/realbox/record-bridge.sh on Linux 6.18): a LAN behind a
     * Linux bridge, CHECKSUM_PARTIAL frames from veth peers, next hops learnt by ARP during the
     * capture, the box's own IGMP report, its own processes' traffic and listeners, closed ports
     * answered. Every output frame must be the kernel's, byte for byte.
     */
    @Test
    void aRealBoxWithABridgedLanPartialChecksumsArpAndItsOwnTrafficReplaysToAMatch() throws Exception {
        Path d = Path.of(getClass().getResource("/realbox/bridge-masquerade").toURI());
        Scenario s = Scenario.load(d);
        Check c = Check.of(new Replay(s).run());
        assertThat(c.diffs).isEmpty();
        assertThat(c.compared).containsExactly("output frames");
        assertThat(s.input).allMatch(f -> f.iface().equals("br0") || f.iface().equals("eth1"));
        assertThat(s.arps).extracting(Scenario.Arp::op).containsExactly(1, 2);
        assertThat(s.local).hasSize(5).allMatch(f -> "box".equals(f.origin()));
        assertThat(s.snapshot.host.listening).containsExactlyInAnyOrder("tcp:22", "udp:4123");
        assertThat(s.partialInputs).hasSize(23);
        assertThat(s.notes).anyMatch(n -> n.contains("25 IPv4 frames on bridge ports or bond slaves left out (vethc1 (of br0): 25)"));
        assertThat(s.notes).anyMatch(n -> n.contains("1 IGMP reports the box sent itself left out"));
        // the frames partial in the kernel's capture are partial in ours: none is completed
        assertThat(s.output).anyMatch(f -> dev.hairpin.packet.Checksum.transportPartial(f.ip(), 0));
    }

    /**
     * realbox/docker-published (tools/realbox/record-docker.sh): Docker's own ruleset on a bridge
     * host, a published port DNATed into the bridge and a container's UDP MASQUERADEd out.
     */
    @Test
    void aDockerHostWithAPublishedPortReplaysToAMatch() throws Exception {
        Path d = Path.of(getClass().getResource("/realbox/docker-published").toURI());
        Scenario s = Scenario.load(d);
        Replay r = new Replay(s).run();
        Check c = Check.of(r);
        assertThat(c.diffs).isEmpty();
        assertThat(s.output).hasSize(12);
        assertThat(s.input).allMatch(f -> f.iface().equals("docker0") || f.iface().equals("eth1"));
        assertThat(s.local).isEmpty(); // the box itself sent nothing but its IGMP report
        assertThat(s.notes).anyMatch(n -> n.contains("13 IPv4 frames on bridge ports or bond slaves left out (veth1a2b (of docker0): 13)"));
    }

    @Test
    void garbageInActionsTxtNamesTheFileTheLineAndWhatWasExpected() throws IOException {
        Path d = copy("masquerade-udp");
        Files.createDirectories(d.resolve("expected"));
        Path a = d.resolve("expected/actions.txt");
        Files.writeString(a, "# comment\nhello\n");
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessage(a + ":2: expected `t=... epoch=... after_input=N rc=... cmd=...`, got: hello");
        Files.writeString(a, "t=+1.0 epoch=17.5 after_input=1 rc=0 cmd=conntrack -C\n    | 1\nstray\n");
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessage(a + ":3: expected `t=... epoch=... after_input=N rc=... cmd=...` or a line of its output (`    | ...`), got: stray");
        Files.writeString(a, "t=+1.0 epoch=x after_input=1 rc=0 cmd=conntrack -C\n");
        assertThatThrownBy(() -> Scenario.load(d)).isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith(a + ":1: expected numbers in `epoch=SECONDS after_input=N rc=N`");
        Files.writeString(a, "t=+1.0 epoch=17.5 after_input=1 rc=0 cmd=conntrack -C\n    | 1\n\n");
        assertThat(Scenario.load(d).actions).hasSize(1);
    }
}
