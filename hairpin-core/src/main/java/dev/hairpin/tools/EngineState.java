package dev.hairpin.tools;

import dev.hairpin.ipset.IpSets;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;

/**
 * What operator commands act on: one engine (stack, conntrack, host), its rules and its ipsets.
 * Binding them makes them the ones the hooks and -m set evaluate.
 */
public final class EngineState {
    public final Stack stack;
    public final Ruleset ruleset;
    public final IpSets ipsets;
    /** the wall clock the commands print (iptables-save's "Generated ... on"); a replay's is the recording's */
    public java.util.function.Supplier<java.time.ZonedDateTime> clock = java.time.ZonedDateTime::now;

    public EngineState(Stack stack, Ruleset ruleset) {
        this.stack = stack;
        this.ruleset = ruleset;
        this.ipsets = new IpSets(stack.conntrack::now);
        stack.tables = new RulesetTables(ruleset);
        // what a CT --ctevents rule's checkentry asks (nf_ct_ecache_ext_add with events=2)
        ruleset.netState().get(dev.hairpin.rules.targets.CtTarget.ECACHE_KEY,
                () -> (java.util.function.BooleanSupplier) () -> stack.conntrack.config.events != 2
                        || stack.conntrack.hasListener());
        stack.ipsets = ipsets::get;
        ipsets.namesChanged = names -> {
            ruleset.ipsets().retainAll(names);
            ruleset.ipsets().addAll(names);
        };
    }
}
