package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.testutil.Shared;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's own recordings: every capture.pcap (LINUX_SLL2) against the scenario's
 * input.jsonl / output.jsonl, router-local-access/local.pcap (NFLOG) against local.jsonl, and
 * the checksums of every packet in them.
 */
class ConformanceCaptureTest {
    static final HexFormat HEX = HexFormat.of();
    /** capture and harness clocks differ by the time a frame takes to arrive (5.6 ms at most seen) */
    static final long SLACK_NANOS = 50_000_000L;

    static List<CaptureRecord> read(Path file) throws IOException {
        List<CaptureRecord> out = new ArrayList<>();
        try (CaptureReader in = CaptureReader.open(file)) {
            while (true) {
                CaptureRecord r = new CaptureRecord();
                if (!in.next(r)) {
                    return out;
                }
                out.add(r);
            }
        }
    }

    static long nanos(Object epoch) {
        return ((BigDecimal) epoch).movePointRight(9).longValue();
    }

    @TestFactory
    Stream<DynamicTest> captures() {
        return Shared.scenarios().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> capture(dir)));
    }

    void capture(Path dir) throws IOException {
        Map<String, Integer> ifindex = Shared.ifindexes(dir);
        List<Map<String, Object>> input = Shared.jsonl(dir.resolve("input.jsonl"));
        List<Map<String, Object>> output = Shared.jsonl(dir.resolve("output.jsonl"));
        List<CaptureRecord> records = read(dir.resolve("capture.pcap"));
        assertThat(records).isNotEmpty();

        List<CaptureRecord> in = new ArrayList<>();
        List<CaptureRecord> out = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (CaptureRecord r : records) {
            assertThat(r.linkType).isEqualTo(LinkType.LINUX_SLL2);
            assertThat(r.protocol).isEqualTo(0x0800);
            assertThat(r.addrLen).isEqualTo(6);
            assertThat(r.networkOffset).isEqualTo(Sll2.HEADER);
            assertThat(r.length).isEqualTo(r.originalLength);
            assertThat(r.timestampNanos).isGreaterThanOrEqualTo(last);
            last = r.timestampNanos;
            checksums(r, r.pkttype == CaptureRecord.PACKET_HOST && r.ifindex != 1);
            if (r.ifindex == 1) { // looped back inside the gateway: neither input nor output
                assertThat(r.pkttype).isEqualTo(CaptureRecord.PACKET_HOST);
                assertThat(r.arphrd).isEqualTo(772);
                assertThat(r.address()).isZero();
            } else if (r.pkttype == CaptureRecord.PACKET_HOST) {
                in.add(r);
            } else {
                assertThat(r.pkttype).isEqualTo(CaptureRecord.PACKET_OUTGOING);
                out.add(r);
            }
        }
        // tcpdump may stop before the last frames (it says so on stderr); the jsonl files are complete
        boolean cut = truncatedByTcpdump(dir);
        assertThat(in.size()).isLessThanOrEqualTo(input.size());
        assertThat(out.size()).isLessThanOrEqualTo(output.size());
        if (!cut) {
            assertThat(in).hasSameSizeAs(input);
            assertThat(out).hasSameSizeAs(output);
        }
        long start = nanos(input.getFirst().get("epoch")) - nanos(input.getFirst().get("t"));
        for (int i = 0; i < in.size(); i++) {
            same(in.get(i), input.get(i), ifindex, nanos(input.get(i).get("epoch")));
        }
        for (int i = 0; i < out.size(); i++) {
            same(out.get(i), output.get(i), ifindex, start + nanos(output.get(i).get("t")));
        }
    }

    /** one SLL2 record against the full Ethernet frame of the jsonl line */
    static void same(CaptureRecord r, Map<String, Object> line, Map<String, Integer> ifindex, long when) {
        byte[] frame = HEX.parseHex((String) line.get("hex"));
        String what = "#" + line.get("n") + " " + line.get("decoded");
        assertThat(r.ifindex).as(what).isEqualTo(ifindex.get((String) line.get("gw_iface")));
        assertThat(r.arphrd).as(what).isEqualTo(1);
        assertThat(r.address()).as(what).isEqualTo(dev.hairpin.packet.Ethernet.mac(frame, 6));
        assertThat(r.protocol).as(what).isEqualTo(Ipv4.u16(frame, 12));
        assertThat(r.networkCopy()).as(what).isEqualTo(Arrays.copyOfRange(frame, 14, frame.length));
        assertThat(Math.abs(r.timestampNanos - when)).as(what).isLessThan(SLACK_NANOS);
    }

    static final Pattern TCPDUMP = Pattern.compile("(\\d+) packets captured\\s+(\\d+) packets received by filter");

    static boolean truncatedByTcpdump(Path dir) throws IOException {
        Path err = dir.resolve("expected/tcpdump-stderr.txt");
        if (!Files.exists(err)) {
            return false;
        }
        Matcher m = TCPDUMP.matcher(Files.readString(err));
        return m.find() && Long.parseLong(m.group(1)) < Long.parseLong(m.group(2));
    }

    /**
     * The IPv4 header checksum always; TCP/UDP/ICMP strictly for frames received from a peer.
     * What the gateway sent may carry a CHECKSUM_PARTIAL TCP/UDP sum (its own sockets, REJECT).
     */
    static void checksums(CaptureRecord r, boolean strict) {
        byte[] ip = r.networkCopy();
        String what = "record " + r.number;
        assertThat(Ipv4.version(ip, 0)).as(what).isEqualTo(4);
        assertThat(Ipv4.totLen(ip, 0)).as(what).isEqualTo(ip.length);
        assertThat(Checksum.ipv4HeaderValid(ip, 0)).as(what + " IP header").isTrue();
        if (Ipv4.isFragment(ip, 0) && Ipv4.fragOffsetBytes(ip, 0) != 0) {
            return;
        }
        int proto = Ipv4.protocol(ip, 0);
        if (proto == Ipv4.PROTO_ICMP || (strict && Checksum.checkOffset(proto) >= 0)) {
            assertThat(Checksum.transportValid(ip, 0)).as(what + " L4").isTrue();
        } else if (Checksum.checkOffset(proto) >= 0) {
            assertThat(Checksum.transportValid(ip, 0) || Checksum.transportPartial(ip, 0)).as(what + " L4 full or partial").isTrue();
        }
    }

    @Test
    void localTrafficNflog() throws IOException {
        Path dir = Shared.conformance().resolve("router-local-access");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(dir.resolve("local.pcap")), "no " + dir.resolve("local.pcap"));
        Map<String, Integer> ifindex = Shared.ifindexes(dir);
        List<Map<String, Object>> local = Shared.jsonl(dir.resolve("local.jsonl"));
        List<CaptureRecord> records = read(dir.resolve("local.pcap"));
        assertThat(records).hasSameSizeAs(local).isNotEmpty();
        for (int i = 0; i < records.size(); i++) {
            CaptureRecord r = records.get(i);
            Map<String, Object> line = local.get(i);
            String what = "#" + line.get("n") + " " + line.get("decoded");
            assertThat(r.linkType).isEqualTo(LinkType.NFLOG);
            assertThat(r.nflogFamily).isEqualTo(2);
            assertThat(r.nflogResourceId).isEqualTo(7);
            assertThat(r.protocol).isEqualTo(0x0800);
            assertThat(r.hook).as(what).isEqualTo(((BigDecimal) line.get("hook")).intValue());
            assertThat(r.prefix()).as(what).isEqualTo(line.get("origin"));
            assertThat(r.outdev).as(what).isEqualTo(ifindex.get((String) line.get("gw_iface")));
            assertThat(r.indev).as(what).isEqualTo(-1);
            if (line.get("uid") == null) { // no process socket ("kernel"): no uid/gid attributes
                assertThat(r.uid).as(what).isEqualTo(-1);
                assertThat(r.gid).as(what).isEqualTo(-1);
            } else {
                assertThat(r.uid).as(what).isEqualTo(((BigDecimal) line.get("uid")).intValue());
                assertThat(r.gid).as(what).isZero(); // the harness runs as root
            }
            // no timestamp attribute at OUTPUT: the record time is libpcap's, as local.jsonl's epoch
            assertThat(r.timestampNanos / 1000).as(what).isEqualTo(nanos(line.get("epoch")) / 1000);
            byte[] ip = r.networkCopy();
            assertThat(ip).as(what).isEqualTo(HEX.parseHex((String) line.get("hex")));
            assertThat(Checksum.ipv4HeaderValid(ip, 0)).as(what).isTrue();
            String l4 = (String) line.get("l4_csum");
            if ("partial".equals(l4)) {
                assertThat(Checksum.transportPartial(ip, 0)).as(what).isTrue();
                int off = Ipv4.ihlBytes(ip, 0) + Checksum.checkOffset(Ipv4.protocol(ip, 0));
                Ipv4.put16(ip, off, Checksum.completePartial(ip, 0));
                assertThat(ip).as(what).isEqualTo(HEX.parseHex((String) line.get("hex_csum_completed")));
                assertThat(Checksum.transportValid(ip, 0)).as(what).isTrue();
            } else {
                assertThat(l4).as(what).isEqualTo("ok");
                assertThat(Checksum.transportValid(ip, 0)).as(what).isTrue();
            }
        }
    }
}
