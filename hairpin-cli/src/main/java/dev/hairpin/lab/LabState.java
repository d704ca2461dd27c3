package dev.hairpin.lab;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtNetlink;
import dev.hairpin.conntrack.CtStats;
import dev.hairpin.io.Snapshot;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesSave;
import dev.hairpin.tools.EngineState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A lab state directory: a host snapshot (ip-addr.json, ip-route.json, ip-neigh.txt,
 * sysctl.conf, iptables-save.txt, so the directory is itself a snapshot a replay can use) plus
 * what a running kernel would remember between two commands: the conntrack table with its
 * timers ({@code conntrack.state}), the simulated clock ({@code clock}), conntrack's counters,
 * the events no {@code conntrack -E} has shown yet, the ipsets ({@code ipset.save}, as
 * {@code ipset save} prints them) and the TCP sequence numbers of the lab's own endpoints. Loaded before a command and saved after it; every file is plain text.
 */
public final class LabState {
    static final String[] HOST_FILES = {"ip-addr.json", "ip-route.json", "ip-neigh.txt", "sysctl.conf", "iptables-save.txt"};
    /** the clock a new state starts at (well past zero, as the replay's) */
    static final long EPOCH_NS = 1_000_000_000_000L;

    final Path dir;
    final Snapshot snapshot;
    final Conntrack conntrack;
    final Stack stack;
    final Ruleset ruleset = new Ruleset();
    final EngineState engine;
    /** next sequence number each endpoint ("ip:port") sends */
    final Map<String, Long> tcpSeq = new LinkedHashMap<>();
    /** events not shown yet: "clock events userspace entry..." */
    final List<String> pendingEvents = new ArrayList<>();

    private LabState(Path dir) {
        this.dir = dir;
        this.snapshot = Snapshot.load(dir);
        this.conntrack = new Conntrack(snapshot.ctConfig, 0x1234_5678_9abcL);
        long clock = readClock();
        conntrack.table.setNow(clock);
        this.stack = new Stack(snapshot.host, conntrack, new SplittableRandom(clock));
        this.engine = new EngineState(stack, ruleset);
        Path sets = dir.resolve("ipset.save");
        if (Files.exists(sets)) {
            dev.hairpin.tools.ToolResult r = dev.hairpin.tools.OperatorCommands.run(engine, List.of("ipset", "restore"), read(sets));
            if (r.exitCode() != 0) {
                throw new LabException(sets + ": refused by ipset restore: " + r.stderr().trim());
            }
        }
        snapshot.loadRules(ruleset, true);
        loadNthCounters();
        loadTable();
        loadStats();
        loadLines("tcp-seq", l -> {
            String[] w = l.split("\\s+");
            tcpSeq.put(w[0], Long.parseLong(w[1]));
        });
        loadLines("events.pending", pendingEvents::add);
        conntrack.addListener((t, ct, ev, user) -> pendingEvents.add(conntrack.now() + " " + ev + " " + (user ? 1 : 0) + " "
                + LabTable.line(CtNetlink.save(conntrack, ct))));
    }

    /** Opens an existing state; a directory that is not one is refused (init makes one). */
    public static LabState open(Path dir) {
        if (!Files.exists(dir.resolve("ip-addr.json"))) {
            init(dir, null);
        }
        return new LabState(dir);
    }

    /**
     * Loads a state, or a plain host snapshot (a state with an empty table at the epoch), without
     * creating anything: what {@code hairpin trace --state/--snapshot} runs against.
     */
    public static LabState load(Path dir) {
        return new LabState(dir);
    }

    public Stack stack() {
        return stack;
    }

    public Conntrack conntrack() {
        return conntrack;
    }

    public dev.hairpin.host.Host host() {
        return snapshot.host;
    }

