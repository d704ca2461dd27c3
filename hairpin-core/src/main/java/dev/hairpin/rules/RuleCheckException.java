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
        ENOENT("No such file or directory"),
        ERANGE("Numerical result out of range");

        public final String text;

        Errno(String text) {
            this.text = text;
        }
    }

    /** a checkentry failure with its errno, as an extension reports it */
    public record Refusal(Errno errno, String why) {}

    private final String chain;
    private final int ruleNum;
    private final transient Rule rule;
    private final Errno errno;
    private final boolean validation;

    public RuleCheckException(String chain, int ruleNum, Rule rule, Errno errno, String message) {
        this(chain, ruleNum, rule, errno, message, false);
    }

    /**
     * @param validation whether the table's validation found it (every rule added afterwards
     *                   is refused too), rather than the rule's own checks when it was added
     */
    public RuleCheckException(String chain, int ruleNum, Rule rule, Errno errno, String message, boolean validation) {
        super(message);
        this.chain = chain;
        this.ruleNum = ruleNum;
        this.rule = rule;
        this.errno = errno;
        this.validation = validation;
    }

    /** found by the table's validation, not by the rule's own checks */
    public boolean validation() {
        return validation;
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
