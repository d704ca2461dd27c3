package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Every malformed input gives a CaptureFormatException that says file, where and what. */
class MalformedInputTest {
    static final byte[] IP = RoundTripTest.IP;

    static void readAll(byte[] file) throws IOException {
        try (CaptureReader in = CaptureReader.open(new ByteArrayInputStream(file), "capture.pcap")) {
            CaptureRecord r = new CaptureRecord();
            while (in.next(r)) {
                // drain
            }
        }
    }

    static void fails(byte[] file, String message) {
        assertThatThrownBy(() -> readAll(file)).isInstanceOf(CaptureFormatException.class).hasMessage(message);
    }

    @Test
    void pcapHeaders() throws IOException {
        fails(new byte[0], "capture.pcap: at byte 0: truncated file header (4 bytes of magic expected, 0 left)");
        fails(HexFormat.of().parseHex("d4c3b2a10200"), "capture.pcap: at byte 0: truncated file header (24 bytes expected, 6 left)");
        fails(HexFormat.of().parseHex("7f454c4602010100"), "capture.pcap: at byte 0: not a pcap or pcapng file (magic 0x7f454c46)");
        byte[] v = pcap(0);
        v[4] = 1;
        fails(v, "capture.pcap: at byte 4: unsupported pcap version 1.4 (2.4 expected)");
        readAll(pcap(0)); // a header and no records is a clean, empty file
    }

    @Test
    void pcapRecords() {
        int rec = 16 + 20 + IP.length;
        byte[] f = pcap(3);
        // the example of the brief: 5 bytes of the third record header
        fails(Arrays.copyOf(f, 24 + 2 * rec + 5),
                "capture.pcap: record 3 at byte " + (24 + 2 * rec) + ": truncated record header (16 bytes expected, 5 left)");
        fails(Arrays.copyOf(f, 24 + rec + 16 + 7),
                "capture.pcap: record 2 at byte " + (24 + rec) + ": truncated record data (55 bytes expected, 7 left)");
        byte[] big = f.clone();
        Bytes.put32(big, 24 + 8, 300_000, true);
        fails(big, "capture.pcap: record 1 at byte 24: captured length 300000 exceeds the limit 262144");
        byte[] shortLink = f.clone();
        Bytes.put32(shortLink, 24 + 8, 7, true);
        fails(shortLink, "capture.pcap: record 1 at byte 24: LINUX_SLL2 header truncated (20 bytes expected, 7 captured)");
    }

