package dev.hairpin.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a pcapng file (layout in {@link PcapngReader}): a section header, interface
 * descriptions with nanosecond resolution (if_tsresol 9), enhanced packet blocks.
 * {@link #write(int, long, byte[], int, int, int)} describes an interface per link type on
 * first use.
 */
public final class PcapngWriter extends CaptureWriter {
    private final byte[] hdr = new byte[32];
    private int[] ifLinkType = new int[4];
    private int ifCount;

    /** Writes the first section header at once. */
    public PcapngWriter(OutputStream out, ByteOrder order) throws IOException {
        this(new ByteOutput(out), order);
    }

    private PcapngWriter(ByteOutput out, ByteOrder order) throws IOException {
        super(out, order);
        newSection();
    }

    /** a little-endian file */
    public static PcapngWriter create(Path file) throws IOException {
        ByteOutput out = file(file);
        try {
            return new PcapngWriter(out, ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Starts a new section: the interfaces described so far no longer apply. */
    public void newSection() throws IOException {
        Bytes.put32(hdr, 0, PcapngReader.SHB, le);
        Bytes.put32(hdr, 4, 28, le);
        Bytes.put32(hdr, 8, PcapngReader.BYTE_ORDER_MAGIC, le);
        Bytes.put16(hdr, 12, 1, le);
        Bytes.put16(hdr, 14, 0, le);
        Bytes.put64(hdr, 16, -1L, le); // section length unknown
        Bytes.put32(hdr, 24, 28, le);
        out.write(hdr, 0, 28);
        ifCount = 0;
    }

    /** Describes an interface (name optional); returns its id in this section. */
    public int addInterface(int linkType, int snaplen, String name) throws IOException {
        byte[] nm = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        int opts = 8 + 4 + (nm == null ? 0 : 4 + Bytes.pad4(nm.length)); // if_tsresol, end, [if_name]
        int total = 12 + 8 + opts;
        byte[] b = new byte[total];
        Bytes.put32(b, 0, PcapngReader.IDB, le);
        Bytes.put32(b, 4, total, le);
        Bytes.put16(b, 8, linkType, le);
        Bytes.put32(b, 12, snaplen, le);
        int p = 16;
        if (nm != null) {
            Bytes.put16(b, p, PcapngReader.IF_NAME, le);
            Bytes.put16(b, p + 2, nm.length, le);
            System.arraycopy(nm, 0, b, p + 4, nm.length);
            p += 4 + Bytes.pad4(nm.length);
        }
        Bytes.put16(b, p, PcapngReader.IF_TSRESOL, le);
        Bytes.put16(b, p + 2, 1, le);
        b[p + 4] = 9;
        p += 8;
        p += 4; // opt_endofopt, zero
        Bytes.put32(b, p, total, le);
        out.write(b);
        if (ifCount == ifLinkType.length) {
            ifLinkType = Arrays.copyOf(ifLinkType, ifCount * 2);
        }
        ifLinkType[ifCount] = linkType;
        return ifCount++;
    }

    /** how many interfaces the current section describes (ids 0 .. n-1) */
    public int interfaces() {
        return ifCount;
    }

    /** An enhanced packet block on interface {@code ifId}; the timestamp in nanoseconds. */
    public void writePacket(int ifId, long tsNanos, byte[] b, int off, int len, int origLen) throws IOException {
        if (ifId < 0 || ifId >= ifCount) {
            throw new IllegalArgumentException("interface " + ifId + " is not described in this section");
        }
        int total = 32 + Bytes.pad4(len);
        if (total <= ByteOutput.SIZE) {
            // the whole block assembled in the output buffer: one copy of the packet
            int at = out.reserve(total);
            byte[] o = out.buf;
            Bytes.put32(o, at, PcapngReader.EPB, le);
            Bytes.put32(o, at + 4, total, le);
            Bytes.put32(o, at + 8, ifId, le);
            Bytes.put32(o, at + 12, (int) (tsNanos >>> 32), le);
            Bytes.put32(o, at + 16, (int) tsNanos, le);
            Bytes.put32(o, at + 20, len, le);
            Bytes.put32(o, at + 24, origLen, le);
            System.arraycopy(b, off, o, at + 28, len);
            for (int i = at + 28 + len; i < at + total - 4; i++) {
                o[i] = 0;
            }
            Bytes.put32(o, at + total - 4, total, le);
            return;
        }
        Bytes.put32(hdr, 0, PcapngReader.EPB, le);
        Bytes.put32(hdr, 4, total, le);
        Bytes.put32(hdr, 8, ifId, le);
        Bytes.put32(hdr, 12, (int) (tsNanos >>> 32), le);
        Bytes.put32(hdr, 16, (int) tsNanos, le);
        Bytes.put32(hdr, 20, len, le);
        Bytes.put32(hdr, 24, origLen, le);
        out.write(hdr, 0, 28);
        out.write(b, off, len);
        padAndTrailer(len, total);
    }

    /** A simple packet block (interface 0, no timestamp). */
    public void writeSimplePacket(byte[] b, int off, int len, int origLen) throws IOException {
        if (ifCount == 0) {
            throw new IllegalStateException("no interface described in this section");
        }
        int total = 16 + Bytes.pad4(len);
        Bytes.put32(hdr, 0, PcapngReader.SPB, le);
        Bytes.put32(hdr, 4, total, le);
        Bytes.put32(hdr, 8, origLen, le);
        out.write(hdr, 0, 12);
        out.write(b, off, len);
        padAndTrailer(len, total);
    }

    /** Any other block (name resolution, statistics, custom ...): {@code body} as given, padded. */
    public void writeBlock(int type, byte[] body, int off, int len) throws IOException {
        int total = 12 + Bytes.pad4(len);
        Bytes.put32(hdr, 0, type, le);
        Bytes.put32(hdr, 4, total, le);
        out.write(hdr, 0, 8);
        out.write(body, off, len);
        padAndTrailer(len, total);
    }

    /** on the first interface of this link type in the section, described now if there is none */
    @Override
    public void write(int linkType, long tsNanos, byte[] b, int off, int len, int origLen) throws IOException {
        int id = -1;
        for (int i = 0; i < ifCount && id < 0; i++) {
            if (ifLinkType[i] == linkType) {
                id = i;
            }
        }
        if (id < 0) {
            id = addInterface(linkType, PcapWriter.DEFAULT_SNAPLEN, null);
        }
        writePacket(id, tsNanos, b, off, len, origLen);
    }

    private void padAndTrailer(int len, int total) throws IOException {
        int pad = Bytes.pad4(len) - len;
        Arrays.fill(hdr, 0, pad, (byte) 0);
        Bytes.put32(hdr, pad, total, le);
        out.write(hdr, 0, pad + 4);
    }
}
