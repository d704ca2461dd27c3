package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Ethernet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** write → read for every format, byte order and timestamp resolution */
class RoundTripTest {
    static final byte[] IP = HexFormat.of().parseHex("45000023000100004011465f0a000002c633643514e90035000f353271756572792d31");
    static final byte[] GW_MAC = HexFormat.of().parseHex("020000000001");
    static final long T0 = 1_795_268_870_391_365_123L;

    static List<CaptureRecord> readAll(byte[] file, String name) throws IOException {
        List<CaptureRecord> out = new ArrayList<>();
        try (CaptureReader in = CaptureReader.open(new ByteArrayInputStream(file), name)) {
            while (true) {
                CaptureRecord r = new CaptureRecord(16);
                if (!in.next(r)) {
                    return out;
                }
                out.add(r);
            }
        }
    }

    static byte[] network(CaptureRecord r) {
        return r.networkCopy();
    }

    @ParameterizedTest
    @CsvSource({"false,LITTLE_ENDIAN", "true,LITTLE_ENDIAN", "false,BIG_ENDIAN", "true,BIG_ENDIAN"})
    void pcapSll2(boolean nanos, String order) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(buf, LinkType.LINUX_SLL2, 262144, nanos, byteOrder(order))) {
            w.writeSll2(T0, 2, CaptureRecord.PACKET_HOST, 1, Ethernet.parseMac("02:00:00:00:01:01"), IP, 0, IP.length);
            w.writeSll2(T0 + 1_000, 3, CaptureRecord.PACKET_OUTGOING, 1, GW_MAC, 6, IP, 0, IP.length);
            w.writeSll2(1_500_000_000L, 1, CaptureRecord.PACKET_HOST, 772, new byte[6], 6, IP, 0, IP.length);
        }
        byte[] file = buf.toByteArray();
        assertThat(file).hasSize(24 + 3 * (16 + 20 + IP.length));
        List<CaptureRecord> rs = readAll(file, "t.pcap");
        assertThat(rs).hasSize(3);
        CaptureRecord a = rs.get(0);
        assertThat(a.linkType).isEqualTo(LinkType.LINUX_SLL2);
        assertThat(a.timestampNanos).isEqualTo(nanos ? T0 : T0 / 1000 * 1000);
        assertThat(a.number).isEqualTo(1);
        assertThat(a.fileOffset).isEqualTo(24);
        assertThat(a.length).isEqualTo(20 + IP.length);
        assertThat(a.originalLength).isEqualTo(a.length);
        assertThat(a.protocol).isEqualTo(0x0800);
        assertThat(a.ifindex).isEqualTo(2);
        assertThat(a.pkttype).isEqualTo(CaptureRecord.PACKET_HOST);
        assertThat(a.arphrd).isEqualTo(1);
        assertThat(a.addrLen).isEqualTo(6);
        assertThat(a.address()).isEqualTo(0x020000000101L);
        assertThat(a.networkOffset).isEqualTo(20);
        assertThat(network(a)).isEqualTo(IP);
        CaptureRecord b = rs.get(1);
        assertThat(b.ifindex).isEqualTo(3);
        assertThat(b.pkttype).isEqualTo(CaptureRecord.PACKET_OUTGOING);
        assertThat(b.address()).isEqualTo(0x020000000001L);
        assertThat(b.number).isEqualTo(2);
        CaptureRecord c = rs.get(2);
        assertThat(c.arphrd).isEqualTo(772);
        assertThat(c.timestampNanos).isEqualTo(1_500_000_000L);
    }

    @Test
    void pcapEthernetRawAndSll() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(buf, LinkType.EN10MB, 65535, false, ByteOrder.LITTLE_ENDIAN)) {
            w.writeEthernet(T0, 0x020000000001L, 0x020000000101L, Ethernet.ETH_P_IP, IP, 0, IP.length);
            byte[] tagged = new byte[18 + IP.length];
            Ethernet.encodeVlan(tagged, 0, 1, 0x020000000202L, 0x2064, Ethernet.ETH_P_IP);
            System.arraycopy(IP, 0, tagged, 18, IP.length);
            w.write(T0, tagged, 0, tagged.length, tagged.length + 100);
        }
        List<CaptureRecord> rs = readAll(buf.toByteArray(), "e.pcap");
        assertThat(rs.get(0).protocol).isEqualTo(0x0800);
        assertThat(rs.get(0).address()).isEqualTo(0x020000000101L);
        assertThat(rs.get(0).vlanTci).isEqualTo(-1);
        assertThat(network(rs.get(0))).isEqualTo(IP);
        assertThat(rs.get(1).vlanTci).isEqualTo(0x2064);
        assertThat(rs.get(1).networkOffset).isEqualTo(18);
        assertThat(rs.get(1).originalLength).isEqualTo(rs.get(1).length + 100);
        assertThat(network(rs.get(1))).isEqualTo(IP);

        for (int lt : new int[] {LinkType.RAW, LinkType.IPV4}) {
            buf.reset();
            try (PcapWriter w = new PcapWriter(buf, lt, 65535, true, ByteOrder.BIG_ENDIAN)) {
                w.write(T0, IP, 0, IP.length, IP.length);
            }
            CaptureRecord r = readAll(buf.toByteArray(), "r.pcap").getFirst();
            assertThat(r.linkType).isEqualTo(lt);
            assertThat(r.protocol).isEqualTo(0x0800);
            assertThat(r.networkOffset).isZero();
            assertThat(network(r)).isEqualTo(IP);
        }

        buf.reset();
        try (PcapWriter w = new PcapWriter(buf, LinkType.LINUX_SLL, 65535, false, ByteOrder.LITTLE_ENDIAN)) {
            byte[] f = new byte[16 + IP.length];
            Sll.encode(f, 0, CaptureRecord.PACKET_OUTGOING, 1, GW_MAC, 6, 0x0800);
            System.arraycopy(IP, 0, f, 16, IP.length);
            w.write(LinkType.LINUX_SLL, T0, f, 0, f.length, f.length);
        }
        CaptureRecord r = readAll(buf.toByteArray(), "s.pcap").getFirst();
        assertThat(r.pkttype).isEqualTo(4);
        assertThat(r.arphrd).isEqualTo(1);
        assertThat(r.address()).isEqualTo(0x020000000001L);
        assertThat(r.ifindex).isEqualTo(-1);
        assertThat(network(r)).isEqualTo(IP);
    }

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void nflog(String order) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(buf, LinkType.NFLOG, 262144, false, byteOrder(order))) {
            w.writeNflog(T0, 7, 3, "socket", -1, 1, 0, 0, IP, 0, IP.length);
            w.writeNflog(T0, 7, 3, null, 2, 3, -1, -1, IP, 0, IP.length);
        }
        List<CaptureRecord> rs = readAll(buf.toByteArray(), "l.pcap");
        CaptureRecord a = rs.get(0);
        assertThat(a.nflogFamily).isEqualTo(2);
        assertThat(a.nflogResourceId).isEqualTo(7);
        assertThat(a.protocol).isEqualTo(0x0800);
        assertThat(a.hook).isEqualTo(3);
        assertThat(a.prefix()).isEqualTo("socket");
        assertThat(a.indev).isEqualTo(-1);
        assertThat(a.outdev).isEqualTo(1);
        assertThat(a.uid).isZero();
        assertThat(a.gid).isZero();
        assertThat(network(a)).isEqualTo(IP);
        // the kernel's attribute order and sizes: hdr 8, prefix "socket\0" 11 -> 12, 3 x 8, payload
        assertThat(a.length).isEqualTo(4 + 8 + 12 + 24 + 4 + ((IP.length + 3) & ~3));
        CaptureRecord b = rs.get(1);
        assertThat(b.prefix()).isNull();
        assertThat(b.indev).isEqualTo(2);
        assertThat(b.outdev).isEqualTo(3);
        assertThat(b.uid).isEqualTo(-1);
        assertThat(network(b)).isEqualTo(IP);
    }

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void pcapng(String order) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(buf, byteOrder(order))) {
            w.writeSll2(T0, 2, 0, 1, GW_MAC, 6, IP, 0, IP.length);            // describes interface 0 (SLL2)
            w.writeBlock(0x0BAD, new byte[] {1, 2, 3, 4, 5}, 0, 5);          // skipped
            w.writeBlock(5, new byte[20], 0, 20);                             // statistics: skipped
            int raw = w.addInterface(LinkType.RAW, 64, "lo");
            w.writePacket(raw, T0 + 7, IP, 0, IP.length, IP.length);
            w.writeEthernet(T0 + 9, 1, 2, 0x0800, IP, 0, IP.length);          // interface 2 (EN10MB)
            w.writeSll2(T0 + 11, 3, 4, 1, GW_MAC, 6, IP, 0, IP.length);       // interface 0 again
            w.newSection();
            w.addInterface(LinkType.RAW, 20, null);
            w.writeSimplePacket(IP, 0, 20, IP.length);                        // SPB
            w.writeNflog(T0, 7, 3, "kernel", -1, 2, -1, -1, IP, 0, IP.length);
        }
        List<CaptureRecord> rs = readAll(buf.toByteArray(), "t.pcapng");
        assertThat(rs).hasSize(6);
        assertThat(rs).extracting(r -> r.linkType).containsExactly(LinkType.LINUX_SLL2, LinkType.RAW, LinkType.EN10MB,
                LinkType.LINUX_SLL2, LinkType.RAW, LinkType.NFLOG);
        assertThat(rs).extracting(r -> r.interfaceId).containsExactly(0, 1, 2, 0, 0, 1);
        assertThat(rs).extracting(r -> r.number).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(rs).extracting(r -> r.timestampNanos).containsExactly(T0, T0 + 7, T0 + 9, T0 + 11, 0L, T0);
        assertThat(rs.get(0).ifindex).isEqualTo(2);
        assertThat(rs.get(3).pkttype).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(network(rs.get(i))).isEqualTo(IP);
        }
        assertThat(rs.get(4).length).isEqualTo(20); // the SPB is cut at the interface's snaplen
        assertThat(rs.get(4).originalLength).isEqualTo(IP.length);
        assertThat(rs.get(5).prefix()).isEqualTo("kernel");
        assertThat(rs.get(5).outdev).isEqualTo(2);
        assertThat(network(rs.get(5))).isEqualTo(IP);
        assertThat(rs.getFirst().fileOffset).isEqualTo(28 + 20 + 12); // SHB, IDB (tsresol + end)
    }

    @Test
    void timestampResolutions() {
        assertThat(PcapngReader.nanos(1_000_000L, 6)).isEqualTo(1_000_000_000L);
        assertThat(PcapngReader.nanos(5L, 9)).isEqualTo(5L);
        assertThat(PcapngReader.nanos(12_345L, 12)).isEqualTo(12L);
        assertThat(PcapngReader.nanos(3L, 0)).isEqualTo(3_000_000_000L);
        assertThat(PcapngReader.nanos(3L << 20 | 1L << 19, 0x80 | 20)).isEqualTo(3_500_000_000L);
        assertThat(PcapngReader.nanos(1L << 32, 0x80 | 32)).isEqualTo(1_000_000_000L);
        assertThat(PcapngReader.nanos(-1L, 0x80 | 100)).isZero();
        assertThat(PcapngReader.nanos(-1L, 127)).isZero();
    }

    /** if_tsresol and if_tsoffset written by hand */
    @Test
    void interfaceOptions() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(buf, ByteOrder.LITTLE_ENDIAN)) {
            byte[] idb = new byte[8 + 8 + 12 + 4];
            Bytes.put16(idb, 0, LinkType.RAW, true);
            Bytes.put16(idb, 8, PcapngReader.IF_TSRESOL, true);
            Bytes.put16(idb, 10, 1, true);
            idb[12] = (byte) 0x83; // 2^-3 s
            Bytes.put16(idb, 16, PcapngReader.IF_TSOFFSET, true);
            Bytes.put16(idb, 18, 8, true);
            Bytes.put64(idb, 20, 100, true);
            w.writeBlock(PcapngReader.IDB, idb, 0, idb.length);
            byte[] epb = new byte[20 + 20];
            Bytes.put32(epb, 8, 9, true); // ts low: 9/8 s
            Bytes.put32(epb, 12, 20, true);
            Bytes.put32(epb, 16, 20, true);
            System.arraycopy(IP, 0, epb, 20, 20);
            w.writeBlock(PcapngReader.EPB, epb, 0, epb.length);
        }
        CaptureRecord r = readAll(buf.toByteArray(), "o.pcapng").getFirst();
        assertThat(r.timestampNanos).isEqualTo(101_125_000_000L);
    }

    static ByteOrder byteOrder(String s) {
        return s.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }
}
