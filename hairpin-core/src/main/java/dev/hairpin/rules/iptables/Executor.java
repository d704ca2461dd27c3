package dev.hairpin.rules.iptables;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Chain;
import dev.hairpin.rules.Counter;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.RuleCheckException;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.TableEdit;
import dev.hairpin.rules.ext.XtError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Carries out parsed iptables commands on a {@link Ruleset.Edit}, as iptables-nft 1.8.9's
 * {@code nft_prepare()} does them one after the other: the same chain lookups, the same errno
 * for the same failure. Listing commands write to {@link #out}. The caller compiles and commits
 * the edit ({@link #build}), which is where the kernel's own checks run.
 */
final class Executor {
    private final Ruleset.Edit edit;
    final StringBuilder out = new StringBuilder();
    /** the rules added so far, in batch order: what the kernel blames when it refuses the table */
    private final List<Added> added = new ArrayList<>();
    private static final String[] BATCH_TYPES = {"RULE_APPEND", "RULE_INSERT", "RULE_REPLACE"};

    /** one rule-adding batch object: the chain it went to, its input line, its BATCH_TYPES index */
    record Added(String chain, int line, int type) {}

    Executor(Ruleset.Edit edit) {
        this.edit = edit;
    }

    Ruleset.Edit edit() {
        return edit;
    }

    static TableDef tableDef(String name) {
        TableDef d = TableDef.byName(name);
        if (d == null) {
            throw new XtError(XtError.VERSION_PROBLEM, "table '" + name + "' does not exist");
        }
        return d;
    }

    /** nft_chain_exists(): a built-in chain of the table, or an existing user chain */
    private boolean chainExists(TableDef def, String name) {
        int hook = Hooks.ofChain(name);
        if (hook >= 0 && def.hasHook(hook)) {
            return true;
        }
        TableEdit t = edit.existing(def);
        return t != null && t.hasChain(name);
    }

    private TableEdit.EditChain chain(TableDef def, String name) {
        TableEdit t = edit.existing(def);
        if (t == null) {
            return null;
        }
        return t.chain(name);
    }

    /**
     * Executes one command.
     *
     * @param lineno input line (restore) or 0
     * @throws NftError when iptables-nft would report a failure
     * @throws XtError  for the xtables_error() raised while preparing (missing jump target)
     */
    void execute(ParsedCommand p, int lineno) {
        TableDef def = tableDef(p.table);
        switch (p.command) {
            case ParsedCommand.CMD_APPEND -> {
                for (Rule r : p.rules()) {
                    assertJumpTarget(def, p);
                    TableEdit t = edit.table(def);
                    TableEdit.EditChain c = t.chain(p.chain);
                    if (c == null) {
                        throw new NftError(NftError.Fn.OTHER, NftError.ENOENT, lineno);
                    }
                    c.rules().add(stored(r));
                    added.add(new Added(p.chain, lineno, 0));
                    verbose(p, r);
                }
            }
            case ParsedCommand.CMD_INSERT -> {
                for (Rule r : p.rules()) {
                    assertJumpTarget(def, p);
                    TableEdit t = edit.table(def);
                    TableEdit.EditChain c = t.chain(p.chain);
                    if (c == null) {
                        throw new NftError(NftError.Fn.RULE_INSERT, NftError.ENOENT, lineno);
                    }
                    int idx = p.rulenum - 1;
                    int type = 1;
                    if (idx > 0 && idx >= c.rules().size()) {
                        if (idx - 1 < c.rules().size()) {
                            idx = c.rules().size();
                            type = 0;
                        } else {
                            throw new NftError(NftError.Fn.RULE_INSERT, NftError.E2BIG, lineno);
                        }
                    }
                    c.rules().add(idx, stored(r));
                    added.add(new Added(p.chain, lineno, type));
                    verbose(p, r);
                }
            }
            case ParsedCommand.CMD_REPLACE -> {
                Rule r = p.rules().getFirst();
                assertJumpTarget(def, p);
                TableEdit.EditChain c = chain(def, p.chain);
                if (c == null) {
                    throw new NftError(NftError.Fn.RULE_REPLACE, NftError.ENOENT, lineno);
                }
                int idx = p.rulenum - 1;
                if (idx >= c.rules().size()) {
                    throw new NftError(NftError.Fn.RULE_REPLACE, NftError.E2BIG, lineno);
                }
                c.rules().set(idx, stored(r));
                added.add(new Added(p.chain, lineno, 2));
                verbose(p, r);
            }
            case ParsedCommand.CMD_DELETE, ParsedCommand.CMD_CHECK -> {
                boolean check = p.command == ParsedCommand.CMD_CHECK;
                NftError.Fn fn = check ? NftError.Fn.RULE_CHECK : NftError.Fn.RULE_DELETE;
                for (Rule r : p.rules()) {
                    assertJumpTarget(def, p);
                    TableEdit.EditChain c = chain(def, p.chain);
                    if (c == null) {
                        throw new NftError(fn, NftError.ENOENT, lineno);
                    }
                    int i = find(c.rules(), r);
                    if (i < 0) {
                        throw new NftError(fn, NftError.ENOENT, lineno);
                    }
                    verbose(p, c.rules().get(i));
                    if (!check) {
                        c.rules().remove(i);
                    }
                }
            }
            case ParsedCommand.CMD_DELETE_NUM -> {
                TableEdit.EditChain c = chain(def, p.chain);
                if (c == null) {
                    throw new NftError(NftError.Fn.RULE_DELETE_NUM, NftError.ENOENT, lineno);
                }
                if (p.rulenum - 1 >= c.rules().size()) {
                    throw new NftError(NftError.Fn.RULE_DELETE_NUM, NftError.E2BIG, lineno);
                }
                c.rules().remove(p.rulenum - 1);
            }
            case ParsedCommand.CMD_FLUSH -> flush(def, p, lineno);
            case ParsedCommand.CMD_ZERO -> zero(def, p.chain, p.verbose > 0, lineno, false);
            case ParsedCommand.CMD_ZERO_NUM -> zeroNum(def, p.chain, p.rulenum, lineno);
            case ParsedCommand.CMD_NEW_CHAIN -> {
                TableEdit t = edit.table(def);
                if (chainExists(def, p.chain)) {
                    throw new NftError(NftError.Fn.CHAIN_USER_ADD, NftError.EEXIST, lineno);
                }
                t.addUserChain(p.chain);
            }
            case ParsedCommand.CMD_DELETE_CHAIN -> deleteChain(def, p, lineno);
            case ParsedCommand.CMD_RENAME_CHAIN -> rename(def, p.chain, p.newname, lineno);
            case ParsedCommand.CMD_SET_POLICY -> setPolicy(def, p.chain, p.policy,
                    p.countersSet ? new long[] {p.pcnt, p.bcnt} : null, lineno);
            case ParsedCommand.CMD_LIST, ParsedCommand.CMD_LIST | ParsedCommand.CMD_ZERO,
                 ParsedCommand.CMD_LIST | ParsedCommand.CMD_ZERO_NUM -> {
                list(def, p, lineno);
                zeroAfter(def, p, lineno);
            }
            case ParsedCommand.CMD_LIST_RULES, ParsedCommand.CMD_LIST_RULES | ParsedCommand.CMD_ZERO,
                 ParsedCommand.CMD_LIST_RULES | ParsedCommand.CMD_ZERO_NUM -> {
                listRules(def, p, lineno);
                zeroAfter(def, p, lineno);
            }
            case ParsedCommand.CMD_NONE -> {
            }
            default -> throw new CommandParser.TryHelp(2);
        }
    }

    /**
     * The rule as the kernel keeps it (see {@link dev.hairpin.rules.Match#stored()}): -C and -D
     * compare the rule as given with that, so a value the kernel changes is not found again.
     */
    private static Rule stored(Rule r) {
        List<dev.hairpin.rules.Match> out = null;
        for (int i = 0; i < r.matches().size(); i++) {
            dev.hairpin.rules.Match m = r.matches().get(i);
            dev.hairpin.rules.Match s = m.stored();
            if (s != m) {
                if (out == null) {
                    out = new ArrayList<>(r.matches());
                }
                out.set(i, s);
            }
        }
        return out == null ? r : new Rule(r.ip(), List.copyOf(out), r.kind(), r.chain(), r.target(), r.counter());
    }

    /** with -v, iptables-nft prints each rule it adds, deletes or finds */
    private void verbose(ParsedCommand p, Rule r) {
        if (p.has(ParsedCommand.OPT_VERBOSE)) {
            RuleFormat.list(out, 0, r, RuleFormat.FMT_PRINT_RULE);
        }
    }

    private void zeroAfter(TableDef def, ParsedCommand p, int lineno) {
        if ((p.command & ParsedCommand.CMD_ZERO) != 0) {
            zero(def, p.chain, p.verbose > 0, lineno, true);
        }
        if ((p.command & ParsedCommand.CMD_ZERO_NUM) != 0) {
            zeroNum(def, p.chain, p.rulenum, lineno);
        }
    }

    /** assert_chain_exists() for a -j/-g naming a chain */
    private void assertJumpTarget(TableDef def, ParsedCommand p) {
        if (p.target == null && !p.jumpto.isEmpty() && (p.gotoSet || !dev.hairpin.rules.ext.Extensions.STANDARD
                .contains(p.jumpto))) {
            if (!chainExists(def, p.jumpto)) {
                throw XtError.param("Chain '" + p.jumpto + "' does not exist");
            }
        }
    }

    /** the first rule that is the same as {@code r} (nft_rule_cmp: same IP part, matches, target) */
    static int find(List<Rule> rules, Rule r) {
        String want = key(r);
        for (int i = 0; i < rules.size(); i++) {
            if (key(rules.get(i)).equals(want)) {
                return i;
            }
        }
        return -1;
    }

    private static String key(Rule r) {
        StringBuilder sb = new StringBuilder();
        RuleFormat.save(sb, "", r, 0);
        for (dev.hairpin.rules.Match m : r.matches()) {
            m.identity(sb);
        }
        return sb.toString();
    }

    private void flush(TableDef def, ParsedCommand p, int lineno) {
        if (p.chain != null || p.verbose > 0) {
            edit.table(def);
        } else if (edit.existing(def) == null) {
            return;
        }
        TableEdit t = edit.table(def);
        if (p.chain != null) {
            TableEdit.EditChain c = t.chain(p.chain);
            if (c == null) {
                throw new NftError(NftError.Fn.OTHER, NftError.ENOENT, lineno);
            }
            if (p.verbose > 0) {
                out.append("Flushing chain `").append(p.chain).append("'\n");
            }
            // flushing a built-in chain by name makes it (recorded with nft list)
            c.setInKernel(true);
            c.rules().clear();
            return;
        }
        for (String name : sortedNames(t)) {
            if (p.verbose > 0) {
                out.append("Flushing chain `").append(name).append("'\n");
                // flushing chain by chain makes the built-ins it names (recorded with nft list)
                t.chain(name).setInKernel(true);
            }
            t.chain(name).rules().clear();
        }
    }

    /** chain names as nft_chain_foreach() walks them: built-ins by hook, then user chains sorted */
    private static List<String> sortedNames(TableEdit t) {
        List<String> builtins = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (TableEdit.EditChain c : t.chains()) {
            (c.builtin() ? builtins : users).add(c.name());
        }
        builtins.sort((a, b) -> Integer.compare(Hooks.ofChain(a), Hooks.ofChain(b)));
        users.sort(Table::compareNames);
        builtins.addAll(users);
        return builtins;
    }

    /**
     * nft_chain_zero_counters(): with -v, "Zeroing chain `X'" per chain, in listing order. Only
     * the chains the kernel has, unless a listing (-L -Z) added the built-ins it shows anyway.
     */
    private void zero(TableDef def, String chain, boolean verbose, int lineno, boolean listing) {
        TableEdit t = edit.existing(def);
        if (chain != null) {
            TableEdit.EditChain c = t == null ? null : t.chain(chain);
            if (c == null || (!c.inKernel() && !listing)) {
                int hook = Hooks.ofChain(chain);
                if (t == null && listing && hook >= 0 && def.hasHook(hook)) {
                    // a built-in chain of a table not created yet: all its counters are zero anyway
                    if (verbose) {
                        out.append("Zeroing chain `").append(chain).append("'\n");
                    }
                    return;
                }
                throw new NftError(NftError.Fn.OTHER, NftError.ENOENT, lineno);
            }
            if (verbose) {
                out.append("Zeroing chain `").append(chain).append("'\n");
            }
            zeroChain(def, c);
            return;
        }
        if (t == null && listing) {
            // -L -Z before the table exists: the listing shows the built-ins from iptables-nft's
            // cache, zeroing them goes to the kernel, which has none (recorded: rc 4)
            String first = null;
            for (int hook = 0; hook < 5; hook++) {
                if (def.hasHook(hook)) {
                    String name = Hooks.chainName(hook);
                    first = first == null ? name : first;
                    if (verbose) {
                        out.append("Zeroing chain `").append(name).append("'\n");
                    }
                }
            }
            if (first != null) {
                throw new NftError("CHAIN_ZERO", "No such file or directory", "chain " + first, lineno);
            }
        }
        if (t != null) {
            for (String name : sortedNames(t)) {
                if (!listing && !t.chain(name).inKernel()) {
                    // nft_chain_foreach() walks the chains the kernel has
                    continue;
                }
                if (verbose) {
                    out.append("Zeroing chain `").append(name).append("'\n");
                }
                zeroChain(def, t.chain(name));
            }
        }
    }

    /** the tables an iptables-restore without --noflush flushed in this batch */
    private final java.util.Set<TableDef> restoreFlushed = java.util.EnumSet.noneOf(TableDef.class);

    /** iptables-restore flushed this table: its built-ins are in iptables-nft's cache as made fresh */
    void flushedByRestore(TableDef def) {
        restoreFlushed.add(def);
    }

    /** commands come from an iptables-restore file */
    private boolean restoring;

    void restoring() {
        restoring = true;
    }

    private void zeroChain(TableDef def, TableEdit.EditChain c) {
        if (c.builtin() && restoring) {
            // iptables-nft zeroes a chain by sending its cached copy again: the kernel's as the
            // batch began, or, for a built-in made in this batch (or in a table the file flushed),
            // one with policy ACCEPT; so a -Z in a restore file undoes its :CHAIN DROP (recorded)
            Table before = restoreFlushed.contains(def) ? null : edit.base(def);
            boolean had = before != null && !before.notInKernel().contains(c.name());
            c.setPolicy(had ? before.chain(c.name()).policy() : Verdict.NF_ACCEPT);
        }
        zeroChain(c);
    }

    /** nft_chain_zero_counters(): only rules with a non-zero counter are replaced (and so restarted) */
    private static void zeroChain(TableEdit.EditChain c) {
        c.policyCounter().zero();
        for (Rule r : c.rules()) {
            if (r.counter().packets() != 0 || r.counter().bytes() != 0) {
                restart(r);
            }
            r.counter().zero();
        }
    }

    private static void restart(Rule r) {
        for (var m : r.matches()) {
            m.restart();
        }
    }

    private void zeroNum(TableDef def, String chain, int rulenum, int lineno) {
        TableEdit.EditChain c = chain(def, chain);
        if (c == null || !c.inKernel()) {
            // nft_rule_zero_counters() finds no such chain in the kernel; iptables-restore then
            // says only "line N failed" (recorded)
            throw new NftError(NftError.Fn.RULE_DELETE, lineno > 0 ? 0 : NftError.ENOENT, lineno);
        }
        if (rulenum - 1 >= c.rules().size()) {
            // past the last rule of a chain that exists: no error and nothing zeroed (recorded)
            return;
        }
        Rule r = c.rules().get(rulenum - 1);
        restart(r);
        r.counter().zero();
    }

    private void deleteChain(TableDef def, ParsedCommand p, int lineno) {
        TableEdit t = edit.existing(def);
        if (p.chain != null) {
            TableEdit.EditChain c = t == null ? null : t.chain(p.chain);
            if (c == null || !c.inKernel()) {
                throw new NftError(NftError.Fn.CHAIN_DEL, NftError.ENOENT, lineno);
            }
            if (c.builtin()) {
                if (c.policy() != Verdict.NF_ACCEPT) {
                    throw new NftError(NftError.Fn.CHAIN_DEL, NftError.EBUSY, lineno);
                }
                if (!c.rules().isEmpty()) {
                    // iptables-nft sends the deletion; the kernel refuses a chain with rules (recorded)
                    throw new NftError("CHAIN_DEL", "Device or resource busy", "chain " + c.name(), lineno);
                }
                unmake(c);
                return;
            }
            if (p.verbose > 0) {
                out.append("Deleting chain `").append(p.chain).append("'\n");
            }
            if (restoring) {
                // nft_chain_user_del() drops the chain from iptables-restore's cache and queues the
                // deletion; the kernel refuses it at the commit if it is still in use, while the
                // lines after it no longer see the chain (recorded: -X web, then -A web is ENOENT)
                boolean busy = !c.rules().isEmpty() || t.references(c.name()) > 0;
                t.removeChain(c.name());
                if (busy) {
                    throw new NftError("CHAIN_DEL", "Device or resource busy", "chain " + c.name(), lineno);
                }
                return;
            }
            deleteUser(t, c, lineno);
            return;
        }
        if (t == null) {
            return;
        }
        List<String> names = sortedNames(t);
        for (String n : names) {
            TableEdit.EditChain c = t.chain(n);
            if (!c.builtin() && p.verbose > 0) {
                out.append("Deleting chain `").append(n).append("'\n");
            }
        }
        // the kernel deletes in its own order, the chains' creation order, and the first chain
        // still in use is the one named (recorded); the batch then deletes none
        List<TableEdit.EditChain> created = new ArrayList<>();
        t.chains().forEach(created::add);
        for (TableEdit.EditChain c : created) {
            if (!c.builtin()) {
                deleteUser(t, c, lineno);
            }
        }
        // nft_may_delete_chain(): built-ins without rules whose policy is ACCEPT go too
        for (TableEdit.EditChain c : created) {
            if (c.builtin() && c.rules().isEmpty() && c.policy() == Verdict.NF_ACCEPT) {
                unmake(c);
            }
        }
    }

    /** the kernel deletes a built-in chain: iptables-nft makes it again on demand, counters fresh */
    private static void unmake(TableEdit.EditChain c) {
        c.setInKernel(false);
        c.policyCounter().zero();
    }

    /**
     * nft_cmd_table_flush() of a verbose iptables-restore: flush every chain, then delete every
     * chain (user chains with "Deleting chain", built-ins silently unless their policy is not
     * ACCEPT, which nft_may_delete_chain() keeps), instead of dropping the table wholesale.
     */
    void tableFlushVerbose(TableDef def) {
        TableEdit t = edit.table(def);
        List<String> names = sortedNames(t);
        for (String n : names) {
            out.append("Flushing chain `").append(n).append("'\n");
            t.chain(n).rules().clear();
        }
        for (String n : names) {
            TableEdit.EditChain c = t.chain(n);
            if (!c.builtin()) {
                out.append("Deleting chain `").append(n).append("'\n");
                t.removeChain(n);
            } else if (c.policy() == Verdict.NF_ACCEPT) {
                // deleted and made again on demand: a fresh counter
                unmake(c);
            }
        }
    }

    /** the kernel refuses to delete a chain that has rules or is jumped to */
    private static void deleteUser(TableEdit t, TableEdit.EditChain c, int lineno) {
        if (!c.rules().isEmpty() || t.references(c.name()) > 0) {
            throw new NftError("CHAIN_DEL", "Device or resource busy", "chain " + c.name(), lineno);
        }
        t.removeChain(c.name());
    }

    private void rename(TableDef def, String from, String to, int lineno) {
        if (chainExists(def, to)) {
            throw new NftError(NftError.Fn.CHAIN_USER_RENAME, NftError.EEXIST, lineno);
        }
        TableEdit t = edit.existing(def);
        TableEdit.EditChain c = t == null ? null : t.chain(from);
        if (c == null || c.builtin()) {
            throw new NftError(NftError.Fn.CHAIN_USER_RENAME, NftError.ENOENT, lineno);
        }
        t.renameChain(from, to);
        // the rules jumping there follow the chain (nf_tables keeps them by handle)
        for (TableEdit.EditChain ec : t.chains()) {
            List<Rule> rules = ec.rules();
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.get(i);
                if (from.equals(r.chain())) {
                    Rule n = new Rule(r.ip(), r.matches(), r.kind(), to, null, r.counter());
                    rules.set(i, n);
                }
            }
        }
    }

    void setPolicy(TableDef def, String chain, String policy, long[] counters, int lineno) {
        int v;
        if ("DROP".equals(policy)) {
            v = Verdict.NF_DROP;
        } else if ("ACCEPT".equals(policy)) {
            v = Verdict.NF_ACCEPT;
        } else if ("-".equals(policy)) {
            v = -1;
        } else {
            throw new NftError(NftError.Fn.CHAIN_SET, NftError.EINVAL, lineno);
        }
        int hook = Hooks.ofChain(chain);
        TableEdit t = edit.table(def);
        if (hook < 0 || !def.hasHook(hook)) {
            throw new NftError(NftError.Fn.CHAIN_SET, NftError.ENOENT, lineno);
        }
        TableEdit.EditChain c = t.chain(chain);
        c.setInKernel(true);
        if (v >= 0) {
            c.setPolicy(v);
        }
        if (counters != null) {
            t.setPolicyCounters(chain, counters[0], counters[1]);
        }
    }

    /** The table as the listing commands see it: fake built-ins when it does not exist. */
    private Table snapshot(TableDef def) {
        TableEdit t = edit.existing(def);
        return t == null ? Table.empty(def) : t.build();
    }

    private void list(TableDef def, ParsedCommand p, int lineno) {
        int format = RuleFormat.FMT_OPTIONS;
        if (!p.has(ParsedCommand.OPT_VERBOSE)) {
            format |= RuleFormat.FMT_NOCOUNTS;
        } else {
            format |= RuleFormat.FMT_VIA;
        }
        if (p.has(ParsedCommand.OPT_NUMERIC)) {
            format |= RuleFormat.FMT_NUMERIC;
        }
        if (!p.has(ParsedCommand.OPT_EXPANDED)) {
            format |= RuleFormat.FMT_KILOMEGAGIGA;
        }
        if (p.has(ParsedCommand.OPT_LINENUMBERS)) {
            format |= RuleFormat.FMT_LINENUMBERS;
        }
        Table t = snapshot(def);
        if (p.chain != null) {
            Chain c = t.chain(p.chain);
            if (c == null) {
                throw missingListed(def, p.chain, lineno);
            }
            if (p.rulenum != 0) {
                if (p.rulenum <= c.rules().size()) {
                    RuleFormat.list(out, p.rulenum, c.rules().get(p.rulenum - 1), format);
                }
                return;
            }
            RuleFormat.header(out, format, c, t.references(c.name()));
            listRules(c, format);
            return;
        }
        boolean first = true;
        for (Chain c : t.chains()) {
            if (!first) {
                out.append('\n');
            }
            first = false;
            RuleFormat.header(out, format, c, t.references(c.name()));
            listRules(c, format);
        }
    }

    /**
     * Listing a chain that does not exist: iptables-nft 1.8.9 asks nft_is_table_compatible()
     * first, which fails for a missing chain, whether the table exists or not (recorded).
     */
    private RuntimeException missingListed(TableDef def, String chain, int lineno) {
        return new XtError(XtError.OTHER_PROBLEM, "chain `" + chain + "' in table `" + def.tableName()
                + "' is incompatible, use 'nft' tool.");
    }

    private void listRules(Chain c, int format) {
        int n = 0;
        for (Rule r : c.rules()) {
            RuleFormat.list(out, ++n, r, format);
        }
    }

    private void listRules(TableDef def, ParsedCommand p, int lineno) {
        int counters = p.has(ParsedCommand.OPT_VERBOSE) ? RuleFormat.SAVE_COUNTERS_C : 0;
        Table t = snapshot(def);
        if (p.chain != null) {
            Chain c = t.chain(p.chain);
            if (c == null) {
                throw missingListed(def, p.chain, lineno);
            }
            if (p.rulenum == 0) {
                chainLine(out, c, counters != 0);
                for (Rule r : c.rules()) {
                    RuleFormat.save(out, c.name(), r, counters);
                }
            } else if (p.rulenum <= c.rules().size()) {
                RuleFormat.save(out, c.name(), c.rules().get(p.rulenum - 1), counters);
            }
            return;
        }
        for (Chain c : t.chains()) {
            chainLine(out, c, counters != 0);
        }
        for (Chain c : t.chains()) {
            for (Rule r : c.rules()) {
                RuleFormat.save(out, c.name(), r, counters);
            }
        }
    }

    /** nft_rule_list_chain_save(): "-P NAME POLICY [-c p b]" or "-N NAME" */
    static void chainLine(StringBuilder sb, Chain c, boolean counters) {
        if (!c.builtin()) {
            sb.append("-N ").append(c.name()).append('\n');
            return;
        }
        sb.append("-P ").append(c.name()).append(' ').append(c.policyName());
        if (counters) {
            Counter k = c.policyCounter();
            sb.append(" -c ").append(Long.toUnsignedString(k.packets())).append(' ')
                    .append(Long.toUnsignedString(k.bytes()));
        }
        sb.append('\n');
    }

    /**
     * Compiles every touched table. When the kernel would refuse one, the rules this executor
     * added are blamed: the first when its own check failed, else every one, as nf_tables
     * validates the table again at each rule added once it is invalid (right for one command;
     * iptables-restore narrows the blame, see {@link #refused}).
     */
    Map<TableDef, Table> build() {
        try {
            return edit.built();
        } catch (RuleCheckException e) {
            throw refused(e, 0);
        }
    }

    /** the kernel's errors for rules refused by their own checks: every rule each line added */
    NftError refusedLines(List<Map.Entry<Integer, RuleCheckException>> lines) {
        List<NftError.Failure> fs = new ArrayList<>();
        for (Map.Entry<Integer, RuleCheckException> l : lines) {
            for (Added a : added) {
                if (a.line() == l.getKey()) {
                    fs.add(new NftError.Failure(BATCH_TYPES[a.type()], l.getValue().errno().text, "rule in chain " + a.chain(), a.line()));
                }
            }
        }
        return new NftError(fs);
    }

    /** the kernel's errors for the rules added from input line {@code fromLine} on */
    NftError refused(RuleCheckException e, int fromLine) {
        List<NftError.Failure> fs = new ArrayList<>();
        for (Added a : added) {
            if (a.line() >= fromLine) {
                fs.add(new NftError.Failure(BATCH_TYPES[a.type()], e.errno().text, "rule in chain " + a.chain(), a.line()));
                if (!e.validation()) {
                    // the rule's own check failed: it alone is refused (recorded with -s a,b)
                    break;
                }
            }
        }
        if (fs.isEmpty()) {
            fs.add(new NftError.Failure("RULE_APPEND", e.errno().text, "rule in chain " + e.chain(), 0));
        }
        return new NftError(fs);
    }
}
