package dev.hairpin.rules.iptables;

import dev.hairpin.packet.Hooks;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.TableEdit;
import dev.hairpin.rules.ext.XtError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code iptables-restore} of iptables-nft 1.8.9 (xtables-restore.c) over a {@link Ruleset}.
 * Lines are parsed as they come (so a bad option fails at its line with iptables' message and
 * "Error occurred at line: N"); what a table's lines ask for is carried out at its COMMIT, as
 * nf_tables does, with the same messages ("line N failed: ...", "Chain 'X' does not exist").
 *
 * <p>Unlike the real tool, which commits each table at its COMMIT line, the whole input is one
 * transaction here: the ruleset changes only when every line of it is valid (or never, with
 * {@code --test}).
 */
public final class IptablesRestore {
    private static final String PROG = "iptables-restore";
    /** fgets() buffer of xtables_restore_parse(): longer lines are read in pieces */
    private static final int BUFSIZE = 10240;

    private IptablesRestore() {}

    /**
     * @param counters {@code -c}: take the [pkts:bytes] of chain and rule lines
     * @param noflush  {@code -n}: add to the tables instead of replacing them
     * @param test     {@code -t}: only check the input
     * @param table    {@code -T}: restore only this table, null for all
     */
    public record Options(boolean counters, boolean noflush, boolean test, String table) {
        public static Options defaults() {
            return new Options(false, false, false, null);
        }
    }

    /** A queued action of a table, carried out at its COMMIT (nft_cmd). */
    private record Cmd(int line, String kind, String chain, String policy, long[] counters, ParsedCommand rule) {}

    public static Iptables.Result restore(Ruleset rs, String input) {
        return restore(rs, input, Options.defaults());
    }

    public static Iptables.Result restore(Ruleset rs, String input, Options o) {
        synchronized (rs) {
            Run r = new Run(rs, o);
            StringBuilder err = new StringBuilder();
            int status = r.run(input, err);
            return new Iptables.Result(r.out.toString(), err.toString(), status);
        }
    }

    /** One restore run. */
    private static final class Run {
        final Ruleset rs;
        final Options o;
        final Ruleset.Edit edit;
        final Executor ex;
        final StringBuilder out = new StringBuilder();
        final List<Cmd> queue = new ArrayList<>();
        TableDef curtable;
        boolean inTable;
        int line;

        Run(Ruleset rs, Options o) {
            this.rs = rs;
            this.o = o;
            this.edit = rs.edit();
            this.ex = new Executor(edit);
        }

        int run(String input, StringBuilder err) {
            try {
                for (String buffer : lines(input)) {
                    line++;
                    if (!parseLine(buffer)) {
                        err.append(PROG).append(": line ").append(line).append(" failed\n");
                        return 1;
                    }
                }
                if (inTable) {
                    err.append(PROG).append(": COMMIT expected at line ").append(line + 1).append('\n');
                    return 1;
                }
                if (!o.test()) {
                    rs.commit(edit, ex.build());
                }
                out.append(ex.out);
                return 0;
            } catch (XtError e) {
                return Iptables.render(err, e, PROG, line);
            } catch (CommandParser.TryHelp e) {
                Iptables.tryHelp(err, PROG, line);
                return e.status;
            } catch (NftError e) {
                if (e.isBatch()) {
                    err.append(PROG).append(" v").append(Iptables.VERSION).append(": ").append(e.batchMessage())
                            .append('\n');
                    return XtError.RESOURCE_PROBLEM;
                }
                err.append(PROG).append(": line ").append(e.lineno).append(" failed");
                if (e.errno != 0) {
                    err.append(": ").append(e.strerror()).append('.');
                }
                err.append('\n');
                return 1;
            } catch (CommandParser.VersionRequested e) {
                out.append(e.inverted ? "Not " + Iptables.VERSION + " ;-)\n" : PROG + " v" + Iptables.VERSION + "\n");
                return 0;
            } catch (CommandParser.HelpRequested e) {
                out.append(Help.text(PROG));
                return 0;
            }
        }

        /** what fgets() returns line by line, newline included */
        static List<String> lines(String input) {
            List<String> out = new ArrayList<>();
            int i = 0;
            int n = input.length();
            while (i < n) {
                int nl = input.indexOf('\n', i);
                int end = nl < 0 ? n : nl + 1;
                while (end - i > BUFSIZE - 1) {
                    out.add(input.substring(i, i + BUFSIZE - 1));
                    i += BUFSIZE - 1;
                }
                out.add(input.substring(i, end));
                i = end;
            }
            return out;
        }

        /** xtables_restore_parse_line(); false when the line "failed" without a message of its own */
        boolean parseLine(String buffer) {
            if (buffer.startsWith("\n")) {
                return true;
            }
            if (buffer.startsWith("#")) {
                return true;
            }
            if (inTable && buffer.startsWith("COMMIT") && (buffer.length() == 6 || buffer.charAt(6) == '\n')) {
                if (!o.test()) {
                    commit();
                } else {
                    queue.clear();
                }
                inTable = false;
                return true;
            }
            if (buffer.startsWith("*") && !inTable) {
                String table = firstToken(buffer.substring(1));
                if (table == null) {
                    throw XtError.param(PROG + ": line " + line + " table name invalid");
                }
                TableDef d = TableDef.byName(table);
                if (d == null) {
                    throw XtError.param(PROG + ": line " + line + " table name '" + table + "' invalid");
                }
                curtable = d;
                if (o.table() != null && !o.table().equals(table)) {
                    return true;
                }
                if (!o.noflush()) {
                    queue.add(new Cmd(line, "flush", null, null, null, null));
                }
                inTable = true;
                return true;
            }
            if (buffer.startsWith(":") && inTable) {
                chainLine(buffer);
                return true;
            }
            if (inTable) {
                ruleLine(buffer);
                return true;
            }
            return o.table() != null && curtable != null && !o.table().equals(curtable.tableName());
        }

