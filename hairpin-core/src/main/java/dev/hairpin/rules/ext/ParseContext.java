package dev.hairpin.rules.ext;

/**
 * What an extension's option parser may see of the command being parsed: the rule's protocol
 * (for tcp/udp/multiport checks), the table, and the argument vector after the current option
 * (--tcp-flags takes two words).
 */
public interface ParseContext {
    /** {@code -p}: 0 when none */
    int proto();

    /** the rule's IPT_INV_* flags so far */
    int invflags();

    /** the table the rule goes into */
    String table();

    /** the next word after the current option, or null at the end */
    String peekArg();

    /** consumes the word {@link #peekArg()} returned */
    void skipArg();

    /** whether an ipset of that name exists on the host (-m set asks the kernel at parse time) */
    default boolean ipsetExists(String name) {
        return true;
    }

    /** prints a warning on stderr, as an extension's parser may (the rule is still accepted) */
    default void warn(String text) {}
}
