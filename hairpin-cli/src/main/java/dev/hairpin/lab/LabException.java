package dev.hairpin.lab;

/** A lab command or state file that cannot be carried out: the message says which and why. */
public final class LabException extends RuntimeException {
    public LabException(String msg) {
        super(msg);
    }

    public LabException(String msg, Throwable cause) {
        super(msg, cause);
    }
}
