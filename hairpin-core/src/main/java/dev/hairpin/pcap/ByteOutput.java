package dev.hairpin.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The writers' output buffer: records are assembled in {@link #buf} (header fields stored in
 * place, the packet copied once) and handed to the file in large writes. Unsynchronized and
 * final, unlike a BufferedOutputStream, so a record costs no lock and no virtual call.
 */
final class ByteOutput {
    static final int SIZE = 1 << 18;

    private final OutputStream stream;
    private final WritableByteChannel channel;
    byte[] buf = new byte[SIZE];
    int count;

    ByteOutput(OutputStream out) {
        this.stream = out;
        this.channel = null;
    }

    ByteOutput(WritableByteChannel out) {
        this.stream = null;
        this.channel = out;
    }

    /**
     * Room for n bytes (n at most {@link #SIZE}) at the returned index of {@link #buf}, counted
     * as written: the caller stores all n of them.
     */
    int reserve(int n) throws IOException {
        if (buf.length - count < n) {
            drain();
        }
        int at = count;
        count += n;
        return at;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - count) {
            drain();
            if (len > buf.length) { // larger than the buffer: straight through
                sink(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** hands the buffered bytes to the file */
    void drain() throws IOException {
        if (count > 0) {
            sink(buf, 0, count);
            count = 0;
        }
    }

    private void sink(byte[] b, int off, int len) throws IOException {
        if (channel == null) {
            stream.write(b, off, len);
            return;
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
    }

    void flush() throws IOException {
        drain();
        if (stream != null) {
            stream.flush();
        }
    }

    /** drains, then closes the file even when draining failed */
    void close() throws IOException {
        try {
            drain();
        } finally {
            if (channel != null) {
                channel.close();
            } else {
                stream.close();
            }
        }
    }
}
