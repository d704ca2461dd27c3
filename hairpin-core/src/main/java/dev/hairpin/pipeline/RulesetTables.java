package dev.hairpin.pipeline;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.XtParam;

/** The hooks' view of a {@link Ruleset}: each call reads the table's current snapshot. */
public final class RulesetTables implements Tables {
    private static final TableDef[] BY_ID = {TableDef.RAW, TableDef.MANGLE, TableDef.NAT, TableDef.FILTER, TableDef.SECURITY};
    /** {@link #BY_ID}'s ordinals */
    private static final int[] ORDINAL = java.util.Arrays.stream(BY_ID).mapToInt(TableDef::ordinal).toArray();

    public final Ruleset ruleset;

    public RulesetTables(Ruleset ruleset) {
        this.ruleset = ruleset;
    }

    /** the skip masks per hook, derived from the ruleset of one generation */
    private record Skips(long generation, int[] mask) {}

    private volatile Skips skips = new Skips(-1, new int[Hooks.COUNT]);

    /** {@link #defragNeeded()} of one ruleset generation */
    private record Defrag(long generation, boolean needed) {}

    private volatile Defrag defrag = new Defrag(-1, true);

    @Override
    public boolean defragNeeded() {
        Defrag d = defrag;
        long g = ruleset.generation();
        if (d.generation != g) {
            defrag = d = new Defrag(g, ruleset.needsDefrag());
        }
        return d.needed;
    }

    @Override
    public boolean conntrackNeeded() {
        return (skipMasks()[Hooks.PRE_ROUTING] & 1 << CONNTRACK) == 0;
    }

    @Override
    public int skipMask(int hook) {
        return skipMasks()[hook];
    }

    @Override
    public int[] skipMasks() {
        Skips s = skips;
        long g = ruleset.generation(); // before the tables: a mask from newer tables is only recomputed
        if (s.generation != g) {
            int[] mask = new int[Hooks.COUNT];
            int ct = ruleset.needsConntrack() ? 0 : 1 << CONNTRACK;
            for (int h = 0; h < Hooks.COUNT; h++) {
                mask[h] |= ct;
                for (int id = 0; id < BY_ID.length; id++) {
                    Table t = ruleset.table(BY_ID[id]);
                    if (t == null || !t.hasHook(h) || t.acceptsAll(h)) {
                        mask[h] |= 1 << id;
                    }
                }
            }
            skips = s = new Skips(g, mask);
        }
        return s.mask;
    }

    @Override
    public int run(int table, int hook, Skb skb, XtParam par) {
        Table t = ruleset.tableAt(ORDINAL[table]);
        // a traced packet walks even an empty ACCEPT chain (the trace shows it)
        if (t == null || t.quiet(hook) && (par.trace == null || !t.hasHook(hook))) {
            return Verdict.NF_ACCEPT;
        }
        int v = t.doTable(hook, skb, par);
        if ((v & 0xff) == Verdict.NF_QUEUE && (v & dev.hairpin.rules.targets.NfqueueTarget.VERDICT_BYPASS) != 0) {
            // nf_queue(): no program listens on the queue (-ESRCH); with --queue-bypass the packet
            // goes on to the hook's next function (the next table), as accepted (recorded:
            // mangle-queue-misc). Without it the packet is gone.
            return Verdict.NF_ACCEPT;
        }
        return v;
    }
}
