package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.testutil.Shared;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The window readers (next and nextView, any window size, any stream chunking) return exactly
 * what the stream readers they replaced returned (kept as Ref* in the tests): every field of
 * every record, and the same error message where the file goes wrong.
 */
class ReaderEquivalenceTest {
    static final HexFormat HEX = HexFormat.of();

    /** one record as text: every public field, offsets relative to the record's start */
    static String snapshot(CaptureRecord r) {
        int o = r.offset;
        return "#" + r.number + " @" + r.fileOffset + " ts=" + r.timestampNanos + " lt=" + r.linkType + " if=" + r.interfaceId
                + " len=" + r.length + "/" + r.originalLength + " proto=" + r.protocol
                + " net=" + (r.networkOffset < 0 ? "none" : (r.networkOffset - o) + "+" + r.networkLength)
                + " ifindex=" + r.ifindex + " pkttype=" + r.pkttype + " arphrd=" + r.arphrd + " addr=" + HEX.formatHex(r.addr)
                + "/" + r.addrLen + " vlan=" + r.vlanTci + " nflog=" + r.nflogFamily + "," + r.nflogResourceId + "," + r.hook + ","
                + r.mark + "," + r.indev + "," + r.outdev + "," + r.uid + "," + r.gid
                + " prefix=" + (r.prefixLength < 0 ? "none" + r.prefixOffset : (r.prefixOffset - o) + "+" + r.prefixLength)
                + " data=" + HEX.formatHex(r.data, o, o + r.length);
    }

    /** what the reference reader makes of a file: record snapshots, then "end" or the error */
    static List<String> reference(byte[] file, String name) throws IOException {
        List<String> out = new ArrayList<>();
        CaptureRecord r = new CaptureRecord(16);
        try (var in = RefPcapReader.open(new ByteArrayInputStream(file), name)) {
            while (RefPcapReader.next(in, r)) {
                out.add(snapshot(r));
            }
            out.add("end");
        } catch (CaptureFormatException e) {
            out.add("error " + e.getMessage() + " record=" + e.record() + " offset=" + e.offset());
        }
        return out;
    }

    /** the same through the window reader: {@code window} bytes of window, reads of at most {@code chunk} bytes */
    static List<String> windowed(byte[] file, String name, int window, int chunk, boolean view) throws IOException {
        List<String> out = new ArrayList<>();
        CaptureRecord r = new CaptureRecord(16);
        InputStream s = new Trickle(file, chunk);
        try (CaptureReader in = new ByteInput(s, null, window).reader(name)) {
            while (view ? in.nextView(r) : in.next(r)) {
                if (!view) {
                    assertThat(r.offset).isZero();
                }
                out.add(snapshot(r));
            }
            out.add("end");
        } catch (CaptureFormatException e) {
            out.add("error " + e.getMessage() + " record=" + e.record() + " offset=" + e.offset());
        }
        return out;
    }

    static void same(byte[] file, String name) throws IOException {
        List<String> ref = reference(file, name);
        assertThat(windowed(file, name, ByteInput.WINDOW, Integer.MAX_VALUE, false)).as(name + " next").isEqualTo(ref);
        assertThat(windowed(file, name, ByteInput.WINDOW, Integer.MAX_VALUE, true)).as(name + " nextView").isEqualTo(ref);
        // a small window that must slide and grow, fed a few bytes at a time
        assertThat(windowed(file, name, 64, 7, false)).as(name + " next, window 64").isEqualTo(ref);
        assertThat(windowed(file, name, 64, 7, true)).as(name + " nextView, window 64").isEqualTo(ref);
        assertThat(windowed(file, name, 8, 3, true)).as(name + " nextView, window 8").isEqualTo(ref);
    }

