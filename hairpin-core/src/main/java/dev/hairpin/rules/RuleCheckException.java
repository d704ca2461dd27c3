package dev.hairpin.rules;

/**
 * A table the kernel would refuse to load: a loop of jumps, a jump to a chain that does not
 * exist, or a match/target used from a hook or table it does not support ({@code -EINVAL} from
 * {@code xt_check_target()}). Carries the offending chain and rule (1-based, 0 when the chain as
 * a whole) so front ends can point at the line that added it.
 */
public final class RuleCheckException extends RuntimeException {
    /** the errno the kernel would return */
    public enum Errno {
        EINVAL("Invalid argument"),
        ELOOP("Too many levels of symbolic links"),
        EMLINK("Too many links"),
        EOPNOTSUPP("Operation not supported"),
        ENOENT("No such file or directory");

        public final String text;

        Errno(String text) {
            this.text = text;
        }
    }

    private final String chain;
    private final int ruleNum;
    private final transient Rule rule;
    private final Errno errno;

    public RuleCheckException(String chain, int ruleNum, Rule rule, Errno errno, String message) {
        super(message);
        this.chain = chain;
        this.ruleNum = ruleNum;
        this.rule = rule;
        this.errno = errno;
    }

    public String chain() {
        return chain;
    }

    public int ruleNum() {
        return ruleNum;
    }

    public Rule rule() {
        return rule;
    }

    public Errno errno() {
        return errno;
    }
}
