package dev.hairpin.rules;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The host's tables: raw, mangle, filter, nat and security. Each is an immutable compiled
 * {@link Table} snapshot held in one volatile array, so a packet sees either the old or the new
 * set of tables, never a mix, and a replacement is atomic across tables (iptables-restore).
 * A table that does not exist (never created, as iptables-nft leaves tables nobody used) is null.
 *
 * <p>Writers go through {@link #update}, which serialises them and swaps once at the end.
 */
public final class Ruleset {
    private volatile Table[] tables = new Table[TableDef.values().length];
    /** bumped after every swap of {@link #tables}: what a reader derived from an older one is stale */
    private volatile long generation;
    private final java.util.Set<String> ipsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final dev.hairpin.rules.ext.NetState netState = new dev.hairpin.rules.ext.NetState();

    public Ruleset() {}

    /**
     * The names of the ipsets that exist on the host: {@code -m set} refuses others at parse time,
     * as iptables asks the kernel. Whoever manages sets keeps this up to date.
     */
    public java.util.Set<String> ipsets() {
        return ipsets;
    }

    /** What extensions keep for this host as a whole (xt_recent's lists ...). */
    public dev.hairpin.rules.ext.NetState netState() {
        return netState;
    }

    /** Changes with every update; read it before the tables it describes. */
    public long generation() {
        return generation;
    }

    /** The snapshot of a table, or null when the table does not exist. */
    public Table table(TableDef def) {
        return tables[def.ordinal()];
    }

    /** {@link #table(TableDef)} by the definition's ordinal (the hooks' per-packet lookup) */
    public Table tableAt(int ordinal) {
        return tables[ordinal];
    }

    /** The snapshot of a table by iptables name, or null when it does not exist. */
    public Table table(String name) {
        TableDef d = TableDef.byName(name);
        return d == null ? null : table(d);
    }

    /** The snapshot of a table; an empty one (policies ACCEPT, no rules) when it does not exist. */
    public Table tableOrEmpty(TableDef def) {
        Table t = table(def);
        return t != null ? t : Table.empty(def);
    }

    /** All tables at one instant, indexed by {@link TableDef#ordinal()}; null entries absent. */
    public Table[] snapshot() {
        return tables.clone();
    }

    /** A working copy of every table, for a transaction. */
    public Edit edit() {
        return new Edit(tables);
    }

    /**
     * Runs {@code change} on a working copy and, when it returns normally, installs the tables
     * it built. Writers are serialised; readers are never blocked.
     */
    public synchronized <R> R update(Function<Edit, R> change) {
        Edit e = new Edit(tables);
        R r = change.apply(e);
        commit(e);
        return r;
    }

    /** Compiles the tables of an edit and installs them in one swap. */
    public synchronized void commit(Edit e) {
        commit(e, e.built());
    }

    /** Installs tables already compiled from {@code e} (by {@link Edit#built()}) in one swap. */
    public synchronized void commit(Edit e, Map<TableDef, Table> built) {
        Table[] next = tables.clone();
        for (Map.Entry<TableDef, Table> en : built.entrySet()) {
            next[en.getKey().ordinal()] = en.getValue();
        }
        for (TableDef d : e.deleted) {
            next[d.ordinal()] = null;
        }
        // as an nf_tables transaction: the new rules' extensions are checked (attached) before
        // the old ones are destroyed (detached), so state both refer to lives on
        java.util.Set<Rule> before = rules(tables);
        java.util.Set<Rule> after = rules(next);
        for (Rule r : after) {
            if (!before.contains(r)) {
                r.matches().forEach(m -> m.attach(netState));
                if (r.target() != null) {
                    r.target().attach(netState);
                }
            }
        }
        tables = next;
        generation++;
        for (Rule r : before) {
            if (!after.contains(r)) {
                r.matches().forEach(m -> m.detach(netState));
                if (r.target() != null) {
                    r.target().detach(netState);
                }
            }
        }
    }

    /**
     * Whether some installed rule holds a conntrack reference for the namespace
     * ({@link Match#needsConntrack}, {@link Target#needsConntrack}): only then do conntrack's hooks run.
     */
    public boolean needsConntrack() {
        return anyRule(Target::needsConntrack, Match::needsConntrack);
    }

    /** Whether some installed rule enables nf_defrag_ipv4 ({@link Match#needsDefrag}, {@link Target#needsDefrag}). */
    public boolean needsDefrag() {
        return anyRule(Target::needsDefrag, Match::needsDefrag);
    }

    private boolean anyRule(java.util.function.Predicate<Target> target, java.util.function.Predicate<Match> match) {
        for (Rule r : rules(tables)) {
            if (r.target() != null && target.test(r.target())) {
                return true;
            }
            for (Match m : r.matches()) {
                if (match.test(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** every rule of the tables, by identity */
    private static java.util.Set<Rule> rules(Table[] ts) {
        java.util.Set<Rule> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Table t : ts) {
            if (t != null) {
                for (Chain c : t.chains()) {
                    out.addAll(c.rules());
                }
            }
        }
        return out;
    }

    /** A transaction over all tables: tables are copied into {@link TableEdit}s on first touch. */
    public static final class Edit {
        private final Table[] base;
        private final Map<TableDef, TableEdit> edits = new EnumMap<>(TableDef.class);
        private final java.util.Set<TableDef> deleted = java.util.EnumSet.noneOf(TableDef.class);

        Edit(Table[] base) {
            this.base = base.clone();
        }

        /** The table as it was when this transaction began; null when it did not exist. */
        public Table base(TableDef def) {
            return base[def.ordinal()];
        }

        /** Whether the table exists (in the base or created in this transaction). */
        public boolean exists(TableDef def) {
            return edits.containsKey(def) || (base[def.ordinal()] != null && !deleted.contains(def));
        }

        /** The working copy of a table, created (empty) when it does not exist yet. */
        public TableEdit table(TableDef def) {
            TableEdit e = edits.get(def);
            if (e == null) {
                Table t = deleted.remove(def) ? null : base[def.ordinal()];
                e = t == null ? new TableEdit(def) : TableEdit.of(t);
                edits.put(def, e);
            }
            return e;
        }

        /** The working copy if the table exists, else null (without creating it). */
        public TableEdit existing(TableDef def) {
            return exists(def) ? table(def) : null;
        }

        /** Drops a table altogether (iptables-restore's flush of a table it then refills). */
        public void delete(TableDef def) {
            edits.remove(def);
            deleted.add(def);
        }

        /** Replaces a table by a fresh, empty one (iptables-restore without --noflush). */
        public TableEdit flush(TableDef def) {
            TableEdit e = new TableEdit(def);
            edits.put(def, e);
            deleted.remove(def);
            return e;
        }

        /** The tables touched so far. */
        public Map<TableDef, TableEdit> touched() {
            return edits;
        }

        /**
         * Compiles every touched table.
         *
         * @throws RuleCheckException when the kernel would refuse a table
         */
        public Map<TableDef, Table> built() {
            Map<TableDef, Table> out = new EnumMap<>(TableDef.class);
            for (Map.Entry<TableDef, TableEdit> en : edits.entrySet()) {
                out.put(en.getKey(), en.getValue().build());
            }
            return out;
        }
    }
}
