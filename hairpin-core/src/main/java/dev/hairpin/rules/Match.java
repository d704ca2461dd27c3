package dev.hairpin.rules;

import dev.hairpin.packet.Skb;

/**
 * One {@code -m} match of a rule (an {@code xt_match} with its parsed options). Implementations
 * are immutable except for per-rule state the kernel keeps in the match (statistic's nth
 * counter, limit's credit), and must not allocate per packet.
 */
public interface Match {
    /** the extension name as {@code -m NAME} takes it */
    String name();

    boolean matches(Skb skb, XtParam par);

    /** The options in iptables-save form, each preceded by a space (e.g. {@code " --dport 80"}). */
    void save(StringBuilder sb);

    /** The {@code iptables -L} form, each part preceded by a space (e.g. {@code " tcp dpt:80"}). */
    void print(StringBuilder sb, boolean numeric);

    /** Hooks this match may be used in (bit mask of 1 &lt;&lt; hook); all by default. */
    /**
     * Whether iptables-nft stores this match as native nf_tables expressions rather than an xt
     * match: the kernel then runs none of xt's checks on it (no protocol check, recorded with
     * "! -p udp --dport 1").
     */
    default boolean nftNative() {
        return false;
    }

    /**
     * What tells this match from another that saves the same, as nft_rule_cmp() compares the
     * kernel's bytes for -C and -D (a default left all ones against the same value given ...):
     * appended to the saved text; nothing by default.
     */
    default void identity(StringBuilder sb) {}

    /** this match as the kernel stores it, when that differs from what was given; else this */
    default Match stored() {
        return this;
    }

    default int hooks() {
        return 0x1f;
    }

    /**
     * Whether {@link #hooks()} comes from the match's checkentry (which nf_tables runs once, when
     * the rule is added, with the hook of its own base chain, none for a user chain) rather than
     * from the xt_match's hooks field (which the table's validation checks wherever it is reached).
     */
    default boolean hooksAtEntry() {
        return false;
    }

    /**
     * {@code xt_match.proto}: the protocol the rule must name with a non-inverted {@code -p}
     * for the kernel to accept this match (tcp, udp, icmp ...); 0 for any.
     */
    default int proto() {
        return 0;
    }

    /** Tables this match may be used in; null for any. */
    default java.util.Set<String> tables() {
        return null;
    }

    /**
     * A refusal checkentry reports with an errno other than EINVAL (a helper or module the
     * kernel does not have: ENOENT; a rate it cannot count: ERANGE); null when none.
     */
    default RuleCheckException.Refusal refusal() {
        return null;
    }

    /** The match's {@code checkentry} against the rule's IP part: null when fine, else why not. */
    default String checkEntry(IptIp ip) {
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
     * The rule holding this match entered a ruleset (the kernel's checkentry, when the rule is
     * added): take a reference on per-namespace state (named lists, tables). Called once per
     * installed rule, before the rules it replaces are {@linkplain #detach detached}.
     */
    default void attach(dev.hairpin.rules.ext.NetState ns) {}

    /** The rule left the ruleset (the kernel's destroy): drop what {@link #attach} took. */
    default void detach(dev.hairpin.rules.ext.NetState ns) {}

    /**
     * The rule was re-added in place with the same options: iptables-nft zeroes a rule's counters
     * by replacing the rule (nft_rule_zero_counters(); nft_chain_zero_counters() for each rule
     * whose counter is not zero), so the kernel builds a new match from the options it dumped.
     * Per-rule state the kernel does not copy back into the options (statistic's nth counter,
     * limit's bucket) starts over as a new rule's would.
     */
    default void restart() {}
}