        private static String firstToken(String s) {
            String[] t = tokens(s);
            return t.length == 0 ? null : t[0];
        }

        /** strtok(s, " \t\n") */
        private static String[] tokens(String s) {
            List<String> out = new ArrayList<>();
            for (String t : s.split("[ \t\n]+")) {
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
            return out.toArray(new String[0]);
        }

        private void chainLine(String buffer) {
            String[] t = tokens(buffer.substring(1));
            if (t.length == 0) {
                throw XtError.param(PROG + ": line " + line + " chain name invalid");
            }
            String chain = t[0];
            CommandParser.assertValidChainName(chain);
            if (t.length < 2) {
                throw XtError.param(PROG + ": line " + line + " policy invalid");
            }
            String policy = t[1];
            int hook = Hooks.ofChain(chain);
            if (hook >= 0 && curtable.hasHook(hook)) {
                long[] counters = null;
                if (o.counters()) {
                    counters = t.length > 2 ? parseCounters(t[2]) : null;
                    if (counters == null) {
                        throw XtError.param("invalid policy counters for chain '" + chain + "'");
                    }
                }
                queue.add(new Cmd(line, "policy", chain, policy, counters, null));
            } else {
                queue.add(new Cmd(line, "chain", chain, null, null, null));
            }
        }

        /** sscanf("[%llu:%llu]"); null when it does not read both numbers */
        static long[] parseCounters(String s) {
            if (!s.startsWith("[")) {
                return null;
            }
            int colon = s.indexOf(':');
            if (colon < 0) {
                return null;
            }
            Long p = CommandParser.scanU64(s.substring(1, colon));
            String rest = s.substring(colon + 1);
            Long b = CommandParser.scanU64(rest);
            if (p == null || b == null || s.substring(1, colon).isBlank()) {
                return null;
            }
            return new long[] {p, b};
        }

        private void ruleLine(String buffer) {
            List<String> argv = new ArrayList<>();
            argv.add(PROG);
            argv.add("-t");
            argv.add(curtable.tableName());
            String parsestart = buffer;
            if (buffer.startsWith("[")) {
                int close = buffer.indexOf(']');
                if (close < 0) {
                    throw XtError.param("Bad line " + line + ": need ]");
                }
                String inner = buffer.substring(1, close);
                int colon = inner.indexOf(':');
                String pcnt = colon < 0 ? inner : inner.substring(0, colon);
                String bcnt = colon < 0 ? "" : inner.substring(colon + 1);
                if (pcnt.isEmpty() && colon < 0) {
                    throw XtError.param("Bad line " + line + ": need :");
                }
                if (colon < 0 || bcnt.isEmpty()) {
                    throw XtError.param("Bad line " + line + ": need ]");
                }
                if (o.counters()) {
                    argv.add("--set-counters");
                    argv.add(pcnt);
                    argv.add(bcnt);
                }
                parsestart = buffer.substring(close + 1);
            }
            addParams(argv, parsestart);
            ParsedCommand p = new CommandParser(argv, true, line, PROG).withIpsets(rs.ipsets()::contains).parse();
            Executor.tableDef(p.table);
            queue.add(new Cmd(line, "rule", null, null, null, p));
        }

        /** add_param_to_argv(): split on blanks, with "double quotes" and \ escapes inside them */
        static void addParams(List<String> argv, String s) {
            StringBuilder param = new StringBuilder();
            boolean quoteOpen = false;
            boolean escaped = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quoteOpen) {
                    if (escaped) {
                        add(param, c);
                        escaped = false;
                        continue;
                    } else if (c == '\\') {
                        escaped = true;
                        continue;
                    } else if (c == '"') {
                        quoteOpen = false;
                    } else {
                        add(param, c);
                        continue;
                    }
                } else if (c == '"') {
                    quoteOpen = true;
                    continue;
                }
                if (c == '"') {
                    continue;
                }
                if (c == ' ' || c == '\t' || c == '\n') {
                    if (param.isEmpty()) {
                        continue;
                    }
                    argv.add(param.toString());
                    param.setLength(0);
                    continue;
                }
                add(param, c);
            }
            if (!param.isEmpty()) {
                argv.add(param.toString());
            }
        }

        private static void add(StringBuilder param, char c) {
            param.append(c);
            if (param.length() >= 1024) {
                throw XtError.param("Parameter too long!");
            }
        }

        /** nft_commit(): the table's queued actions in order */
        private void commit() {
            try {
                for (Cmd c : queue) {
                    switch (c.kind()) {
                        case "flush" -> edit.delete(curtable);
                        case "policy" -> ex.setPolicy(curtable, c.chain(), c.policy(), c.counters(), c.line());
                        case "chain" -> {
                            TableEdit t = edit.table(curtable);
                            TableEdit.EditChain ec = t.chain(c.chain());
                            if (ec == null) {
                                t.addUserChain(c.chain());
                            } else {
                                ec.rules().clear();
                            }
                        }
                        default -> ex.execute(c.rule(), c.line());
                    }
                }
            } finally {
                queue.clear();
            }
            // the kernel checks the table when the batch is sent
            Map<TableDef, Table> ignored = ex.build();
            assert ignored != null;
        }
    }
}