    static byte[] pcap(int records) {
        try {
            return pcapOf(records);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] pcapOf(int records) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(buf, LinkType.LINUX_SLL2, 262144, false, ByteOrder.LITTLE_ENDIAN)) {
            for (int i = 0; i < records; i++) {
                w.writeSll2(1_000_000_000L * i, 2, 0, 1, RoundTripTest.GW_MAC, 6, IP, 0, IP.length);
            }
        }
        return buf.toByteArray();
    }

    static byte[] nflog(int tlvLength) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(buf, LinkType.NFLOG, 262144, false, ByteOrder.LITTLE_ENDIAN)) {
            byte[] f = new byte[16];
            Nflog.encodeHeader(f, 0, 2, 0, 7);
            Bytes.put16(f, 4, tlvLength, true);
            Bytes.put16(f, 6, Nflog.UID, true);
            w.write(0, f, 0, 12, 12);
        }
        return buf.toByteArray();
    }

    @Test
    void nflogAttributes() throws IOException {
        fails(nflog(2), "capture.pcap: record 1 at byte 24: NFLOG attribute at byte 4 has length 2 (at least 4 expected)");
        fails(nflog(12), "capture.pcap: record 1 at byte 24: NFLOG attribute 11 at byte 4 overruns the record (12 bytes, 8 left)");
        fails(nflog(6), "capture.pcap: record 1 at byte 24: NFLOG attribute 11 has 2 value bytes (4 expected)");
        readAll(nflog(8));
    }

    static byte[] pcapng() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(buf, ByteOrder.LITTLE_ENDIAN)) {
            w.writeSll2(0, 2, 0, 1, RoundTripTest.GW_MAC, 6, IP, 0, IP.length);
            w.writeSll2(0, 2, 0, 1, RoundTripTest.GW_MAC, 6, IP, 0, IP.length);
        }
        return buf.toByteArray();
    }

    @Test
    void pcapngBlocks() throws IOException {
        byte[] f = pcapng();
        int shb = 28;
        int idb = 32;
        int epb1 = shb + idb;
        int epbLen = 32 + ((20 + IP.length + 3) & ~3);
        readAll(f);
        fails(Arrays.copyOf(f, 10), "capture.pcap: at byte 0: block 1: truncated section header block (12 bytes expected, 10 left)");
        byte[] bom = f.clone();
        bom[8] = 0;
        fails(bom, "capture.pcap: at byte 0: block 1: bad byte-order magic 0x003c2b1a in section header block");
        fails(Arrays.copyOf(f, epb1 + epbLen + 3),
                "capture.pcap: at byte " + (epb1 + epbLen) + ": block 4: truncated block header (8 bytes expected, 3 left)");
        fails(Arrays.copyOf(f, epb1 + epbLen + 40),
                "capture.pcap: record 2 at byte " + (epb1 + epbLen) + ": block 4: truncated block body (" + (epbLen - 12)
                        + " bytes expected, 32 left)");
        byte[] trailer = f.clone();
        trailer[epb1 + epbLen - 4] = 9;
        fails(trailer, "capture.pcap: record 1 at byte " + epb1 + ": block 3: block trailer says length 9, header said " + epbLen);
        byte[] odd = f.clone();
        Bytes.put32(odd, epb1 + 4, 30, true);
        fails(odd, "capture.pcap: record 1 at byte " + epb1 + ": block 3: bad length 30 of block type EPB (a multiple of 4, at least 32, expected)");
        byte[] iface = f.clone();
        Bytes.put32(iface, epb1 + 8, 5, true);
        fails(iface, "capture.pcap: record 1 at byte " + epb1 + ": block 3: interface 5 is not described (1 interfaces in this section)");
        byte[] cap = f.clone();
        Bytes.put32(cap, epb1 + 20, 1000, true);
        fails(cap, "capture.pcap: record 1 at byte " + epb1 + ": block 3: captured length 1000 overruns the block (56 bytes of data)");
        byte[] opt = f.clone();
        Bytes.put16(opt, shb + 18, 200, true); // the if_tsresol option's length
        fails(opt, "capture.pcap: at byte " + shb + ": block 2: interface description option 9 overruns the block (200 bytes, 8 left)");
        byte[] ver = f.clone();
        ver[12] = 2;
        fails(ver, "capture.pcap: at byte 0: block 1: unsupported pcapng version 2.0 (1.0 expected)");
        byte[] unknown = f.clone();
        Bytes.put32(unknown, epb1, 0x77, true);
        Bytes.put32(unknown, epb1 + 4, 2, true);
        fails(unknown, "capture.pcap: at byte " + epb1 + ": block 3: bad length 2 of block type 0x00000077 (a multiple of 4, at least 12, expected)");
        // a simple packet block before any interface
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(buf, ByteOrder.BIG_ENDIAN)) {
            w.writeBlock(PcapngReader.SPB, new byte[8], 0, 8);
        }
        fails(buf.toByteArray(), "capture.pcap: record 1 at byte 28: block 2: simple packet block but no interface is described in this section");
    }

    @Test
    void exceptionCarriesWhere() {
        CaptureFormatException e = new CaptureFormatException("f.pcap", 17, 2048, "what");
        assertThat(e.file()).isEqualTo("f.pcap");
        assertThat(e.record()).isEqualTo(17);
        assertThat(e.offset()).isEqualTo(2048);
        assertThat(e).hasMessage("f.pcap: record 17 at byte 2048: what");
    }
}
