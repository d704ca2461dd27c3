package dev.hairpin.rules;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Verdict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutable working copy of one table, for front ends: append/insert/delete rules, create,
 * rename and delete chains, set policies; {@link #build()} checks and compiles it into an
 * immutable {@link Table}. Rule and counter objects are shared with the snapshot it was copied
 * from, so their counts carry over.
 */
public final class TableEdit {
    /** One chain being edited. */
    public static final class EditChain {
        private final String name;
        private final int hook;
        private int policy;
        private Counter policyCounter;
        private final List<Rule> rules;
        /** a built-in chain the kernel has (iptables-nft makes them on first use); user chains always */
        private boolean made = true;

        EditChain(String name, int hook, int policy, Counter policyCounter, List<Rule> rules) {
            this.name = name;
            this.hook = hook;
            this.policy = policy;
            this.policyCounter = policyCounter;
            this.rules = new ArrayList<>(rules);
        }

        public String name() {
            return name;
        }

        public boolean builtin() {
            return hook >= 0;
        }

        public int hook() {
            return hook;
        }

        public int policy() {
            return policy;
        }

        public void setPolicy(int policy) {
            this.policy = policy;
        }

        public Counter policyCounter() {
            return policyCounter;
        }

        /**
         * Whether the kernel has this chain: user chains always; a built-in chain once a rule or a
         * policy was set on it (iptables-nft makes built-ins on demand, recorded with nft list),
         * until -X deletes it again while it is empty with policy ACCEPT.
         */
        public boolean inKernel() {
            return made || !rules.isEmpty() || policy != Verdict.NF_ACCEPT;
        }

        /** the kernel made (true) or deleted (false) this built-in chain */
        public void setInKernel(boolean made) {
            this.made = made;
        }

        /** the live, mutable rule list */
        public List<Rule> rules() {
            return rules;
        }

        Chain freeze(String newName) {
            return new Chain(newName, hook, policy, policyCounter, rules);
        }
    }

    private final TableDef def;
    private final Map<String, EditChain> chains = new LinkedHashMap<>();

    /**
     * An empty table with its built-in chains (policy ACCEPT), which the kernel does not have yet
     * (see {@link EditChain#inKernel()}).
     */
    public TableEdit(TableDef def) {
        this.def = def;
        for (int h = 0; h < Hooks.COUNT; h++) {
            if (def.hasHook(h)) {
                String n = Hooks.chainName(h);
                EditChain c = new EditChain(n, h, Verdict.NF_ACCEPT, new Counter(), List.of());
                c.made = false;
                chains.put(n, c);
            }
        }
    }

    /** A working copy of a snapshot. */
    public static TableEdit of(Table t) {
        TableEdit e = new TableEdit(t.def());
        e.chains.clear();
        for (Chain c : t.chains()) {
            if (c.builtin()) {
                EditChain ec = new EditChain(c.name(), c.hook(), c.policy(), c.policyCounter(), c.rules());
                ec.made = !t.notInKernel().contains(c.name());
                e.chains.put(c.name(), ec);
            }
        }
        for (String name : t.creationOrder()) {
            Chain c = t.chain(name);
            e.chains.put(c.name(), new EditChain(c.name(), c.hook(), c.policy(), c.policyCounter(), c.rules()));
        }
        return e;
    }

    public TableDef def() {
        return def;
    }

    /** null when no such chain */
    public EditChain chain(String name) {
        return chains.get(name);
    }

    public boolean hasChain(String name) {
        return chains.containsKey(name);
    }

    /** Chains in insertion order (built-ins first). */
    public Iterable<EditChain> chains() {
        return chains.values();
    }

    public EditChain addUserChain(String name) {
        if (chains.containsKey(name)) {
            throw new IllegalArgumentException("chain " + name + " exists");
        }
        EditChain c = new EditChain(name, -1, 0, new Counter(), List.of());
        chains.put(name, c);
        return c;
    }

    public void removeChain(String name) {
        chains.remove(name);
    }

    /** Renames a user chain; rules jumping to it are NOT rewritten here (see callers). */
    public void renameChain(String from, String to) {
        Map<String, EditChain> copy = new LinkedHashMap<>();
        for (Map.Entry<String, EditChain> en : chains.entrySet()) {
            EditChain c = en.getValue();
            if (en.getKey().equals(from)) {
                EditChain n = new EditChain(to, c.hook, c.policy, c.policyCounter, c.rules);
                copy.put(to, n);
            } else {
                copy.put(en.getKey(), c);
            }
        }
        chains.clear();
        chains.putAll(copy);
    }

    /** The number of rules in this table that jump or go to {@code chain}. */
    public int references(String chain) {
        int n = 0;
        for (EditChain c : chains.values()) {
            for (Rule r : c.rules) {
                if (chain.equals(r.chain())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Sets a built-in chain's policy counters (iptables-restore -c, -P ... -c). */
    public void setPolicyCounters(String chain, long packets, long bytes) {
        EditChain c = chains.get(chain);
        c.policyCounter = new Counter(packets, bytes);
    }

    /**
     * Checks and compiles.
     *
     * @throws RuleCheckException when the kernel would refuse the table
     */
    public Table build() {
        List<Chain> list = new ArrayList<>();
        java.util.Set<String> absent = new java.util.HashSet<>();
        for (EditChain c : chains.values()) {
            list.add(c.freeze(c.name));
            if (!c.inKernel()) {
                absent.add(c.name);
            }
        }
        return new Table(def, list, absent);
    }
}
