package dev.hairpin.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Reading a record must not allocate: 20000 records cost what 10 cost (opening the file: its window). */
class AllocationTest {
    static final int RECORDS = 20_000;

    static byte[] file(boolean ng, int linkType) throws IOException {
        return file(ng, linkType, RECORDS);
    }

    static byte[] file(boolean ng, int linkType, int records) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] ip = RoundTripTest.IP;
        try (CaptureWriter w = ng ? new PcapngWriter(buf, ByteOrder.LITTLE_ENDIAN)
                : new PcapWriter(buf, linkType, 262144, true, ByteOrder.LITTLE_ENDIAN)) {
            for (int i = 0; i < records; i++) {
                if (linkType == LinkType.NFLOG) {
                    w.writeNflog(i, 7, 3, "socket", -1, 1, 0, 0, ip, 0, ip.length);
                } else {
                    w.writeSll2(i, 2, 0, 1, 0x020000000001L, ip, 0, ip.length);
                }
            }
        }
        return buf.toByteArray();
    }

    static long readAll(byte[] f, CaptureRecord r, boolean view) throws IOException {
        long sum = 0;
        try (CaptureReader in = CaptureReader.open(new ByteArrayInputStream(f), "a")) {
            while (view ? in.nextView(r) : in.next(r)) {
                sum += r.networkLength + r.ifindex + r.outdev;
            }
        }
        return sum;
    }

    @Test
    void readersDoNotAllocatePerRecord() throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (boolean ng : new boolean[] {false, true}) {
            for (int lt : new int[] {LinkType.LINUX_SLL2, LinkType.NFLOG}) {
                for (boolean view : new boolean[] {false, true}) {
                    byte[] f = file(ng, lt);
                    byte[] small = file(ng, lt, 10);
                    CaptureRecord r = new CaptureRecord();
                    readAll(f, r, view); // warm up
                    readAll(small, r, view);
                    long before = mx.getCurrentThreadAllocatedBytes();
                    long sum = readAll(f, r, view);
                    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                    before = mx.getCurrentThreadAllocatedBytes();
                    readAll(small, r, view);
                    long opening = mx.getCurrentThreadAllocatedBytes() - before;
                    assertThat(sum).isPositive();
                    // the input window (256 KiB) is the same for both: nothing per record
                    assertThat(allocated - opening).as("pcapng=" + ng + " linktype=" + lt + " view=" + view)
                            .isLessThan(4_000);
                }
            }
        }
    }
}
