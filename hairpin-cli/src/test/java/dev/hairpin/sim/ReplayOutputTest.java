package dev.hairpin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.pcap.CaptureReader;
import dev.hairpin.pcap.CaptureRecord;
import dev.hairpin.pcap.LinkType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** output.pcap: what the engine sent, in the capture's own layout, readable back. */
class ReplayOutputTest {
    @TempDir
    Path tmp;

    @Test
    void outputPcapHoldsTheKernelsOutgoingFramesForAMatchingReplay() throws IOException {
        Scenario s = Scenario.load(ScenarioLoadTest.scenario("snat-tcp-lifecycle"));
        Replay r = new Replay(s).run();
        assertThat(Check.of(r).matches()).isTrue();
        Path pcap = tmp.resolve("output.pcap");
        r.writeOutputPcap(pcap);
        List<String> got = new ArrayList<>();
        try (CaptureReader in = CaptureReader.open(pcap)) {
            CaptureRecord rec = new CaptureRecord();
            while (in.next(rec)) {
                assertThat(rec.linkType).isEqualTo(LinkType.LINUX_SLL2);
                assertThat(rec.pkttype).isEqualTo(CaptureRecord.PACKET_OUTGOING);
                got.add(s.snapshot.host.device(rec.ifindex).name + " " + java.util.HexFormat.of().formatHex(rec.networkCopy()));
            }
        }
        // byte for byte the kernel's (no partial checksums in this scenario: forwarded traffic only)
        assertThat(got).isEqualTo(Check.frames(s.output));
    }
}
