package dev.hairpin.pcap;

import java.io.IOException;

/* Reference copy of the main-tree class as of 104b447 (before the replay speed-up), kept only to
 * compare the faster implementation with, record for record and byte for byte. Not used by main code. */
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
final class RefPcapReader implements java.io.Closeable {
    public static final int MAGIC_USEC = 0xa1b2c3d4;
    public static final int MAGIC_NSEC = 0xa1b23c4d;
    public static final int FILE_HEADER = 24;
    public static final int RECORD_HEADER = 16;
    /** larger captured lengths are refused whatever the snaplen says (libpcap's is 256 KiB) */
    public static final int MAX_CAPLEN = 1 << 24;

    private final RefByteInput in;
    private final String name;
    private final byte[] hdr = new byte[FILE_HEADER];
    private final boolean le;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final int caplenLimit;
    private long records;

    RefPcapReader(RefByteInput in, String name, byte[] magic) throws IOException {
        this.in = in;
        this.name = name;
        System.arraycopy(magic, 0, hdr, 0, 4);
        int m = Bytes.i32(hdr, 0, false);
        if (m == MAGIC_USEC || m == MAGIC_NSEC) {
            le = false;
        } else if (Integer.reverseBytes(m) == MAGIC_USEC || Integer.reverseBytes(m) == MAGIC_NSEC) {
            le = true;
        } else {
            throw new CaptureFormatException(name, 0, 0, String.format("not a pcap or pcapng file (magic 0x%08x)", m));
        }
        nanos = Bytes.i32(hdr, 0, le) == MAGIC_NSEC;
        int n = in.read(hdr, 4, FILE_HEADER - 4);
        if (n < FILE_HEADER - 4) {
            throw new CaptureFormatException(name, 0, 0, "truncated file header (24 bytes expected, " + (4 + n) + " left)");
        }
        int major = Bytes.u16(hdr, 4, le);
        int minor = Bytes.u16(hdr, 6, le);
        if (major != 2) {
            throw new CaptureFormatException(name, 0, 4, "unsupported pcap version " + major + "." + minor + " (2.4 expected)");
        }
        snaplen = Bytes.i32(hdr, 16, le);
        linkType = Bytes.i32(hdr, 20, le) & 0x03ffffff; // LT_LINKTYPE: FCS bits above
        caplenLimit = (int) Math.min(Math.max(Integer.toUnsignedLong(snaplen), 262144L), MAX_CAPLEN);
    }

    public boolean next(CaptureRecord r) throws IOException {
        long at = in.position();
        int n = in.read(hdr, 0, RECORD_HEADER);
        if (n == 0) {
            return false;
        }
        long number = records + 1;
        if (n < RECORD_HEADER) {
            throw new CaptureFormatException(name, number, at, "truncated record header (16 bytes expected, " + n + " left)");
        }
        long sec = Bytes.u32(hdr, 0, le);
        long frac = Bytes.u32(hdr, 4, le);
        long caplen = Bytes.u32(hdr, 8, le);
        long len = Bytes.u32(hdr, 12, le);
        if (caplen > caplenLimit) {
            throw new CaptureFormatException(name, number, at, "captured length " + caplen + " exceeds the limit " + caplenLimit);
        }
        int got = 0;
        while (got < caplen) { // grow only as data arrives: a lying length costs nothing
            if (got == r.data.length) {
                r.grow((int) Math.min(caplen, r.data.length * 2L));
            }
            int k = in.read(r.data, got, (int) Math.min(caplen, r.data.length) - got);
            if (k == 0) {
                throw new CaptureFormatException(name, number, at, "truncated record data (" + caplen + " bytes expected, " + got + " left)");
            }
            got += k;
        }
        records = number;
        r.number = number;
        r.fileOffset = at;
        r.timestampNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        r.length = (int) caplen;
        r.originalLength = (int) Math.min(len, Integer.MAX_VALUE);
        r.linkType = linkType;
        r.interfaceId = 0;
        RefLinkDecoder.decode(r, name, le);
        return true;
    }

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

    /** CaptureReader.open as of 104b447 */
    static java.io.Closeable open(java.io.InputStream stream, String name) throws IOException {
        RefByteInput in = new RefByteInput(new java.io.BufferedInputStream(stream, 1 << 16));
        byte[] magic = new byte[4];
        int n = in.read(magic, 0, 4);
        if (n < 4) {
            throw new CaptureFormatException(name, 0, 0, "truncated file header (4 bytes of magic expected, " + n + " left)");
        }
        if (Bytes.i32(magic, 0, false) == RefPcapngReader.SHB) {
            return new RefPcapngReader(in, name, magic);
        }
        return new RefPcapReader(in, name, magic);
    }

    /** next() of whichever reference reader open() returned */
    static boolean next(java.io.Closeable reader, CaptureRecord r) throws IOException {
        return reader instanceof RefPcapReader p ? p.next(r) : ((RefPcapngReader) reader).next(r);
    }
}
