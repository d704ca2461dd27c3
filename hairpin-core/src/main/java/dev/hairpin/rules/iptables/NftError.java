package dev.hairpin.rules.iptables;

/**
 * A command iptables-nft could not carry out: either the command function failed with an errno
 * (printed through {@code nft_strerror()}), or the kernel refused the batch (printed as
 * {@code "line N: RULE_APPEND failed (Invalid argument): rule in chain X"}).
 */
final class NftError extends RuntimeException {
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int E2BIG = 7;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ELOOP = 40;

    /** which nft_* function failed: nft_strerror() words some errnos per function */
    enum Fn { CHAIN_DEL, CHAIN_USER_ADD, CHAIN_USER_RENAME, RULE_INSERT, RULE_CHECK, RULE_REPLACE, RULE_DELETE_NUM,
        RULE_DELETE, CHAIN_SET, OTHER }

    final int errno;
    final Fn fn;
    /** input line of the command (restore), 0 for the command line */
    final int lineno;
    /** for kernel batch errors: every batch object the kernel refused, in batch order; else empty */
    final java.util.List<Failure> failures;

    /**
     * One refused batch object.
     *
     * @param type   the batch object type ("RULE_APPEND" ...)
     * @param errno  the errno text, e.g. "Invalid argument"
     * @param object "rule in chain X" / "chain X"
     * @param lineno input line (restore), 0 for the command line
     */
    record Failure(String type, String errno, String object, int lineno) {}

    NftError(Fn fn, int errno, int lineno) {
        super(null, null, false, false);
        this.fn = fn;
        this.errno = errno;
        this.lineno = lineno;
        this.failures = java.util.List.of();
    }

    NftError(String batchType, String errnoText, String object, int lineno) {
        this(java.util.List.of(new Failure(batchType, errnoText, object, lineno)));
    }

    NftError(java.util.List<Failure> failures) {
        super(null, null, false, false);
        this.fn = Fn.OTHER;
        this.errno = 0;
        this.lineno = failures.getFirst().lineno();
        this.failures = java.util.List.copyOf(failures);
    }

    boolean isBatch() {
        return !failures.isEmpty();
    }

    /** mnl_append_error() for each refused object: "\nline N: TYPE failed (text): object" or " TYPE ...", at most 1023 characters */
    String batchMessage() {
        StringBuilder sb = new StringBuilder();
        for (Failure f : failures) {
            sb.append(f.lineno() != 0 ? "\nline " + f.lineno() + ": " + f.type() : " " + f.type());
            sb.append(" failed (").append(f.errno()).append("): ").append(f.object());
        }
        // written into nft_restore's char errmsg[1024] with snprintf: the rest is cut (recorded)
        return sb.length() > 1023 ? sb.substring(0, 1023) : sb.toString();
    }

    /** nft_strerror() */
    String strerror() {
        switch (errno) {
            case 39:
                if (fn == Fn.CHAIN_DEL) {
                    return "Chain is not empty";
                }
                break;
            case EBUSY:
                if (fn == Fn.CHAIN_DEL) {
                    return "Directory not empty";
                }
                break;
            case 31:
                if (fn == Fn.CHAIN_DEL) {
                    return "Can't delete chain with references left";
                }
                break;
            case EEXIST:
                if (fn == Fn.CHAIN_USER_ADD) {
                    return "Chain already exists";
                }
                if (fn == Fn.CHAIN_USER_RENAME) {
                    return "File exists";
                }
                break;
            case E2BIG:
                if (fn == Fn.RULE_INSERT) {
                    return "Index of insertion too big";
                }
                if (fn == Fn.RULE_REPLACE) {
                    return "Index of replacement too big";
                }
                if (fn == Fn.RULE_DELETE_NUM) {
                    return "Index of deletion too big";
                }
                break;
            case ENOENT:
                if (fn == Fn.RULE_CHECK || fn == Fn.RULE_DELETE) {
                    return "Bad rule (does a matching rule exist in that chain?)";
                }
                if (fn == Fn.CHAIN_SET) {
                    return "Bad built-in chain name";
                }
                return "No chain/target/match by that name";
            case EINVAL:
                if (fn == Fn.CHAIN_SET) {
                    return "Bad policy name";
                }
                break;
            case ENXIO:
                if (fn == Fn.CHAIN_SET) {
                    return "Bad table name";
                }
                break;
            case ELOOP:
                return "Loop found in table";
            case 0:
                return "Incompatible with this kernel";
            default:
                break;
        }
        return switch (errno) {
            case E2BIG -> "Argument list too long";
            case EBUSY -> "Device or resource busy";
            case EEXIST -> "File exists";
            case EINVAL -> "Invalid argument";
            case ENXIO -> "No such device or address";
            case 39 -> "Directory not empty";
            default -> "Unknown error " + errno;
        };
    }
}
