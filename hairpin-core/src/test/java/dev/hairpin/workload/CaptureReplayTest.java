package dev.hairpin.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pcap.CaptureReader;
import dev.hairpin.pcap.CaptureRecord;
import dev.hairpin.pcap.LinkType;
import dev.hairpin.pcap.PcapWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay workload: what goes in comes out on the right device, masqueraded (kernel MASQUERADE keeps free ports). */
class CaptureReplayTest {
    @TempDir
    Path dir;

    @Test
    void everyPacketLeavesMasqueradedOnTheOtherDevice() throws IOException {
        Path in = dir.resolve("in.pcap");
        CaptureReplay.generate(in, 10, 200, true, 1_000_000_000_000L);
        Gateway gw = new Gateway(10, true, 0);
        assertThat(CaptureReplay.replay(gw, in, dir)).isEqualTo(200);
        assertThat(gw.transmitted).isEqualTo(200);
        assertThat(gw.conntrack.table.count()).isEqualTo(10);

        int k = 0;
        try (CaptureReader wan = CaptureReader.open(dir.resolve("eth1.pcap"))) {
            CaptureRecord r = new CaptureRecord();
            for (; wan.next(r); k++) {
                int i = k % 10;
                byte[] b = r.data;
                int o = r.networkOffset;
                assertThat(r.linkType).isEqualTo(LinkType.RAW);
                assertThat(Ipv4.saddr(b, o)).isEqualTo(Gateway.WAN_ADDR);
                assertThat(Ipv4.daddr(b, o)).isEqualTo(UdpFlows.dst(i));
                assertThat(Ipv4.u16(b, o + 20)).isEqualTo(UdpFlows.sport(i));
                assertThat(Ipv4.ttl(b, o)).isEqualTo(63);
                assertThat(Checksum.ipv4HeaderValid(b, o)).isTrue();
                assertThat(Checksum.transportValid(b, o)).isTrue();
            }
        }
        assertThat(k).isEqualTo(100);
        k = 0;
        try (CaptureReader lan = CaptureReader.open(dir.resolve("eth0.pcap"))) {
            CaptureRecord r = new CaptureRecord();
            for (; lan.next(r); k++) {
                int i = k % 10;
                assertThat(Ipv4.daddr(r.data, r.networkOffset)).isEqualTo(UdpFlows.src(i));
                assertThat(Ipv4.u16(r.data, r.networkOffset + 22)).isEqualTo(UdpFlows.sport(i));
                assertThat(Checksum.transportValid(r.data, r.networkOffset)).isTrue();
            }
        }
        assertThat(k).isEqualTo(100);
    }

    /**
     * 20,000 packets (1.8 MB: the read window slides and the output buffers drain several
     * times): the files hold exactly what a plain loop transmits, each packet copied out of the
     * capture into its own array before the stack rewrites it.
     */
    @Test
    void replayingInPlaceGivesWhatACopyingLoopGives() throws IOException {
        Path in = dir.resolve("in.pcap");
        CaptureReplay.generate(in, 300, 20_000, true, 1_000_000_000_000L);
        Gateway gw = new Gateway(300, true, 0);
        assertThat(CaptureReplay.replay(gw, in, dir)).isEqualTo(20_000);

        Gateway ref = new Gateway(300, true, 0);
        Map<Integer, List<String>> sent = new HashMap<>();
        ref.tap = (s, dev, nexthop) -> sent.computeIfAbsent(dev.ifindex, k -> new ArrayList<>())
                .add(ref.conntrack.table.now() + " " + HexFormat.of().formatHex(s.buf, s.l3, s.l3 + s.len));
        try (CaptureReader reader = CaptureReader.open(in)) {
            CaptureRecord r = new CaptureRecord();
            while (reader.next(r)) {
                ref.clock(r.timestampNanos);
                Skb skb = new Skb(r.networkCopy(), 0, r.networkLength);
                skb.in = r.ifindex == 2 ? ref.lan : ref.wan;
                ref.stack.receive(skb);
            }
        }
        for (var d : new NetDevice[] {gw.lan, gw.wan}) {
            List<String> got = new ArrayList<>();
            try (CaptureReader out = CaptureReader.open(dir.resolve(d.name + ".pcap"))) {
                CaptureRecord r = new CaptureRecord();
                while (out.next(r)) {
                    got.add(r.timestampNanos + " " + HexFormat.of().formatHex(r.data, r.networkOffset,
                            r.networkOffset + r.networkLength));
                }
            }
            assertThat(got).as(d.name).hasSize(10_000).isEqualTo(sent.get(d.ifindex));
        }
    }

    @Test
    void aRecordFromAnUnknownDeviceIsRefusedByNumber() throws IOException {
        Path in = dir.resolve("bad.pcap");
        byte[] b = new byte[UdpFlows.LEN];
        UdpFlows.original(0, b, 0);
        try (PcapWriter w = PcapWriter.create(in, LinkType.LINUX_SLL2, true)) {
            w.writeSll2(1, 2, CaptureRecord.PACKET_HOST, 1, 1L, b, 0, b.length);
            w.writeSll2(2, 9, CaptureRecord.PACKET_HOST, 1, 1L, b, 0, b.length);
        }
        assertThatThrownBy(() -> CaptureReplay.replay(new Gateway(1, true, 0), in, dir))
                .isInstanceOf(IOException.class).hasMessageContaining("record 2");
    }
}
