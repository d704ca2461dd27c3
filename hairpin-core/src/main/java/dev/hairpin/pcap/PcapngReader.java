package dev.hairpin.pcap;

import java.io.IOException;

/**
 * pcapng files (draft-ietf-opsawg-pcapng): a sequence of blocks, each
 * {@code type u32 | total length u32 | body | total length u32}, in the byte order its section
 * header announces. Sections (SHB) define interfaces (IDB: link type, snap length, timestamp
 * resolution); packets come as enhanced (EPB), simple (SPB) or obsolete (PB) packet blocks.
 * Other blocks are skipped by their length.
 *
 * <pre>
 * SHB 0x0A0D0D0A: byte-order magic 0x1A2B3C4D | major 1 | minor 0 | section length i64 | options
 * IDB 1:          link type u16 | reserved u16 | snaplen u32 | options (if_tsresol 9, if_tsoffset 14)
 * EPB 6:          interface u32 | ts high u32 | ts low u32 | captured u32 | original u32 | data | options
 * SPB 3:          original u32 | data (interface 0, no timestamp)
 * PB 2:           interface u16 | drops u16 | ts high u32 | ts low u32 | captured u32 | original u32 | data
 * </pre>
 */
public final class PcapngReader implements CaptureReader {
    public static final int SHB = 0x0A0D0D0A;
    public static final int IDB = 1;
    public static final int PB = 2;
    public static final int SPB = 3;
    public static final int EPB = 6;
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    public static final int OPT_ENDOFOPT = 0;
    public static final int IF_NAME = 2;
    public static final int IF_TSRESOL = 9;
    public static final int IF_TSOFFSET = 14;
    /** larger packet or header blocks are refused (libpcap's limit); other blocks are skipped */
    public static final int MAX_BLOCK = 1 << 24;

    private final ByteInput in;
    private final String name;
    private boolean le;
    private long blocks;
    private long records;
    private long blockAt;

    // the current section's interfaces
    private int ifCount;
    private int[] ifLinkType = new int[4];
    private int[] ifSnaplen = new int[4];
    private int[] ifTsresol = new int[4];
    private long[] ifTsoffset = new long[4];

    /** {@code in} holds the first four bytes (the section header's type) at its position */
    PcapngReader(ByteInput in, String name) throws IOException {
        this.in = in;
        this.name = name;
        blocks = 1;
        blockAt = in.position();
        section();
    }

    @Override
    public boolean next(CaptureRecord r) throws IOException {
        return read(r, false);
    }

    @Override
    public boolean nextView(CaptureRecord r) throws IOException {
        return read(r, true);
    }

    /** blocks are parsed where they lie in the input window; a packet block is copied (or viewed) from there */
    private boolean read(CaptureRecord r, boolean view) throws IOException {
        while (true) {
            blockAt = in.position();
            int n = in.ensure(8);
            if (n == 0) {
                return false;
            }
            blocks++;
            if (n < 8) {
                throw fail(0, "truncated block header (8 bytes expected, " + n + " left)");
            }
            int type = Bytes.i32(in.buf, in.pos, le);
            if (type == SHB) {
                section();
                continue;
            }
            long total = Bytes.u32(in.buf, in.pos + 4, le);
            switch (type) {
                case IDB -> {
                    int b = block(0, type, total, 20);
                    iface(b, (int) total - 12);
                    in.advance((int) total);
                }
                case EPB -> {
                    int b = block(records + 1, type, total, 32);
                    packet(r, view, b, (int) total - 12, Bytes.i32(in.buf, b, le), 4, 12, 20);
                    in.advance((int) total);
                    return true;
                }
                case PB -> {
                    int b = block(records + 1, type, total, 32);
                    packet(r, view, b, (int) total - 12, Bytes.u16(in.buf, b, le), 4, 12, 20);
                    in.advance((int) total);
                    return true;
                }
                case SPB -> {
                    int b = block(records + 1, type, total, 16);
                    simple(r, view, b, (int) total - 12);
                    in.advance((int) total);
                    return true;
                }
                default -> skip(type, total);
            }
        }
    }

