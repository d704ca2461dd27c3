package dev.hairpin.io;

/** A snapshot, capture or scenario file that cannot be read: names the file, line and what was expected. */
public final class SnapshotException extends RuntimeException {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
