package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bytes: a reader either ends cleanly or throws CaptureFormatException,
 * never anything else. Inputs that break a reader go to src/test/resources/pcap-crash/ and
 * {@link #CRASH_INPUTS} (none found in 800k tries so far; the directory holds hand-made
 * adversarial lengths).
 */
class FuzzTest {

    static void readAll(byte[] data) throws IOException {
        try (CaptureReader in = CaptureReader.open(new ByteArrayInputStream(data), "fuzz")) {
            CaptureRecord r = new CaptureRecord(8);
            int n = 0;
            while (in.next(r)) {
                assertThat(r.length).isBetween(0, r.data.length);
                assertThat(r.networkOffset + r.networkLength).isLessThanOrEqualTo(r.length);
                r.prefix();
                n++;
            }
            assertThat(n).isLessThanOrEqualTo(data.length / 12);
        } catch (CaptureFormatException e) {
            assertThat(e.getMessage()).startsWith("fuzz: ");
        }
    }

    static void readAllStrict(byte[] data) throws IOException {
        try (CaptureReader in = CaptureReader.open(new ByteArrayInputStream(data), "fuzz")) {
            CaptureRecord r = new CaptureRecord(8);
            while (in.next(r)) {
                // drain
            }
        }
    }

    @Property(tries = 3000)
    void randomBytes(@ForAll("garbage") byte[] data) throws IOException {
        readAll(data);
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // half of them start like a capture, to get past the magic
        return raw.flatMap(b -> Arbitraries.of(0, 1, 2, 3, 4).map(k -> prefixed(b, k)));
    }

    static byte[] prefixed(byte[] b, int kind) {
        int[] magic = {0, 0xd4c3b2a1, 0x4d3cb2a1, 0xa1b2c3d4, 0x0a0d0d0a};
        if (kind == 0 || b.length < 12) {
            return b;
        }
        byte[] c = b.clone();
        Bytes.put32(c, 0, magic[kind], false);
        if (kind == 4) {
            Bytes.put32(c, 8, (b[0] & 1) == 0 ? 0x1a2b3c4d : 0x4d3c2b1a, false);
        } else if (c.length >= 8) {
            Bytes.put16(c, 4, 2, kind < 3);
        }
        return c;
    }

    @Property(tries = 3000)
    void mutatedFiles(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        byte[] f = validFile(r);
        int mutations = 1 + r.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            f = mutate(f, r);
        }
        readAll(f);
    }

    /** a small valid file of a random format, order and link type */
    static byte[] validFile(Random r) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        byte[] ip = RoundTripTest.IP;
        int kind = r.nextInt(5);
        boolean ng = r.nextBoolean();
        int lt = switch (kind) {
            case 0 -> LinkType.LINUX_SLL2;
            case 1 -> LinkType.EN10MB;
            case 2 -> LinkType.NFLOG;
            case 3 -> LinkType.LINUX_SLL;
            default -> LinkType.RAW;
        };
        try (CaptureWriter w = ng ? new PcapngWriter(buf, order) : new PcapWriter(buf, lt, 262144, r.nextBoolean(), order)) {
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                switch (kind) {
                    case 0 -> w.writeSll2(i, 2, 4, 1, 0x020000000001L, ip, 0, ip.length);
                    case 1 -> w.writeEthernet(i, 1, 2, 0x0800, ip, 0, ip.length);
                    case 2 -> w.writeNflog(i, 7, 3, "socket", -1, 1, 0, 0, ip, 0, ip.length);
                    case 3 -> {
                        byte[] s = new byte[16 + ip.length];
                        Sll.encode(s, 0, 0, 1, new byte[6], 6, 0x0800);
                        System.arraycopy(ip, 0, s, 16, ip.length);
                        w.write(lt, i, s, 0, s.length, s.length);
                    }
                    default -> w.write(lt, i, ip, 0, ip.length, ip.length);
                }
                if (ng && r.nextInt(4) == 0) {
                    PcapngWriter g = (PcapngWriter) w;
                    switch (r.nextInt(3)) {
                        case 0 -> g.writeSimplePacket(ip, 0, ip.length, ip.length);
                        case 1 -> {
                            int k = r.nextInt(30);
                            g.writeBlock(5, new byte[k], 0, k);
                        }
                        default -> g.newSection();
                    }
                }
            }
        }
        return buf.toByteArray();
    }

    static byte[] mutate(byte[] f, Random r) {
        if (f.length == 0) {
            return f;
        }
        int at = r.nextInt(f.length);
        switch (r.nextInt(6)) {
            case 0 -> f[at] = (byte) r.nextInt(256);
            case 1 -> f[at] ^= (byte) (1 << r.nextInt(8));
            case 2 -> f = Arrays.copyOf(f, at);
            case 3 -> { // a 32-bit field set to an extreme value
                int[] v = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1, 4, 8, 12, 13, 65535, 65536, 1 << 24};
                int p = at & ~3;
                if (p + 4 <= f.length) {
                    Bytes.put32(f, p, v[r.nextInt(v.length)], r.nextBoolean());
                }
            }
            case 4 -> { // a 16-bit field
                int p = at & ~1;
                if (p + 2 <= f.length) {
                    Bytes.put16(f, p, r.nextBoolean() ? r.nextInt(65536) : r.nextInt(16), r.nextBoolean());
                }
            }
            default -> { // duplicate a chunk
                int len = Math.min(1 + r.nextInt(64), f.length - at);
                byte[] g = new byte[f.length + len];
                System.arraycopy(f, 0, g, 0, at + len);
                System.arraycopy(f, at, g, at + len, f.length - at);
                f = g;
            }
        }
        return f;
    }

    /** regression inputs: each must fail with CaptureFormatException, nothing else */
    @Test
    void knownCrashInputs() throws IOException {
        for (String name : CRASH_INPUTS) {
            try (InputStream in = FuzzTest.class.getResourceAsStream("/pcap-crash/" + name)) {
                assertThat(in).as(name).isNotNull();
                byte[] data = in.readAllBytes();
                assertThatThrownBy(() -> readAllStrict(data)).as(name).isInstanceOf(CaptureFormatException.class);
                readAll(data);
            }
        }
    }

    static final String[] CRASH_INPUTS = {
        "pcap-caplen-max.bin", "pcapng-epb-length-max.bin", "nflog-tlv-length-max.bin",
    };
}
