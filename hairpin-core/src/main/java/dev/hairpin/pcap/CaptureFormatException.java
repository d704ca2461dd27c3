package dev.hairpin.pcap;

/**
 * A capture file that is malformed or truncated. The message names the file, where (record
 * number, 1-based, and/or byte offset) and what was expected, e.g.
 * {@code capture.pcap: record 17 at byte 2048: truncated record header (16 bytes expected, 5 left)}.
 */
public class CaptureFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long record;
    private final long offset;

    /** {@code record} 0 when the problem is not in a record (file header, other block) */
    public CaptureFormatException(String file, long record, long offset, String detail) {
        super(file + ": " + (record > 0 ? "record " + record + " at byte " : "at byte ") + offset + ": " + detail);
        this.file = file;
        this.record = record;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    /** 1-based record number, 0 when not in a record */
    public long record() {
        return record;
    }

    /** byte offset of the record or block (or header) that is wrong */
    public long offset() {
        return offset;
    }
}
