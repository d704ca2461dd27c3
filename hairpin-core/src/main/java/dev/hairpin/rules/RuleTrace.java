package dev.hairpin.rules;

/**
 * Listener for a traversal of a table, for a {@code trace} view (what the kernel's TRACE target
 * and {@code nft monitor trace} show). Set it in {@link XtParam#trace}; when null, evaluation
 * pays one null check per step and nothing else.
 */
public interface RuleTrace {
    /** a rule was evaluated; {@code num} is its 1-based position in its chain */
    void rule(Table table, Chain chain, int num, Rule rule, boolean matched);

    /**
     * the rule about to be reported as not matched failed at its {@code index}-th {@code -m}
     * match (not called when its IP part failed)
     */
    default void matchFailed(int index) {}

    /** a -j (isGoto false) or -g into {@code to} */
    default void jump(Table table, Chain from, int num, Chain to, boolean isGoto) {}

    /** RETURN or end of a user chain back into {@code to} (at the rule after the jump) */
    default void ret(Table table, Chain from, Chain to) {}

    /** the end (or a RETURN) of a built-in chain applied its policy */
    default void policy(Table table, Chain chain, int verdict) {}

    /** a rule's target decided the packet's fate in this table */
    default void verdict(Table table, Chain chain, int num, Rule rule, int verdict) {}
}