    /**
     * Creates {@code dir} (or resets it) from a host snapshot, or from the default gateway when
     * {@code from} is null; the conntrack table starts empty, the clock at its epoch.
     */
    public static void init(Path dir, Path from) {
        try {
            Files.createDirectories(dir);
            for (String f : List.of("conntrack.state", "conntrack.stats", "clock", "tcp-seq", "events.pending", "ipset.save", "statistic-nth")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            if (from == null) {
                Files.writeString(dir.resolve("ip-addr.json"), DefaultHost.IP_ADDR);
                Files.writeString(dir.resolve("ip-route.json"), DefaultHost.IP_ROUTE);
                Files.writeString(dir.resolve("sysctl.conf"), DefaultHost.SYSCTL);
                Files.writeString(dir.resolve("iptables-save.txt"), "");
                Files.deleteIfExists(dir.resolve("ip-neigh.txt"));
            } else {
                Snapshot.load(from); // refuse a bad snapshot before touching the state
                for (String f : HOST_FILES) {
                    Path src = from.resolve(f);
                    if (Files.exists(src)) {
                        Files.copy(src, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        Files.deleteIfExists(dir.resolve(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new LabException(dir + ": cannot create the lab state: " + e.getMessage(), e);
        }
    }

    private long readClock() {
        Path p = dir.resolve("clock");
        if (!Files.exists(p)) {
            return EPOCH_NS;
        }
        String s = read(p).trim();
        try {
            return Long.parseLong(s.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            throw new LabException(p + ": expected the simulated clock in nanoseconds, got: " + s);
        }
    }

    private void loadTable() {
        Path p = dir.resolve("conntrack.state");
        if (!Files.exists(p)) {
            return;
        }
        int n = 0;
        for (String l : read(p).split("\n")) {
            n++;
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            CtNetlink.Saved s;
            try {
                s = LabTable.parse(l);
            } catch (RuntimeException e) {
                throw new LabException(p + ":" + n + ": " + e.getMessage());
            }
            if (CtNetlink.restore(conntrack, s) < 0) {
                throw new LabException(p + ":" + n + ": the entry's tuples are already in the table");
            }
        }
        conntrack.advance(conntrack.now()); // reap what expired while saved (none: the clock stood still)
    }

    /** every -m statistic --mode nth match, in rule order: their counters are rule state the kernel keeps */
    private List<dev.hairpin.rules.matches.StatisticMatch> nthMatches() {
        List<dev.hairpin.rules.matches.StatisticMatch> l = new ArrayList<>();
        for (dev.hairpin.rules.Table t : ruleset.snapshot()) {
            if (t == null) {
                continue;
            }
            for (dev.hairpin.rules.Chain c : t.chains()) {
                for (dev.hairpin.rules.Rule r : c.rules()) {
                    for (dev.hairpin.rules.Match m : r.matches()) {
                        if (m instanceof dev.hairpin.rules.matches.StatisticMatch sm) {
                            l.add(sm);
                        }
                    }
                }
            }
        }
        return l;
    }

    private void loadNthCounters() {
        Path p = dir.resolve("statistic-nth");
        if (!Files.exists(p)) {
            return;
        }
        String[] w = read(p).trim().split("\\s+");
        List<dev.hairpin.rules.matches.StatisticMatch> ms = nthMatches();
        if (w.length != ms.size() || read(p).isBlank()) {
            return; // the rules changed since: counters start afresh, as a kernel reload does
        }
        for (int i = 0; i < w.length; i++) {
            ms.get(i).setNthCount(Integer.parseInt(w[i]));
        }
    }

    private void loadStats() {
        Path p = dir.resolve("conntrack.stats");
        if (!Files.exists(p)) {
            return;
        }
        CtStats st = conntrack.stats;
        for (String w : read(p).trim().split("\\s+")) {
            String[] kv = w.split("=");
            if (kv.length != 2) {
                continue;
            }
            long v = Long.parseLong(kv[1]);
            switch (kv[0]) {
                case "found" -> st.found = v;
                case "invalid" -> st.invalid = v;
                case "insert" -> st.insert = v;
                case "insert_failed" -> st.insertFailed = v;
                case "drop" -> st.drop = v;
                case "early_drop" -> st.earlyDrop = v;
                case "error" -> st.error = v;
                case "search_restart" -> st.searchRestart = v;
                case "clash_resolve" -> st.clashResolve = v;
                case "chaintoolong" -> st.chainTooLong = v;
                default -> { }
            }
        }
    }

    private void loadLines(String file, java.util.function.Consumer<String> f) {
        Path p = dir.resolve(file);
        if (Files.exists(p)) {
            for (String l : read(p).split("\n")) {
                if (!l.isBlank()) {
                    f.accept(l);
                }
            }
        }
    }

    /** Moves the simulated clock: timers expire as in the kernel. */
    void advance(long ns) {
        conntrack.advance(conntrack.now() + ns);
    }

    /** Writes everything back (each file replaced whole). */
    public void save() {
        StringBuilder sys = new StringBuilder("# sysctl values of the lab host (key = value)\n");
        snapshot.host.sysctls.asMap().forEach((k, v) -> sys.append(k).append(" = ").append(v).append('\n'));
        StringBuilder table = new StringBuilder("# hairpin lab conntrack table: one entry per line (tuples, status, timer deadline"
                + " on the clock, mark, counters, TCP window state)\n");
        for (int ct : conntrack.snapshot()) {
            table.append(LabTable.line(CtNetlink.save(conntrack, ct))).append('\n');
        }
        StringBuilder stats = new StringBuilder();
        long[] v = conntrack.stats.values();
        for (int i = 0; i < v.length; i++) {
            stats.append(CtStats.NAMES[i]).append('=').append(v[i]).append(i + 1 < v.length ? " " : "\n");
        }
        StringBuilder seq = new StringBuilder();
        tcpSeq.forEach((k, s) -> seq.append(k).append(' ').append(s).append('\n'));
        write("sysctl.conf", sys.toString());
        write("iptables-save.txt", IptablesSave.save(ruleset, new IptablesSave.Options(true, null,
                () -> IptablesSave.ctime(java.time.ZonedDateTime.now()))).stdout());
        write("conntrack.state", table.toString());
        write("ipset.save", dev.hairpin.tools.OperatorCommands.run(engine, List.of("ipset", "save")).stdout());
        write("conntrack.stats", stats.toString());
        StringBuilder nth = new StringBuilder();
        for (var m : nthMatches()) {
            nth.append(m.nthCount()).append(' ');
        }
        write("statistic-nth", nth.toString().trim() + "\n");
        write("clock", conntrack.now() + "\n");
        write("tcp-seq", seq.toString());
        write("events.pending", pendingEvents.isEmpty() ? "" : String.join("\n", pendingEvents) + "\n");
    }

    private void write(String f, String text) {
        try {
            Path tmp = dir.resolve(f + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException(dir.resolve(f) + ": cannot write: " + e.getMessage(), e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new LabException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    static boolean isState(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().equals("ip-addr.json"));
        } catch (IOException e) {
            return false;
        }
    }

    static int eventsOf(String pending) {
        return Integer.parseInt(pending.split(" ")[1]) & ~CtEvent.LABEL;
    }
}
