package dev.hairpin.rules.iptables;

import dev.hairpin.packet.Hooks;
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
     * @param verbose  {@code -v}: echo comment lines, each flushed and deleted chain and (without
     *                 --noflush) each rule, as iptables-restore -v does
     */
    public record Options(boolean counters, boolean noflush, boolean test, String table, boolean verbose) {
        public Options(boolean counters, boolean noflush, boolean test, String table) {
            this(counters, noflush, test, table, false);
        }

        public static Options defaults() {
            return new Options(false, false, false, null, false);
        }
    }

    /** A queued action of a table, carried out at its COMMIT (nft_cmd). */
    private record Cmd(int line, String kind, String chain, String policy, long[] counters, ParsedCommand rule) {}

    private static final List<ToolGetopt.Long> LONG_OPTS = List.of(
            new ToolGetopt.Long("counters", Getopt.NO_ARG, 'c'), new ToolGetopt.Long("verbose", Getopt.NO_ARG, 'v'),
            new ToolGetopt.Long("version", Getopt.NO_ARG, 'V'), new ToolGetopt.Long("test", Getopt.NO_ARG, 't'),
            new ToolGetopt.Long("help", Getopt.NO_ARG, 'h'), new ToolGetopt.Long("noflush", Getopt.NO_ARG, 'n'),
            new ToolGetopt.Long("modprobe", Getopt.REQUIRED, 'M'), new ToolGetopt.Long("table", Getopt.REQUIRED, 'T'),
            new ToolGetopt.Long("ipv4", Getopt.NO_ARG, '4'), new ToolGetopt.Long("ipv6", Getopt.NO_ARG, '6'),
            new ToolGetopt.Long("wait", Getopt.OPTIONAL, 'w'),
            new ToolGetopt.Long("wait-interval", Getopt.OPTIONAL, 'W'));

    /**
     * The {@code iptables-restore} command line (xtables_restore_main): options as it takes them
     * (arguments after the program name), the input from the file named, else {@code stdin}.
     */
    public static Iptables.Result command(Ruleset rs, List<String> args, String stdin) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        boolean counters = false;
        boolean verbose = false;
        boolean test = false;
        boolean noflush = false;
        String table = null;
        ToolGetopt g = new ToolGetopt(PROG, args, "bcvVthnM:T:wW", LONG_OPTS, err);
        for (int c; (c = g.next()) != -1; ) {
            switch (c) {
                case 'b' -> err.append("-b/--binary option is not implemented\n");
                case 'c' -> counters = true;
                case 'v' -> verbose = true;
                case 'V' -> {
                    return new Iptables.Result(PROG + " v" + Iptables.VERSION + "\n", err.toString(), 0);
                }
                case 't' -> test = true;
                case 'h' -> {
                    err.append(USAGE);
                    return new Iptables.Result("", err.toString(), 0);
                }
                case 'n' -> noflush = true;
                case 'M' -> {
                    // the modprobe program: nothing to load here
                }
                case 'T' -> table = g.optarg;
                case 'w', 'W' -> {
                    // ignored by xtables-restore, with its optional argument given apart
                    if (g.optarg == null && g.nextIsArgument()) {
                        g.skip();
                    }
                }
                default -> {
                    err.append("Try `").append(PROG).append(" -h' for more information.\n");
                    return new Iptables.Result("", err.toString(), 1);
                }
            }
        }
        String input = stdin;
        if (g.operands.size() == 1) {
            String file = g.operands.get(0);
            try {
                // bytes, not strict UTF-8: xtables-restore reads any bytes (garbage fails its line,
                // a stray byte in a comment is kept); malformed sequences become U+FFFD here
                input = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(file)),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException | RuntimeException e) {
                err.append("Can't open ").append(file).append(": ").append(strerror(e)).append('\n');
                return new Iptables.Result("", err.toString(), 1);
            }
        } else if (g.operands.size() > 1) {
            err.append("Unknown arguments found on commandline\n");
            return new Iptables.Result("", err.toString(), 1);
        }
        Iptables.Result r = restore(rs, input == null ? "" : input,
                new Options(counters, noflush, test, table, verbose));
        return new Iptables.Result(r.stdout(), err + r.stderr(), r.exitCode());
    }

    private static String strerror(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e instanceof java.io.IOException && e.getMessage() != null
                && e.getMessage().contains("Is a directory") ? "Is a directory" : "Input/output error";
    }

    private static final String USAGE = "Usage: " + PROG
            + " [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] [-4] [-6] [file]\n"
            + "\t   [ --counters ]\n"
            + "\t   [ --verbose ]\n"
            + "\t   [ --version]\n"
            + "\t   [ --test ]\n"
            + "\t   [ --help ]\n"
            + "\t   [ --noflush ]\n"
            + "\t   [ --table=<TABLE> ]\n"
            + "\t   [ --modprobe=<command> ]\n"
            + "\t   [ --ipv4 ]\n"
            + "\t   [ --ipv6 ]\n";

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
        /** stderr, where the parsers' warnings go as lines are read */
        StringBuilder warnings = new StringBuilder();
        /** the executor of the table being committed (its output is drained into {@link #out}) */
        Executor ex;
        final StringBuilder out = new StringBuilder();
        final List<Cmd> queue = new ArrayList<>();
        TableDef curtable;
        boolean inTable;
        int line;

        Run(Ruleset rs, Options o) {
            this.rs = rs;
            this.o = o;
            this.ex = new Executor(rs.edit());
        }

        int run(String input, StringBuilder err) {
            warnings = err;
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
                drain();
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
                out.append(Help.text(PROG)).append(Help.extensions(e.blocks));
                return 0;
            } finally {
                drain();
            }
        }

        /** what the commands carried out so far printed, in order with the echoed comments */
        private void drain() {
            out.append(ex.out);
            ex.out.setLength(0);
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
                if (o.verbose()) {
                    drain();
                    out.append(buffer);
                }
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
                    queue.add(new Cmd(line, o.verbose() ? "flushv" : "flush", null, null, null, null));
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
                // xtables-restore passes the policy's counters, zero without -c: a restore
                // (even with --noflush) resets them
                long[] counters = {0, 0};
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
            if (o.verbose() && !o.noflush()) {
                argv.add("-v");
            }
            String parsestart = buffer;
            if (buffer.startsWith("[")) {
                // as xtables_restore_parse_line() does it with strtok(), which writes a NUL at
                // each delimiter it stops on: a ':' or ']' found after the first ']' cuts the
                // rule short ("[x] -A ... 10.0.0.2:80" parses as "-A ... 10.0.0.2")
                int n = buffer.length();
                int ptr = buffer.indexOf(']');
                if (ptr < 0) {
                    throw XtError.param("Bad line " + line + ": need ]");
                }
                int i = 1;
                while (i < n && buffer.charAt(i) == ':') {
                    i++;
                }
                if (i >= n) {
                    throw XtError.param("Bad line " + line + ": need :");
                }
                int colon = buffer.indexOf(':', i);
                if (colon < 0) {
                    throw XtError.param("Bad line " + line + ": need ]");
                }
                String pcnt = buffer.substring(i, colon);
                int k = colon + 1;
                while (k < n && buffer.charAt(k) == ']') {
                    k++;
                }
                if (k >= n) {
                    throw XtError.param("Bad line " + line + ": need ]");
                }
                int close = buffer.indexOf(']', k);
                String bcnt = close < 0 ? buffer.substring(k) : buffer.substring(k, close);
                int end = n;
                if (colon > ptr) {
                    end = colon;
                } else if (close > ptr) {
                    end = close;
                }
                if (o.counters()) {
                    argv.add("--set-counters");
                    argv.add(pcnt);
                    argv.add(bcnt);
                }
                parsestart = buffer.substring(ptr + 1, end);
            }
            addParams(argv, parsestart);
            ParsedCommand p = new CommandParser(argv, true, line, PROG).withIpsets(rs.ipsets()::contains)
                    .withWarnings(warnings).parse();
            Executor.tableDef(p.table);
            queue.add(new Cmd(line, "rule", null, null, null, p));
        }

        /** add_param_to_argv(): split on blanks, with "double quotes" and \ escapes inside them */
        private static final int MAX_ARGC = 255;

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
                        // the closing quote ends the word, even an empty one ("")
                        quoteOpen = false;
                        addArg(argv, param);
                        continue;
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
                    addArg(argv, param);
                    continue;
                }
                add(param, c);
            }
            if (!param.isEmpty()) {
                addArg(argv, param);
            }
        }

        /** add_argv(): iptables-restore keeps at most MAX_ARGC - 1 words, program name included */
        private static void addArg(List<String> argv, StringBuilder param) {
            if (argv.size() + 1 >= MAX_ARGC) {
                throw XtError.param("Parser cannot handle more arguments");
            }
            argv.add(param.toString());
            param.setLength(0);
        }

        private static void add(StringBuilder param, char c) {
            param.append(c);
            if (param.length() >= 1024) {
                throw XtError.param("Parameter too long!");
            }
        }

        /**
         * nft_commit() at each COMMIT: the table's queued actions go to the kernel as one batch,
         * so a table is installed whole or not at all, and the tables before it stay installed.
         */
        private void commit() {
            List<Cmd> batch = List.copyOf(queue);
            queue.clear();
            drain();
            Ruleset.Edit edit = rs.edit();
            ex = new Executor(edit);
            try {
                apply(ex, batch);
                Map<TableDef, Table> built;
                try {
                    built = edit.built();
                } catch (RuleCheckException e) {
                    throw refused(batch);
                }
                rs.commit(edit, built);
            } finally {
                drain();
            }
        }

        private void apply(Executor x, List<Cmd> batch) {
            x.restoring();
            List<NftError.Failure> refusedObjects = new ArrayList<>();
            for (Cmd c : batch) {
                switch (c.kind()) {
                    case "flush" -> {
                        x.edit().delete(curtable);
                        x.flushedByRestore(curtable);
                    }
                    case "flushv" -> {
                        x.tableFlushVerbose(curtable);
                        x.flushedByRestore(curtable);
                    }
                    case "policy" -> x.setPolicy(curtable, c.chain(), c.policy(), c.counters(), c.line());
                    case "chain" -> {
                        TableEdit t = x.edit().table(curtable);
                        TableEdit.EditChain ec = t.chain(c.chain());
                        if (ec == null) {
                            t.addUserChain(c.chain());
                        } else {
                            ec.rules().clear();
                        }
                    }
                    default -> {
                        try {
                            x.execute(c.rule(), c.line());
                        } catch (NftError e) {
                            // the kernel goes on through the batch after a refused object and
                            // reports each one it refuses (recorded: kube-proxy's -X lines)
                            if (!e.isBatch()) {
                                throw e;
                            }
                            refusedObjects.addAll(e.failures);
                        }
                    }
                }
            }
            if (!refusedObjects.isEmpty()) {
                throw new NftError(refusedObjects);
            }
        }

        /**
         * The errors nf_tables reports for a batch that leaves the table invalid: the first
         * object after which the table no longer validates, and every rule added after it (the
         * kernel validates the whole table again at each rule once it is invalid). Found by
         * bisecting the batch, as adding rules does not make an invalid table valid again.
         */
        private NftError refused(List<Cmd> batch) {
            // rules refused by their own checks abort the batch before the table's validation,
            // which then reports nothing (recorded: a loop and a bad rule give the bad rule only)
            java.util.TreeMap<Integer, RuleCheckException> own = new java.util.TreeMap<>();
            java.util.Set<Integer> skip = new java.util.HashSet<>();
            for (int from = 0; from < batch.size(); ) {
                int[] at = {-1};
                RuleCheckException e = firstOwn(batch, skip, from, at);
                if (e == null) {
                    break;
                }
                own.put(at[0], e);
                skip.add(at[0]);
                from = at[0] + 1;
            }
            if (!own.isEmpty()) {
                java.util.List<java.util.Map.Entry<Integer, RuleCheckException>> byLine = new ArrayList<>();
                own.forEach((k, e) -> byLine.add(java.util.Map.entry(batch.get(k).line(), e)));
                return ex.refusedLines(byLine);
            }
            int lo = 0;
            int hi = batch.size() - 1;
            RuleCheckException first = invalidAfter(batch, hi);
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                RuleCheckException e = invalidAfter(batch, mid);
                if (e != null) {
                    hi = mid;
                    first = e;
                } else {
                    lo = mid + 1;
                }
            }
            return ex.refused(first, batch.get(lo).line());
        }

        /**
         * The first action at or after {@code from} (the actions in {@code skip} left out) after
         * which a rule's own check fails; null when none does. A table that only fails the
         * validation counts as passing, as the own checks run first.
         */
        private RuleCheckException firstOwn(List<Cmd> batch, java.util.Set<Integer> skip, int from, int[] at) {
            RuleCheckException e = ownAfter(batch, skip, batch.size() - 1);
            if (e == null) {
                return null;
            }
            int lo = from;
            int hi = batch.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                RuleCheckException m = ownAfter(batch, skip, mid);
                if (m != null) {
                    hi = mid;
                    e = m;
                } else {
                    lo = mid + 1;
                }
            }
            at[0] = lo;
            return e;
        }

        private RuleCheckException ownAfter(List<Cmd> batch, java.util.Set<Integer> skip, int k) {
            List<Cmd> part = new ArrayList<>();
            for (int i = 0; i <= k; i++) {
                if (!skip.contains(i)) {
                    part.add(batch.get(i));
                }
            }
            Ruleset.Edit edit = rs.edit();
            apply(new Executor(edit), part);
            try {
                edit.built();
                return null;
            } catch (RuleCheckException e) {
                return e.validation() ? null : e;
            }
        }

        /** the kernel's refusal of the table after the batch's actions 0..k, null when it validates */
        private RuleCheckException invalidAfter(List<Cmd> batch, int k) {
            Ruleset.Edit edit = rs.edit();
            apply(new Executor(edit), batch.subList(0, k + 1));
            try {
                edit.built();
                return null;
            } catch (RuleCheckException e) {
                return e;
            }
        }
    }
}
