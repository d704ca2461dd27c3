package dev.hairpin.rules;

import dev.hairpin.packet.Skb;

/**
 * A {@code -j} extension target (an {@code xt_target} with its parsed options). Returns a
 * netfilter verdict, or {@link dev.hairpin.packet.Verdict#XT_CONTINUE} for non-terminating
 * targets (LOG, MARK, CONNMARK, NOTRACK ...). Standard verdicts (ACCEPT, DROP, RETURN, jumps,
 * goto) are not Targets: the rule model holds them directly.
 */
public interface Target {
    String name();

    int target(Skb skb, XtParam par);

    void save(StringBuilder sb);

    void print(StringBuilder sb, boolean numeric);

    /** Hooks this target may be used in (bit mask of 1 &lt;&lt; hook); all by default. */
    /** the name in the target column of {@code iptables -L}: the kernel's target, not an alias */
    default String listName() {
        return name();
    }

    default int hooks() {
        return 0x1f;
    }

    /**
     * Whether {@link #hooks()} comes from the target's checkentry (which nf_tables runs once, when
     * the rule is added, with the hook of its own base chain, none for a user chain) rather than
     * from the xt_target's hooks field (which the table's validation checks wherever it is reached).
     */
    default boolean hooksAtEntry() {
        return false;
    }

    /** Tables this target may be used in; null for any. */
    default java.util.Set<String> tables() {
        return null;
    }

    /** {@code xt_target.proto}: the -p the kernel requires (not inverted), 0 for any. */
    default int proto() {
        return 0;
    }

    /**
     * A refusal checkentry reports with an errno other than EINVAL (a helper or module the
     * kernel does not have: ENOENT; a rate it cannot count: ERANGE); null when none.
     */
    default RuleCheckException.Refusal refusal() {
        return null;
    }

    /** {@link #refusal()} when it depends on the rule's IP part (its protocol ...) */
    default RuleCheckException.Refusal refusal(IptIp ip) {
        return refusal();
    }

    /**
     * The target's {@code checkentry} against the rule's IP part (REJECT --reject-with tcp-reset
     * needs {@code -p tcp}, TCPMSS a SYN match ...): null when fine, else why the kernel refuses.
     */
    default String checkEntry(IptIp ip, java.util.List<Match> matches) {
        return null;
    }

    /**
     * Whether the extension's checkentry takes a reference on conntrack for the namespace
     * (nf_ct_netns_get(): NAT targets, conntrack/state/connmark... matches, CT unless --notrack).
     * Conntrack's hooks run only while some rule holds one: without, no packet gets an entry and
     * the nat table's chains never run (nf_nat_inet_fn needs an entry).
     */
    default boolean needsConntrack() {
        return false;
    }

    /** Whether it enables nf_defrag_ipv4 for the namespace: conntrack's users, and socket/TPROXY. */
    default boolean needsDefrag() {
        return needsConntrack();
    }

    /**
     * The rule holding this target entered a ruleset (the kernel's checkentry, when the rule is
     * added): take a reference on per-namespace state (named lists, tables). Called once per
     * installed rule, before the rules it replaces are {@linkplain #detach detached}.
     */
    default void attach(dev.hairpin.rules.ext.NetState ns) {}

    /** The rule left the ruleset (the kernel's destroy): drop what {@link #attach} took. */
    default void detach(dev.hairpin.rules.ext.NetState ns) {}
}
