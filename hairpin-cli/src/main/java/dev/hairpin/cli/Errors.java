package dev.hairpin.cli;

import dev.hairpin.io.SnapshotException;
import dev.hairpin.lab.LabException;
import dev.hairpin.pcap.CaptureFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What the user sees when a command fails with an exception: one line naming the file and the
 * problem, never a stack trace, and the exit status: 2 for bad input (a snapshot, capture,
 * scenario or argument that says what was expected), 1 for a file that cannot be read or
 * written, 70 (EX_SOFTWARE) for a bug, whose stack trace {@code HAIRPIN_DEBUG=1} prints.
 */
final class Errors {
    private Errors() {}

    static final int BAD_INPUT = 2;
    static final int IO = 1;
    static final int BUG = 70;

    /** reports {@code e} on {@code err} as {@code who: ...} and returns the exit status */
    static int report(String who, Throwable e, PrintStream err) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        int rc;
        String text;
        if (t instanceof SnapshotException || t instanceof CaptureFormatException || t instanceof LabException
                || t instanceof IllegalArgumentException && !(t instanceof NumberFormatException)) {
            rc = BAD_INPUT;
            text = t.getMessage();
        } else if (t instanceof IOException io) {
            rc = IO;
            text = io(io);
        } else {
            rc = BUG;
            StackTraceElement[] st = t.getStackTrace();
            text = "internal error (a bug in hairpin, please report it): " + t
                    + (st.length > 0 ? " at " + st[0] : "") + "; HAIRPIN_DEBUG=1 prints the stack trace";
        }
        err.println(who + ": " + text);
        if (System.getenv("HAIRPIN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return rc;
    }

    /** an I/O failure as the shell tools word it: the file, then why */
    static String io(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": No such file or directory" + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": Permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": exists and is not a directory";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + ": Not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
