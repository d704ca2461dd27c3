package dev.hairpin.rules;

import dev.hairpin.packet.Verdict;

import java.util.List;
import java.util.Objects;

/**
 * One rule ({@code struct ipt_entry}): the IP part, the ordered {@code -m} matches and what to do
 * when they all match. The rule object carries its packet/byte counter, so a counter survives
 * edits of other rules and table replacements that keep the rule. Matches with per-rule state
 * (statistic's nth counter, limit's credit) likewise keep it for the rule's life.
 */
public final class Rule {
    /** What the rule does once it matches. */
    public enum Kind {
        /** no -j/-g: the rule only counts */
        NONE,
        ACCEPT,
        DROP,
        QUEUE,
        RETURN,
        /** -j CHAIN: push a return point, continue in CHAIN */
        JUMP,
        /** -g CHAIN: continue in CHAIN without a return point */
        GOTO,
        /** -j EXTENSION */
        TARGET
    }

    private final IptIp ip;
    private final List<Match> matches;
    private final Kind kind;
    private final String chain;
    private final Target target;
    private final Counter counter;

    public Rule(IptIp ip, List<Match> matches, Kind kind, String chain, Target target, Counter counter) {
        this.ip = Objects.requireNonNull(ip);
        this.matches = List.copyOf(matches);
        this.kind = Objects.requireNonNull(kind);
        this.chain = chain;
        this.target = target;
        this.counter = counter == null ? new Counter() : counter;
        if ((kind == Kind.JUMP || kind == Kind.GOTO) != (chain != null)) {
            throw new IllegalArgumentException("a chain name goes with JUMP and GOTO only");
        }
        if ((kind == Kind.TARGET) != (target != null)) {
            throw new IllegalArgumentException("a target goes with TARGET only");
        }
    }

    public static Rule verdict(IptIp ip, List<Match> matches, Kind kind) {
        return new Rule(ip, matches, kind, null, null, null);
    }

    public static Rule jump(IptIp ip, List<Match> matches, String chain, boolean isGoto) {
        return new Rule(isGoto ? ip.withFlags(ip.flags() | IptIp.F_GOTO) : ip, matches,
                isGoto ? Kind.GOTO : Kind.JUMP, chain, null, null);
    }

    public static Rule target(IptIp ip, List<Match> matches, Target target) {
        return new Rule(ip, matches, Kind.TARGET, null, target, null);
    }

    public IptIp ip() {
        return ip;
    }

    public List<Match> matches() {
        return matches;
    }

    public Kind kind() {
        return kind;
    }

    /** the chain of a JUMP or GOTO, else null */
    public String chain() {
        return chain;
    }

    /** the extension target of a TARGET rule, else null */
    public Target target() {
        return target;
    }

    public Counter counter() {
        return counter;
    }

    /** The same rule with another counter object (replace keeps, -c sets). */
    public Rule withCounter(Counter c) {
        return new Rule(ip, matches, kind, chain, target, c);
    }

    /** The name iptables shows in the target column: ACCEPT, the chain, the extension, or "". */
    public String targetName() {
        return switch (kind) {
            case NONE -> "";
            case ACCEPT -> "ACCEPT";
            case DROP -> "DROP";
            case QUEUE -> "QUEUE";
            case RETURN -> "RETURN";
            case JUMP, GOTO -> chain;
            case TARGET -> target.name();
        };
    }

    /** The netfilter verdict of a standard ACCEPT/DROP/QUEUE/RETURN rule. */
    public int standardVerdict() {
        return switch (kind) {
            case ACCEPT -> Verdict.NF_ACCEPT;
            case DROP -> Verdict.NF_DROP;
            case QUEUE -> Verdict.NF_QUEUE;
            case RETURN -> Verdict.XT_RETURN;
            default -> throw new IllegalStateException(kind + " is not a standard verdict");
        };
    }

    @Override
    public String toString() {
        return "Rule[" + ip + " " + matches + " -> " + targetName() + "]";
    }
}
