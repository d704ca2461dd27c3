package dev.hairpin.sim;

import dev.hairpin.pipeline.Stack;

/** Binds the rule model and its iptables front end to a replay's stack. */
final class RulesBinding {
    private final Stack stack;

    RulesBinding(Stack stack) {
        this.stack = stack;
    }

    void restore(String text, String file) {
        // bound to the rule model in the next step
    }

    String command(String[] argv) {
        return "";
    }
}
