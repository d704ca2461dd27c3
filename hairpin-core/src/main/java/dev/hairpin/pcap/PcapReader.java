package dev.hairpin.pcap;

import java.io.IOException;

/**
 * Classic libpcap files: a 24-byte file header, then per packet a 16-byte record header and
 * the captured bytes. The magic number gives the byte order (the writer's) and the timestamp
 * resolution (µs 0xa1b2c3d4, ns 0xa1b23c4d).
 *
 * <pre>
 * file header                                 record header
 * +-------------------------------+           +-------------------------------+
 * | magic                         |  0        | timestamp seconds             |  0
 * +---------------+---------------+           +-------------------------------+
 * | version major | version minor |  4        | timestamp µs or ns            |  4
 * +---------------+---------------+           +-------------------------------+
 * | thiszone (0)                  |  8        | captured length               |  8
 * +-------------------------------+           +-------------------------------+
 * | sigfigs (0)                   | 12        | original length               | 12
 * +-------------------------------+           +-------------------------------+
 * | snaplen                       | 16        | captured bytes ...            | 16
 * +-------------------------------+
 * | FCS bits | link type (28 bits)| 20
 * +-------------------------------+
 * </pre>
 */
public final class PcapReader implements CaptureReader {
    public static final int MAGIC_USEC = 0xa1b2c3d4;
    public static final int MAGIC_NSEC = 0xa1b23c4d;
    public static final int FILE_HEADER = 24;
    public static final int RECORD_HEADER = 16;
    /** larger captured lengths are refused whatever the snaplen says (libpcap's is 256 KiB) */
    public static final int MAX_CAPLEN = 1 << 24;

    private final ByteInput in;
    private final String name;
    private final boolean le;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final int caplenLimit;
    private long records;

    /** {@code in} holds the four bytes of magic at its position */
    PcapReader(ByteInput in, String name) throws IOException {
        this.in = in;
        this.name = name;
        int m = Bytes.i32(in.buf, in.pos, false);
        if (m == MAGIC_USEC || m == MAGIC_NSEC) {
            le = false;
        } else if (Integer.reverseBytes(m) == MAGIC_USEC || Integer.reverseBytes(m) == MAGIC_NSEC) {
            le = true;
        } else {
            throw new CaptureFormatException(name, 0, 0, String.format("not a pcap or pcapng file (magic 0x%08x)", m));
        }
        nanos = Bytes.i32(in.buf, in.pos, le) == MAGIC_NSEC;
        int n = in.ensure(FILE_HEADER);
        if (n < FILE_HEADER) {
            throw new CaptureFormatException(name, 0, 0, "truncated file header (24 bytes expected, " + n + " left)");
        }
        byte[] hdr = in.buf;
        int h = in.pos;
        int major = Bytes.u16(hdr, h + 4, le);
        int minor = Bytes.u16(hdr, h + 6, le);
        if (major != 2) {
            throw new CaptureFormatException(name, 0, 4, "unsupported pcap version " + major + "." + minor + " (2.4 expected)");
        }
        snaplen = Bytes.i32(hdr, h + 16, le);
        linkType = Bytes.i32(hdr, h + 20, le) & 0x03ffffff; // LT_LINKTYPE: FCS bits above
        caplenLimit = (int) Math.min(Math.max(Integer.toUnsignedLong(snaplen), 262144L), MAX_CAPLEN);
        in.advance(FILE_HEADER);
    }

    @Override
    public boolean next(CaptureRecord r) throws IOException {
        return read(r, false);
    }

    @Override
    public boolean nextView(CaptureRecord r) throws IOException {
        return read(r, true);
    }

    /** the record header and data are parsed where they lie in the input window */
    private boolean read(CaptureRecord r, boolean view) throws IOException {
        ByteInput in = this.in;
        byte[] b = in.buf;
        int h = in.pos;
        int avail = in.limit - h;
        long caplen;
        if (avail < RECORD_HEADER || (caplen = Bytes.u32(b, h + 8, le)) > avail - RECORD_HEADER || caplen > caplenLimit) {
            // not all in the window (or wrong): refill, or say what is wrong
            if (!ensureRecord()) {
                return false;
            }
            b = in.buf;
            h = in.pos;
            caplen = Bytes.u32(b, h + 8, le);
        }
        long number = records + 1;
        long at = in.position();
        long sec = Bytes.u32(b, h, le);
        long frac = Bytes.u32(b, h + 4, le);
        long len = Bytes.u32(b, h + 12, le);
        if (view) {
            r.view(b, h + RECORD_HEADER);
        } else {
            r.ensureCapacity((int) caplen);
            System.arraycopy(b, h + RECORD_HEADER, r.data, 0, (int) caplen);
        }
        in.advance(RECORD_HEADER + (int) caplen);
        records = number;
        r.number = number;
        r.fileOffset = at;
        r.timestampNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        r.length = (int) caplen;
        r.originalLength = (int) Math.min(len, Integer.MAX_VALUE);
        r.linkType = linkType;
        r.interfaceId = 0;
        LinkDecoder.decode(r, name, le);
        return true;
    }

    /** makes the next record available in the window; false at the clean end; a short or oversized record throws */
    private boolean ensureRecord() throws IOException {
        long at = in.position();
        int n = in.ensure(RECORD_HEADER);
        if (n == 0) {
            return false;
        }
        long number = records + 1;
        if (n < RECORD_HEADER) {
            throw new CaptureFormatException(name, number, at, "truncated record header (16 bytes expected, " + n + " left)");
        }
        long caplen = Bytes.u32(in.buf, in.pos + 8, le);
        if (caplen > caplenLimit) {
            throw new CaptureFormatException(name, number, at, "captured length " + caplen + " exceeds the limit " + caplenLimit);
        }
        int got = in.ensure(RECORD_HEADER + (int) caplen) - RECORD_HEADER;
        if (got < caplen) {
            throw new CaptureFormatException(name, number, at, "truncated record data (" + caplen + " bytes expected, " + got + " left)");
        }
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    /** nanosecond timestamps (magic 0xa1b23c4d) */
    public boolean nanosecond() {
        return nanos;
    }

    public boolean littleEndian() {
        return le;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
