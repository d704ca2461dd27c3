package dev.hairpin.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Writes a classic pcap file (layout in {@link PcapReader}): one link type, µs or ns timestamps. */
public final class PcapWriter extends CaptureWriter {
    public static final int DEFAULT_SNAPLEN = 262144;

    private final int linkType;
    private final int snaplen;
    private final boolean nanos;
    private final byte[] hdr = new byte[PcapReader.FILE_HEADER];

    /** Writes the file header at once. */
    public PcapWriter(OutputStream out, int linkType, int snaplen, boolean nanos, ByteOrder order) throws IOException {
        this(new ByteOutput(out), linkType, snaplen, nanos, order);
    }

    private PcapWriter(ByteOutput out, int linkType, int snaplen, boolean nanos, ByteOrder order) throws IOException {
        super(out, order);
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.nanos = nanos;
        Bytes.put32(hdr, 0, nanos ? PcapReader.MAGIC_NSEC : PcapReader.MAGIC_USEC, le);
        Bytes.put16(hdr, 4, 2, le);
        Bytes.put16(hdr, 6, 4, le);
        Bytes.put32(hdr, 8, 0, le);
        Bytes.put32(hdr, 12, 0, le);
        Bytes.put32(hdr, 16, snaplen, le);
        Bytes.put32(hdr, 20, linkType, le);
        this.out.write(hdr, 0, PcapReader.FILE_HEADER);
    }

    /** a little-endian file with snaplen 262144, like tcpdump's */
    public static PcapWriter create(Path file, int linkType, boolean nanos) throws IOException {
        ByteOutput out = file(file);
        try {
            return new PcapWriter(out, linkType, DEFAULT_SNAPLEN, nanos, ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** @throws IllegalArgumentException when {@code linkType} is not the file's */
    @Override
    public void write(int linkType, long tsNanos, byte[] b, int off, int len, int origLen) throws IOException {
        if (linkType != this.linkType) {
            throw new IllegalArgumentException("this pcap file holds " + LinkType.name(this.linkType) + ", not "
                    + LinkType.name(linkType));
        }
        write(tsNanos, b, off, len, origLen);
    }

    /**
     * Writes one record of the file's link type. pcap stores unsigned 32-bit seconds: times
     * before 1970 or after 2106 do not fit.
     */
    public void write(long tsNanos, byte[] b, int off, int len, int origLen) throws IOException {
        long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
        long ns = Math.floorMod(tsNanos, 1_000_000_000L);
        int frac = (int) (nanos ? ns : ns / 1000);
        if (len <= ByteOutput.SIZE - PcapReader.RECORD_HEADER) {
            // header and packet assembled in the output buffer: one copy, no call per field
            int at = out.reserve(PcapReader.RECORD_HEADER + len);
            byte[] o = out.buf;
            Bytes.put32(o, at, (int) sec, le);
            Bytes.put32(o, at + 4, frac, le);
            Bytes.put32(o, at + 8, len, le);
            Bytes.put32(o, at + 12, origLen, le);
            System.arraycopy(b, off, o, at + PcapReader.RECORD_HEADER, len);
            return;
        }
        Bytes.put32(hdr, 0, (int) sec, le);
        Bytes.put32(hdr, 4, frac, le);
        Bytes.put32(hdr, 8, len, le);
        Bytes.put32(hdr, 12, origLen, le);
        out.write(hdr, 0, PcapReader.RECORD_HEADER);
        out.write(b, off, len);
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }
}
