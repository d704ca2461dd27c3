package dev.hairpin.rules.ext;

/**
 * An error as libxtables reports it: {@code xtables_error(status, ...)} (printed as
 * {@code "<prog> v<version>: <message>"} and, for PARAMETER_PROBLEM, the "Try ... --help" hint),
 * or a {@link #raw} message printed as is before the hint (do_parse's {@code "Bad argument"}).
 * The message keeps any trailing newline the C format string has, since iptables prints it.
 */
public final class XtError extends RuntimeException {
    public static final int OTHER_PROBLEM = 1;
    public static final int PARAMETER_PROBLEM = 2;
    public static final int VERSION_PROBLEM = 3;
    public static final int RESOURCE_PROBLEM = 4;

    private final int status;
    private final boolean raw;

    public XtError(int status, String message) {
        this(status, message, false);
    }

    private XtError(int status, String message, boolean raw) {
        super(message, null, false, false);
        this.status = status;
        this.raw = raw;
    }

    public static XtError param(String message) {
        return new XtError(PARAMETER_PROBLEM, message);
    }

    /** printed verbatim (with its own newline), then exit_tryhelp() */
    public static XtError raw(int status, String message) {
        return new XtError(status, message, true);
    }

    /** exit status iptables ends with */
    public int status() {
        return status;
    }

    /** true: the message is printed as is, without the program/version prefix */
    public boolean raw() {
        return raw;
    }
}
