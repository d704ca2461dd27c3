package dev.hairpin.tools;

import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;

/**
 * What operator commands act on: one engine (stack, conntrack, host) and its rules. Binding a
 * ruleset makes it the one the hooks evaluate.
 */
public final class EngineState {
    public final Stack stack;
    public final Ruleset ruleset;

    public EngineState(Stack stack, Ruleset ruleset) {
        this.stack = stack;
        this.ruleset = ruleset;
        stack.tables = new RulesetTables(ruleset);
    }
}
