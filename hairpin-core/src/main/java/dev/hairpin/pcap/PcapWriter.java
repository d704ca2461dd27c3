package dev.hairpin.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
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
        return new PcapWriter(Files.newOutputStream(file), linkType, DEFAULT_SNAPLEN, nanos, ByteOrder.LITTLE_ENDIAN);
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
        Bytes.put32(hdr, 0, (int) sec, le);
        Bytes.put32(hdr, 4, (int) (nanos ? ns : ns / 1000), le);
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
