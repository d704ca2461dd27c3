package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffered writers write exactly the bytes the stream writers they replaced wrote (kept as
 * Ref* in the tests), for any sequence of calls, over a stream or a file from create().
 */
class WriterEquivalenceTest {
    @TempDir
    Path dir;

    /** one random call, made the same way on a new and a reference writer */
    interface Step {
        void on(CaptureWriter w) throws IOException;
    }

    /** n random calls; records up to {@code maxLen} bytes */
    static void script(Random r, boolean ng, int linkType, int n, int maxLen, CaptureWriter w, RefCaptureWriter ref)
            throws IOException {
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[r.nextInt(maxLen + 1)];
            r.nextBytes(p);
            int off = p.length == 0 ? 0 : r.nextInt(Math.min(p.length, 8));
            int len = p.length - off;
            long ts = r.nextLong() >>> 1;
            int kind = ng ? r.nextInt(9) : r.nextInt(4);
            switch (kind) {
                case 0 -> {
                    long mac = r.nextLong() & 0xffffffffffffL;
                    int ifindex = r.nextInt(9);
                    int pkttype = r.nextInt(5);
                    if (ng || linkType == LinkType.LINUX_SLL2) {
                        w.writeSll2(ts, ifindex, pkttype, 1, mac, p, off, len);
                        ref.writeSll2(ts, ifindex, pkttype, 1, mac, p, off, len);
                    }
                }
                case 1 -> {
                    if (ng || linkType == LinkType.NFLOG) {
                        String prefix = r.nextBoolean() ? null : "pfx" + r.nextInt(1000);
                        int[] v = {r.nextInt(3) - 1, r.nextInt(3) - 1, r.nextInt(3) - 1, r.nextInt(3) - 1};
                        w.writeNflog(ts, 7, 3, prefix, v[0], v[1], v[2], v[3], p, off, len);
                        ref.writeNflog(ts, 7, 3, prefix, v[0], v[1], v[2], v[3], p, off, len);
                    }
                }
                case 2 -> {
                    if (ng || linkType == LinkType.EN10MB) {
                        w.writeEthernet(ts, 1, 2, 0x0800, p, off, len);
                        ref.writeEthernet(ts, 1, 2, 0x0800, p, off, len);
                    }
                }
                case 3 -> {
                    int lt = ng ? LinkType.RAW : linkType;
                    int orig = len + r.nextInt(3);
                    w.write(lt, ts, p, off, len, orig);
                    ref.write(lt, ts, p, off, len, orig);
                }
                case 4 -> {
                    int k = r.nextInt(64);
                    ((PcapngWriter) w).writeBlock(5, p, 0, Math.min(k, p.length));
                    ((RefPcapngWriter) ref).writeBlock(5, p, 0, Math.min(k, p.length));
                }
                case 5 -> {
                    ((PcapngWriter) w).newSection();
                    ((RefPcapngWriter) ref).newSection();
                }
                case 6 -> {
                    String name = r.nextBoolean() ? null : "eth" + r.nextInt(100);
                    ((PcapngWriter) w).addInterface(LinkType.RAW, 65535, name);
                    ((RefPcapngWriter) ref).addInterface(LinkType.RAW, 65535, name);
                }
                case 7 -> {
                    if (w instanceof PcapngWriter g && g.interfaces() > 0) {
                        int id = r.nextInt(g.interfaces());
                        g.writePacket(id, ts, p, off, len, len + 1);
                        ((RefPcapngWriter) ref).writePacket(id, ts, p, off, len, len + 1);
                        g.writeSimplePacket(p, off, len, len);
                        ((RefPcapngWriter) ref).writeSimplePacket(p, off, len, len);
                    }
                }
                default -> {
                    w.flush();
                    ref.flush();
                }
            }
        }
    }

    static int linkType(Random r) {
        int[] t = {LinkType.LINUX_SLL2, LinkType.NFLOG, LinkType.EN10MB, LinkType.RAW};
        return t[r.nextInt(t.length)];
    }

    static byte[] same(long seed, int n, int maxLen) throws IOException {
        Random pick = new Random(seed);
        boolean ng = pick.nextBoolean();
        boolean nanos = pick.nextBoolean();
        int lt = linkType(pick);
        ByteOrder order = pick.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (CaptureWriter w = ng ? new PcapngWriter(a, order) : new PcapWriter(a, lt, 262144, nanos, order);
                RefCaptureWriter ref = ng ? new RefPcapngWriter(b, order) : new RefPcapWriter(b, lt, 262144, nanos, order)) {
            script(new Random(seed), ng, lt, n, maxLen, w, ref);
        }
        assertThat(a.toByteArray()).as("seed " + seed).isEqualTo(b.toByteArray());
        return a.toByteArray();
    }

    @Property(tries = 500)
    void anySequenceOfCallsWritesTheSameBytes(@ForAll long seed) throws IOException {
        same(seed, 1 + (int) Math.floorMod(seed, 60L), 300);
    }

    @Test
    void recordsLargerThanTheBufferAndManyRecordsAcrossIt() throws IOException {
        for (long seed = 1; seed <= 6; seed++) {
            same(seed, 12, 600_000); // several records over the 256 KiB buffer
            same(seed + 100, 4000, 200); // ~400 KiB: the buffer fills and drains mid-record
        }
    }

    @Test
    void createWritesTheSameFileAsTheStreamWriter() throws IOException {
        Path f = dir.resolve("a.pcap");
        Path g = dir.resolve("b.pcapng");
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Files.write(f, new byte[1 << 20]); // create truncates what was there
        try (PcapWriter w = PcapWriter.create(f, LinkType.RAW, true);
                RefPcapWriter ref = new RefPcapWriter(a, LinkType.RAW, PcapWriter.DEFAULT_SNAPLEN, true, ByteOrder.LITTLE_ENDIAN);
                PcapngWriter wg = PcapngWriter.create(g);
                RefPcapngWriter refg = new RefPcapngWriter(b, ByteOrder.LITTLE_ENDIAN)) {
            Random r = new Random(7);
            for (int i = 0; i < 20_000; i++) {
                byte[] p = new byte[r.nextInt(120)];
                r.nextBytes(p);
                w.write(i * 1000L, p, 0, p.length, p.length);
                ref.write(i * 1000L, p, 0, p.length, p.length);
                wg.writeSll2(i, 2, 0, 1, 0x020000000001L, p, 0, p.length);
                refg.writeSll2(i, 2, 0, 1, 0x020000000001L, p, 0, p.length);
            }
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(a.toByteArray());
        assertThat(Files.readAllBytes(g)).isEqualTo(b.toByteArray());
    }
}
