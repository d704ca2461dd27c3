package dev.hairpin.pipeline;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.XtParam;

/** The hooks' view of a {@link Ruleset}: each call reads the table's current snapshot. */
public final class RulesetTables implements Tables {
    private static final TableDef[] BY_ID = {TableDef.RAW, TableDef.MANGLE, TableDef.NAT, TableDef.FILTER, TableDef.SECURITY};
    public final Ruleset ruleset;

    public RulesetTables(Ruleset ruleset) {
        this.ruleset = ruleset;
    }

    @Override
    public int run(int table, int hook, Skb skb, XtParam par) {
        Table t = ruleset.table(BY_ID[table]);
        if (t == null || !t.hasHook(hook) || par.trace == null && t.acceptsAll(hook)) {
            return Verdict.NF_ACCEPT;
        }
        return t.doTable(hook, skb, par);
    }
}
