package dev.hairpin.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/* Reference copy of the main-tree class as of 104b447 (before the replay speed-up), kept only to
 * compare the faster implementation with, record for record and byte for byte. Not used by main code. */
/** Writes a classic pcap file (layout in {@link RefPcapReader}): one link type, µs or ns timestamps. */
final class RefPcapWriter extends RefCaptureWriter {
    public static final int DEFAULT_SNAPLEN = 262144;

    private final int linkType;
    private final int snaplen;
    private final boolean nanos;
    private final byte[] hdr = new byte[RefPcapReader.FILE_HEADER];

    /** Writes the file header at once. */
    public RefPcapWriter(OutputStream out, int linkType, int snaplen, boolean nanos, ByteOrder order) throws IOException {
        super(out, order);
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.nanos = nanos;
        Bytes.put32(hdr, 0, nanos ? RefPcapReader.MAGIC_NSEC : RefPcapReader.MAGIC_USEC, le);
        Bytes.put16(hdr, 4, 2, le);
        Bytes.put16(hdr, 6, 4, le);
        Bytes.put32(hdr, 8, 0, le);
        Bytes.put32(hdr, 12, 0, le);
        Bytes.put32(hdr, 16, snaplen, le);
        Bytes.put32(hdr, 20, linkType, le);
        this.out.write(hdr, 0, RefPcapReader.FILE_HEADER);
    }

    /** a little-endian file with snaplen 262144, like tcpdump's */
    public static RefPcapWriter create(Path file, int linkType, boolean nanos) throws IOException {
        return new RefPcapWriter(Files.newOutputStream(file), linkType, DEFAULT_SNAPLEN, nanos, ByteOrder.LITTLE_ENDIAN);
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
        out.write(hdr, 0, RefPcapReader.RECORD_HEADER);
        out.write(b, off, len);
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }
}
