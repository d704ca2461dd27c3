package dev.hairpin.pcap;

import java.io.IOException;
import java.io.InputStream;

/** A buffered input that knows its byte offset, for error messages; no allocation per read. */
final class ByteInput {
    private final InputStream in;
    private long position;

    ByteInput(InputStream in) {
        this.in = in;
    }

    /** reads n bytes unless the input ends first; returns how many were read */
    int read(byte[] dst, int off, int n) throws IOException {
        int r = in.readNBytes(dst, off, n);
        position += r;
        return r;
    }

    /** skips n bytes unless the input ends first, using {@code scratch}; returns how many were skipped */
    long skip(long n, byte[] scratch) throws IOException {
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(n - done, scratch.length));
            if (r == 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    long position() {
        return position;
    }

    void close() throws IOException {
        in.close();
    }
}
