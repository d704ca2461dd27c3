package dev.hairpin.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A window over the input that the readers parse in place: {@code buf[pos, limit)} are the
 * next bytes of the file, {@code buf[pos]} is at file offset {@link #position()}. One large
 * read refills it (a file channel or a stream), so a record costs no call per header and no
 * copy until the caller asks for one. The window only grows for a record larger than it, and
 * only as that record's bytes arrive (a lying length costs nothing).
 */
final class ByteInput {
    /** large enough for a few thousand small records, small enough to stay in L2 */
    static final int WINDOW = 1 << 18;

    private final InputStream stream;
    private final ReadableByteChannel channel;
    byte[] buf;
    int pos;
    int limit;
    /** file offset of buf[0] */
    private long base;
    private boolean eof;

    ByteInput(InputStream in) {
        this(in, null, WINDOW);
    }

    ByteInput(ReadableByteChannel in) {
        this(null, in, WINDOW);
    }

    ByteInput(InputStream stream, ReadableByteChannel channel, int window) {
        this.stream = stream;
        this.channel = channel;
        this.buf = new byte[window];
    }

    /** the reader for what the first four bytes announce: pcapng's section header, else pcap's magic */
    CaptureReader reader(String name) throws IOException {
        int n = ensure(4);
        if (n < 4) {
            throw new CaptureFormatException(name, 0, 0, "truncated file header (4 bytes of magic expected, " + n + " left)");
        }
        if (Bytes.i32(buf, pos, false) == PcapngReader.SHB) {
            return new PcapngReader(this, name);
        }
        return new PcapReader(this, name);
    }

    /**
     * Makes {@code n} bytes available at {@link #pos} unless the input ends first; returns how
     * many are ({@code limit - pos}, less than n only at the end of the input). May move the
     * window's contents: offsets into {@link #buf} taken before are relative to pos.
     */
    int ensure(int n) throws IOException {
        while (limit - pos < n && !eof) {
            if (pos > 0 && buf.length - pos < n) {
                // slide the unread tail to the front: the bytes before pos are consumed
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                base += pos;
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                // a record larger than the window: double it, never past what is asked
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(Math.max(n, 1), buf.length * 2L));
            }
            fill();
        }
        return Math.min(limit - pos, n);
    }

    private void fill() throws IOException {
        int r;
        if (channel != null) {
            r = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
        } else {
            r = stream.read(buf, limit, buf.length - limit);
        }
        if (r < 0) {
            eof = true;
        } else {
            limit += r;
        }
    }

    /** consumes n bytes (at most what {@link #ensure} made available) */
    void advance(int n) {
        pos += n;
    }

    /**
     * Skips n bytes unless the input ends first; returns how many were skipped. Bytes past the
     * window are read through it and dropped, so a huge unknown block costs no memory.
     */
    long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int want = (int) Math.min(n - done, buf.length);
            int got = ensure(want);
            if (got == 0) {
                break;
            }
            pos += got;
            done += got;
        }
        return done;
    }

    /** file offset of the next unread byte */
    long position() {
        return base + pos;
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
        } else {
            stream.close();
        }
    }
}
