package dev.hairpin.pipeline;

import dev.hairpin.rules.Chain;
import dev.hairpin.rules.Counter;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Rule counters of several workers, summed as the kernel sums its per-CPU copies of
 * {@code xt_counters} for {@code iptables -L} and {@code -save} (get_counters()). Each worker
 * runs its own copy of one rule set ({@link Workers}), so a counter is written by one thread and
 * the per-packet path pays nothing for the sum.
 */
public final class RuleCounters {
    private RuleCounters() {}

    /**
     * A rule set like the first of {@code perWorker} (all must hold the same rules), with each
     * rule's and each policy's counter the sum of the workers': a snapshot to list or save.
     *
     * @throws IllegalArgumentException when the rule sets differ in tables, chains or rule counts
     */
    public static Ruleset sum(List<Ruleset> perWorker) {
        Table[] first = perWorker.getFirst().snapshot();
        List<Table[]> all = new ArrayList<>();
        for (Ruleset r : perWorker) {
            all.add(r.snapshot());
        }
        Ruleset out = new Ruleset();
        Ruleset.Edit edit = out.edit();
        Map<TableDef, Table> built = new EnumMap<>(TableDef.class);
        for (TableDef def : TableDef.values()) {
            Table t = first[def.ordinal()];
            if (t == null) {
                continue;
            }
            List<Chain> chains = new ArrayList<>();
            for (Chain c : t.chains()) {
                List<Rule> rules = new ArrayList<>();
                for (int i = 0; i < c.rules().size(); i++) {
                    long p = 0;
                    long b = 0;
                    for (Table[] w : all) {
                        Counter k = same(w[def.ordinal()], def, c).rules().get(i).counter();
                        p += k.packets();
                        b += k.bytes();
                    }
                    rules.add(c.rules().get(i).withCounter(new Counter(p, b)));
                }
                Counter policy = c.policyCounter();
                if (policy != null) {
                    long p = 0;
                    long b = 0;
                    for (Table[] w : all) {
                        Counter k = same(w[def.ordinal()], def, c).policyCounter();
                        p += k.packets();
                        b += k.bytes();
                    }
                    policy = new Counter(p, b);
                }
                chains.add(new Chain(c.name(), c.hook(), c.policy(), policy, rules));
            }
            // user chains in the order they were made, as the source table keeps them
            List<Chain> ordered = new ArrayList<>();
            for (Chain c : chains) {
                if (c.builtin()) {
                    ordered.add(c);
                }
            }
            for (String name : t.creationOrder()) {
                for (Chain c : chains) {
                    if (c.name().equals(name)) {
                        ordered.add(c);
                    }
                }
            }
            built.put(def, new Table(def, ordered, t.notInKernel()));
        }
        out.commit(edit, built);
        return out;
    }

    /** the chain of another worker's table matching {@code c} of the first */
    private static Chain same(Table t, TableDef def, Chain c) {
        Chain o = t == null ? null : t.chain(c.name());
        if (o == null || o.rules().size() != c.rules().size()) {
            throw new IllegalArgumentException("workers' rule sets differ: " + def.tableName() + " chain " + c.name());
        }
        return o;
    }
}
