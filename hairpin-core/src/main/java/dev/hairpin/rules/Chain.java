package dev.hairpin.rules;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Verdict;

import java.util.List;

/**
 * A chain of a table snapshot: a built-in chain (attached to a hook, with a policy and the
 * counter of the packets that hit that policy) or a user chain (reached only by -j/-g).
 * Immutable; the rules' counters are the live ones.
 */
public record Chain(String name, int hook, int policy, Counter policyCounter, List<Rule> rules) {
    public Chain {
        rules = List.copyOf(rules);
    }

    public boolean builtin() {
        return hook >= 0;
    }

    /** "ACCEPT" / "DROP" for a built-in chain, null for a user chain */
    public String policyName() {
        if (!builtin()) {
            return null;
        }
        return policy == Verdict.NF_DROP ? "DROP" : "ACCEPT";
    }

    public static Chain builtin(int hook) {
        return new Chain(Hooks.chainName(hook), hook, Verdict.NF_ACCEPT, new Counter(), List.of());
    }
}
