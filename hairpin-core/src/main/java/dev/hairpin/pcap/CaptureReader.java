package dev.hairpin.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
 */
public interface CaptureReader extends Closeable {
    /** Fills {@code r} with the next packet; false at the clean end of the file. */
    boolean next(CaptureRecord r) throws IOException;

    /** the name used in error messages */
    String name();

    /** Opens a classic pcap or a pcapng file, told apart by the first four bytes. */
    static CaptureReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return open(in, file.toString());
        } catch (RuntimeException | IOException e) {
            in.close();
            throw e;
        }
    }

    /** As {@link #open(Path)} over a stream; {@code name} is what error messages call it. */
    static CaptureReader open(InputStream stream, String name) throws IOException {
        ByteInput in = new ByteInput(new BufferedInputStream(stream, 1 << 16));
        byte[] magic = new byte[4];
        int n = in.read(magic, 0, 4);
        if (n < 4) {
            throw new CaptureFormatException(name, 0, 0, "truncated file header (4 bytes of magic expected, " + n + " left)");
        }
        if (Bytes.i32(magic, 0, false) == PcapngReader.SHB) {
            return new PcapngReader(in, name, magic);
        }
        return new PcapReader(in, name, magic);
    }
}
