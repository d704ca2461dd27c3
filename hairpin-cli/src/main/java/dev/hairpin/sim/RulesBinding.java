package dev.hairpin.sim;

import dev.hairpin.io.SnapshotException;
import dev.hairpin.pipeline.RulesetTables;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;

/** Binds the rule model and its iptables front end to a replay's stack. */
final class RulesBinding {
    final Ruleset ruleset = new Ruleset();

    RulesBinding(Stack stack) {
        stack.tables = new RulesetTables(ruleset);
    }

    /** Loads the snapshot's iptables-save; a ruleset iptables-restore refuses is a snapshot error. */
    void restore(String text, String file) {
        if (text.isBlank()) {
            return;
        }
        Iptables.Result r = IptablesRestore.restore(ruleset, text);
        if (r.exitCode() != 0) {
            throw new SnapshotException(file + ": refused by iptables-restore: " + r.stderr().trim());
        }
    }
}