    /** a section header at the input's position: byte order, version; forgets interfaces */
    private void section() throws IOException {
        int n = in.ensure(12);
        if (n < 12) {
            throw fail(0, "truncated section header block (12 bytes expected, " + n + " left)");
        }
        int bom = Bytes.i32(in.buf, in.pos + 8, false);
        if (bom == BYTE_ORDER_MAGIC) {
            le = false;
        } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            le = true;
        } else {
            throw fail(0, String.format("bad byte-order magic 0x%08x in section header block", bom));
        }
        long total = Bytes.u32(in.buf, in.pos + 4, le);
        checkLength(0, SHB, total, 28);
        int b = body(0, total);
        int major = Bytes.u16(in.buf, b + 4, le);
        int minor = Bytes.u16(in.buf, b + 6, le);
        if (major != 1) {
            throw fail(0, "unsupported pcapng version " + major + "." + minor + " (1.0 expected)");
        }
        trailer(0, total);
        in.advance((int) total);
        ifCount = 0;
    }

    /** IDB body at index b of the window, len bytes */
    private void iface(int b, int len) {
        byte[] body = in.buf;
        if (ifCount == ifLinkType.length) {
            ifLinkType = java.util.Arrays.copyOf(ifLinkType, ifCount * 2);
            ifSnaplen = java.util.Arrays.copyOf(ifSnaplen, ifCount * 2);
            ifTsresol = java.util.Arrays.copyOf(ifTsresol, ifCount * 2);
            ifTsoffset = java.util.Arrays.copyOf(ifTsoffset, ifCount * 2);
        }
        int i = ifCount;
        ifLinkType[i] = Bytes.u16(body, b, le);
        ifSnaplen[i] = Bytes.i32(body, b + 4, le);
        ifTsresol[i] = 6;
        ifTsoffset[i] = 0;
        int p = 8;
        while (len - p >= 4) {
            int code = Bytes.u16(body, b + p, le);
            int olen = Bytes.u16(body, b + p + 2, le);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            if (olen > len - p - 4) {
                throw fail(0, "interface description option " + code + " overruns the block (" + olen + " bytes, "
                        + (len - p - 4) + " left)");
            }
            if (code == IF_TSRESOL && olen >= 1) {
                ifTsresol[i] = body[b + p + 4] & 0xff;
            } else if (code == IF_TSOFFSET && olen >= 8) {
                ifTsoffset[i] = Bytes.i64(body, b + p + 4, le);
            }
            p += 4 + Bytes.pad4(olen);
        }
        ifCount++;
    }

    /** EPB/PB body at index b: interface, 64-bit timestamp at tsAt, lengths at capAt and capAt+4, data at dataAt */
    private void packet(CaptureRecord r, boolean view, int b, int len, int ifId, int tsAt, int capAt, int dataAt) {
        long number = records + 1;
        if (ifId < 0 || ifId >= ifCount) {
            throw fail(number, "interface " + Integer.toUnsignedString(ifId) + " is not described (" + ifCount
                    + " interfaces in this section)");
        }
        byte[] body = in.buf;
        long caplen = Bytes.u32(body, b + capAt, le);
        long orig = Bytes.u32(body, b + capAt + 4, le);
        if (caplen > len - dataAt) {
            throw fail(number, "captured length " + caplen + " overruns the block (" + (len - dataAt) + " bytes of data)");
        }
        long ts = Bytes.u32(body, b + tsAt, le) << 32 | Bytes.u32(body, b + tsAt + 4, le);
        fill(r, view, number, ifId, nanos(ts, ifTsresol[ifId]) + ifTsoffset[ifId] * 1_000_000_000L, b + dataAt,
                (int) caplen, orig);
    }

    /** SPB body at index b: interface 0, captured length = min(original, snaplen, what the block holds) */
    private void simple(CaptureRecord r, boolean view, int b, int len) {
        long number = records + 1;
        if (ifCount == 0) {
            throw fail(number, "simple packet block but no interface is described in this section");
        }
        long orig = Bytes.u32(in.buf, b, le);
        long caplen = Math.min(orig, len - 4);
        if (ifSnaplen[0] != 0) {
            caplen = Math.min(caplen, Integer.toUnsignedLong(ifSnaplen[0]));
        }
        fill(r, view, number, 0, 0, b + 4, (int) caplen, orig);
    }

    /** the packet's bytes are at index {@code at} of the window */
    private void fill(CaptureRecord r, boolean view, long number, int ifId, long tsNanos, int at, int caplen, long orig) {
        if (view) {
            r.view(in.buf, at);
        } else {
            r.ensureCapacity(caplen);
            System.arraycopy(in.buf, at, r.data, 0, caplen);
        }
        records = number;
        r.number = number;
        r.fileOffset = blockAt;
        r.interfaceId = ifId;
        r.linkType = ifLinkType[ifId];
        r.timestampNanos = tsNanos;
        r.length = caplen;
        r.originalLength = (int) Math.min(orig, Integer.MAX_VALUE);
        LinkDecoder.decode(r, name, le);
    }

    /**
     * A timestamp in if_tsresol units to nanoseconds: resolution 10^-n when the top bit is 0,
     * 2^-n when it is 1 (units are unsigned).
     */
    static long nanos(long ts, int tsresol) {
        int n = tsresol & 0x7f;
        if ((tsresol & 0x80) == 0) {
            if (n <= 9) {
                return ts * POW10[9 - n];
            }
            return n - 9 > 19 ? 0 : Long.divideUnsigned(ts, pow10(n - 9));
        }
        if (n == 0) {
            return ts * 1_000_000_000L;
        }
        if (n >= 64) {
            // < 1 ns per unit: scale down the fraction only
            long hi = Math.unsignedMultiplyHigh(ts, 1_000_000_000L);
            return n - 64 >= 64 ? 0 : hi >>> (n - 64);
        }
        long sec = ts >>> n;
        long frac = ts & ((1L << n) - 1);
        long hi = Math.unsignedMultiplyHigh(frac, 1_000_000_000L);
        long lo = frac * 1_000_000_000L;
        return sec * 1_000_000_000L + ((hi << (64 - n)) | (lo >>> n));
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L};

    /** 10^k as an unsigned long, k <= 19 */
    private static long pow10(int k) {
        long v = 1;
        for (int i = 0; i < k; i++) {
            v *= 10;
        }
        return v;
    }

    /**
     * Makes the whole block (header at the input's position, body, trailer) available and
     * checks its trailer; returns the index of its body in the window.
     */
    private int block(long record, int type, long total, int min) throws IOException {
        checkLength(record, type, total, min);
        int b = body(record, total);
        trailer(record, total);
        return b;
    }

    /** makes the block available up to its trailer; returns the body's index in the window */
    private int body(long record, long total) throws IOException {
        int avail = in.ensure((int) total);
        if (avail < total - 4) {
            throw fail(record, "truncated block body (" + (total - 12) + " bytes expected, " + Math.max(avail - 8, 0) + " left)");
        }
        return in.pos + 8;
    }

    /** the trailer of a block made available by {@link #body} */
    private void trailer(long record, long total) throws IOException {
        int got = in.ensure((int) total) - (int) (total - 4);
        if (got < 4) {
            throw fail(record, "truncated block trailer (4 bytes expected, " + got + " left)");
        }
        long again = Bytes.u32(in.buf, in.pos + (int) total - 4, le);
        if (again != total) {
            throw fail(record, "block trailer says length " + again + ", header said " + total);
        }
    }

    private void checkLength(long record, int type, long total, int min) {
        if (total < min || (total & 3) != 0) {
            throw fail(record, "bad length " + total + " of block type " + blockName(type) + " (a multiple of 4, at least "
                    + min + ", expected)");
        }
        if (total - 12 > MAX_BLOCK) {
            throw fail(record, "block type " + blockName(type) + " of " + total + " bytes exceeds the limit " + MAX_BLOCK);
        }
    }

    /** a block of no interest, of any length: read through and dropped */
    private void skip(int type, long total) throws IOException {
        if (total < 12 || (total & 3) != 0) {
            throw fail(0, "bad length " + total + " of block type " + blockName(type) + " (a multiple of 4, at least 12, expected)");
        }
        in.advance(8);
        long got = in.skip(total - 12);
        if (got < total - 12) {
            throw fail(0, "truncated block body (" + (total - 12) + " bytes expected, " + got + " left)");
        }
        int n = in.ensure(4);
        if (n < 4) {
            throw fail(0, "truncated block trailer (4 bytes expected, " + n + " left)");
        }
        long again = Bytes.u32(in.buf, in.pos, le);
        if (again != total) {
            throw fail(0, "block trailer says length " + again + ", header said " + total);
        }
        in.advance(4);
    }

    private static String blockName(int type) {
        return switch (type) {
            case SHB -> "SHB";
            case IDB -> "IDB";
            case PB -> "PB";
            case SPB -> "SPB";
            case EPB -> "EPB";
            default -> String.format("0x%08x", type);
        };
    }

    private CaptureFormatException fail(long record, String detail) {
        return new CaptureFormatException(name, record, blockAt, "block " + blocks + ": " + detail);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