    @TestFactory
    Stream<DynamicTest> everyCaptureInTheRepositoryAndTheSharedRecordings() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : new Path[] {Path.of("src/test/resources"), Path.of("../hairpin-cli/src/test/resources"),
                Path.of(System.getProperty("hairpin.shared", "/nonexistent"), "conformance")}) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|bin)$")).sorted().forEach(files::add);
                }
            }
        }
        assertThat(files).hasSizeGreaterThan(10);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> same(Files.readAllBytes(f), f.toString())));
    }

    @Test
    void theSharedRecordingsAreAmongThem() {
        assertThat(Shared.scenarios()).isNotEmpty(); // skips (does not pass) when the recordings are absent
    }

    @Property(tries = 400)
    void randomCaptures(@ForAll long seed) throws IOException {
        same(randomCapture(new Random(seed)), "random.pcap");
    }

    @Property(tries = 1500)
    void mutatedCaptures(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        byte[] f = r.nextBoolean() ? randomCapture(r) : FuzzTest.validFile(r);
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            f = FuzzTest.mutate(f, r);
        }
        same(f, "mutated.pcap");
    }

    /**
     * pcap or pcapng, either byte order, 1-120 records of random link types (pcapng: one
     * interface per type, unknown blocks and new sections between), payloads 0-600 bytes.
     */
    static byte[] randomCapture(Random r) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        boolean ng = r.nextBoolean();
        int[] types = {LinkType.LINUX_SLL2, LinkType.EN10MB, LinkType.NFLOG, LinkType.RAW, LinkType.LINUX_SLL};
        int fixed = types[r.nextInt(types.length)];
        try (CaptureWriter w = ng ? new PcapngWriter(buf, order) : new PcapWriter(buf, fixed, 262144, r.nextBoolean(), order)) {
            int n = 1 + r.nextInt(120);
            for (int i = 0; i < n; i++) {
                byte[] ip = new byte[r.nextInt(600)];
                r.nextBytes(ip);
                if (ip.length > 0 && r.nextBoolean()) {
                    ip[0] = 0x45;
                }
                long ts = r.nextLong() >>> 2;
                int lt = ng ? types[r.nextInt(types.length)] : fixed;
                switch (lt) {
                    case LinkType.LINUX_SLL2 -> w.writeSll2(ts, r.nextInt(8), r.nextInt(5), r.nextBoolean() ? 1 : 772,
                            r.nextLong() & 0xffffffffffffL, ip, 0, ip.length);
                    case LinkType.EN10MB -> w.writeEthernet(ts, r.nextLong() & 0xffffffffffffL, r.nextLong() & 0xffffffffffffL,
                            r.nextBoolean() ? 0x0800 : 0x8100, ip, 0, ip.length);
                    case LinkType.NFLOG -> w.writeNflog(ts, r.nextInt(65536), r.nextInt(5), r.nextBoolean() ? null : "p" + i,
                            r.nextInt(3) - 1, r.nextInt(3) - 1, r.nextInt(3) - 1, r.nextInt(3) - 1, ip, 0, ip.length);
                    case LinkType.LINUX_SLL -> {
                        byte[] s = new byte[16 + ip.length];
                        Sll.encode(s, 0, r.nextInt(5), 1, new byte[] {2, 0, 0, 0, 0, (byte) i}, r.nextInt(9), 0x0800);
                        System.arraycopy(ip, 0, s, 16, ip.length);
                        w.write(lt, ts, s, 0, s.length, s.length + r.nextInt(3));
                    }
                    default -> w.write(lt, ts, ip, 0, ip.length, ip.length);
                }
                if (ng && r.nextInt(8) == 0) {
                    PcapngWriter g = (PcapngWriter) w;
                    switch (r.nextInt(3)) {
                        case 0 -> {
                            int k = r.nextInt(700);
                            g.writeBlock(5 + r.nextInt(3), new byte[k], 0, k);
                        }
                        case 1 -> g.writeSimplePacket(ip, 0, ip.length, ip.length + r.nextInt(2));
                        default -> g.newSection();
                    }
                }
            }
        }
        return buf.toByteArray();
    }

    /** a stream that hands out at most {@code chunk} bytes per read, as a pipe or socket may */
    static final class Trickle extends InputStream {
        private final byte[] b;
        private final int chunk;
        private int p;

        Trickle(byte[] b, int chunk) {
            this.b = b;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return p < b.length ? b[p++] & 0xff : -1;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (p == b.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), b.length - p);
            System.arraycopy(b, p, dst, off, n);
            p += n;
            return n;
        }
    }
}
