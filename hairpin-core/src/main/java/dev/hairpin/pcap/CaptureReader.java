package dev.hairpin.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads packets from a capture file, one {@link CaptureRecord} at a time, without allocating
 * per record. A malformed or truncated file raises {@link CaptureFormatException}; nothing else
 * but I/O errors escapes.
 * <pre>
 *  try (CaptureReader in = CaptureReader.open(path)) {
 *      CaptureRecord r = new CaptureRecord();
 *      while (in.next(r)) { ... r.data, r.networkOffset, r.ifindex, r.pkttype ... }
 *  }
 * </pre>
 * {@link #next} copies the packet into the record's own array (the record may be kept);
 * {@link #nextView} points the record at the reader's buffer instead (no copy; valid until the
 * reader moves on), which is what a replay loop wants.
 */
public interface CaptureReader extends Closeable {
    /**
     * Fills {@code r} with the next packet, its bytes copied into the record's own array from
     * index 0 ({@code r.offset == 0}); false at the clean end of the file.
     */
    boolean next(CaptureRecord r) throws IOException;

    /**
     * As {@link #next}, but without copying: {@code r.data} becomes the reader's buffer and the
     * captured bytes are {@code r.data[r.offset, r.offset + r.length)} (networkOffset and
     * prefixOffset count from the start of that array too). They stay valid, and may be
     * modified in place (NAT does), until the next call on this reader; bytes outside the
     * record must not be touched.
     */
    boolean nextView(CaptureRecord r) throws IOException;

    /** the name used in error messages */
    String name();

    /** Opens a classic pcap or a pcapng file, told apart by the first four bytes. */
    static CaptureReader open(Path file) throws IOException {
        // a channel read fills the window in one call, no stream layers in between
        ByteInput in = new ByteInput(FileChannel.open(file, StandardOpenOption.READ));
        try {
            return in.reader(file.toString());
        } catch (RuntimeException | IOException e) {
            in.close();
            throw e;
        }
    }

    /** As {@link #open(Path)} over a stream; {@code name} is what error messages call it. */
    static CaptureReader open(InputStream stream, String name) throws IOException {
        return new ByteInput(stream).reader(name);
    }
}
