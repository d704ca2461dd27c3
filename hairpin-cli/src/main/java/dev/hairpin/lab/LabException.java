package dev.hairpin.lab;

/** A lab command or state file that cannot be carried out: the message says which and why. */
public final class LabException extends RuntimeException {
    /** the exit status: 1, or 2 for a command line that cannot be run as given (as iptables' PARAMETER_PROBLEM) */
    public final int status;

    public LabException(String msg) {
        this(msg, 1);
    }

    private LabException(String msg, int status) {
        super(msg);
        this.status = status;
    }

    /** a bad command line: exit status 2 */
    public static LabException usage(String msg) {
        return new LabException(msg, 2);
    }

    public LabException(String msg, Throwable cause) {
        super(msg, cause);
        this.status = 1;
    }
}
