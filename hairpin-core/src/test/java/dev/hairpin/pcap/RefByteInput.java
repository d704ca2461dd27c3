package dev.hairpin.pcap;

import java.io.IOException;
import java.io.InputStream;

/* Reference copy of the main-tree class as of 104b447 (before the replay speed-up), kept only to
 * compare the faster implementation with, record for record and byte for byte. Not used by main code. */
/** A buffered input that knows its byte offset, for error messages; no allocation per read. */
final class RefByteInput {
    private final InputStream in;
    private long position;

    RefByteInput(InputStream in) {
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
