package dev.hairpin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.tools.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The operator tools against the kernel: scenarios recorded with the oracle
 * (src/test/resources/conformance/*, many commands in ops-*) run real {@code conntrack} (and
 * {@code iptables}, {@code sysctl}) commands between frames;
 * the replay runs the same command lines through OperatorCommands at the same moments and every
 * one must print what conntrack-tools printed and exit with its status. Entry order (hash order)
 * and the per-CPU split of -S are normalised; timers may differ by one second (the kernel counts
 * jiffies since the packet, the replay seconds of the capture clock). The scenario's frames must
 * match too: that is where {@code conntrack -D}'s consequence shows.
 */
class OperatorConformanceTest {
    static Path root() {
        return Path.of("src/test/resources/conformance");
    }

    private static final Pattern TIMER = Pattern.compile("^((?:ipv4\\s+\\d+\\s+)?[a-z0-9]+\\s+\\d+)\\s+(\\d+)\\s");

    /** a command line the replay cannot run: shell syntax around the tool */
    static boolean shell(String cmd) {
        return cmd.contains(";") || cmd.contains("|") || cmd.contains(">") || cmd.contains("&");
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedCommandPrintsWhatTheToolPrinted() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root())) {
            dirs = s.filter(d -> Files.exists(d.resolve("expected/actions.txt"))).sorted().toList();
        }
        assertThat(dirs).isNotEmpty();
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
            Scenario sc = Scenario.load(d);
            Replay r = new Replay(sc).run();
            assertThat(r.actionResults).hasSameSizeAs(sc.actions);
            List<String> failures = new ArrayList<>();
            int compared = 0;
            for (int i = 0; i < sc.actions.size(); i++) {
                Scenario.Action a = sc.actions.get(i);
                if (shell(a.cmd())) {
                    continue;
                }
                compared++;
                ToolResult ours = r.actionResults.get(i);
                String why = differs(a.output().strip(), ours.merged().strip());
                if (ours.exitCode() != a.rc()) {
                    why = (why == null ? "" : why + "; ") + "exit " + ours.exitCode() + ", kernel's tool " + a.rc();
                }
                if (why != null) {
                    failures.add(a.cmd() + ": " + why + "\n  kernel:\n    " + a.output().strip().replace("\n", "\n    ")
                            + "\n  ours:\n    " + ours.merged().strip().replace("\n", "\n    "));
                }
            }
            assertThat(compared).as("commands compared").isPositive();
            String known = ConformanceTest.KNOWN_DIVERGENT.get(d.getFileName().toString());
            if (known != null && !failures.isEmpty()) {
                Assumptions.abort(d.getFileName() + ": known divergence (" + known + ")");
            }
            assertThat(failures).as(String.join("\n", failures)).isEmpty();
            if (d.getFileName().toString().startsWith("ops-")) {
                // the operator recordings: many commands, and their frames (the consequence of
                // conntrack -D) must match too; other recordings are ConformanceTest's
                assertThat(compared).isGreaterThan(5);
                Check c = Check.of(r);
                assertThat(c.matches()).as(d.getFileName() + " differs from the kernel:\n" + c.report()).isTrue();
            }
        }));
    }

    /** null when equal after normalisation, else why */
    static String differs(String kernel, String ours) {
        return differs(kernel, ours, 1);
    }

    static String differs(String kernel, String ours, int slack) {
        List<String> k = normalise(kernel);
        List<String> o = normalise(ours);
        List<Long> kt = timers(kernel);
        List<Long> ot = timers(ours);
        if (!k.equals(o)) {
            return "output differs";
        }
        for (int i = 0; i < kt.size() && i < ot.size(); i++) {
            if (Math.abs(kt.get(i) - ot.get(i)) > slack) {
                return "timer " + ot.get(i) + " where the kernel showed " + kt.get(i);
            }
        }
        return null;
    }

    private static final Pattern XML_TIMER = Pattern.compile("<timeout>(\\d+)</timeout>");
    private static final Pattern SAVE_TIMER = Pattern.compile("^(-[ADU] -t )(\\d+) ");
    /** an expectation line (conntrack -L expect): listed in the kernel's hash order, a random key's */
    private static final Pattern EXPECT_TIMER = Pattern.compile("^(\\d+)( proto=\\d+ .*)$");

    /**
     * An entry line with its timer taken out and the kernel's random id masked: {normalised,
     * timer} (timer null when the line has none), or null for a line that is not an entry.
     * Entries are the default format's lines, -o xml's {@code <flow>} lines, -o save's lines and
     * expectations.
     */
    static String[] entry(String l) {
        Matcher m = TIMER.matcher(l);
        if (m.find()) {
            return new String[] {m.replaceFirst("$1 T ").replaceAll(" id=\\d+", " id=ID"), m.group(2)};
        }
        if (l.startsWith("<flow")) {
            String n = l.replaceAll("<id>\\d+</id>", "<id>ID</id>");
            Matcher x = XML_TIMER.matcher(n);
            return x.find() ? new String[] {x.replaceFirst("<timeout>T</timeout>"), x.group(1)} : new String[] {n, null};
        }
        Matcher ex = EXPECT_TIMER.matcher(l);
        if (ex.find()) {
            return new String[] {"T" + ex.group(2), ex.group(1)};
        }
        Matcher sv = SAVE_TIMER.matcher(l);
        if (sv.find()) {
            return new String[] {sv.replaceFirst("$1T "), sv.group(2)};
        }
        return null;
    }

    static List<String> normalise(String text) {
        List<String> entries = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        List<String> cpu = new ArrayList<>();
        for (String l : text.split("\n")) {
            String[] e = entry(l);
            if (e != null) {
                entries.add(e[0]);
            } else if (l.startsWith("cpu=")) {
                cpu.add(l);
            } else {
                rest.add(l);
            }
        }
        entries.sort(null);
        List<String> out = new ArrayList<>(entries);
        if (!cpu.isEmpty()) {
            out.addAll(Check.stats(String.join("\n", cpu)));
        }
        out.addAll(rest);
        return out;
    }

    /** the timers of the entry lines, in the order normalise() sorts them */
    static List<Long> timers(String text) {
        List<String[]> pairs = new ArrayList<>();
        for (String l : text.split("\n")) {
            String[] e = entry(l);
            if (e != null && e[1] != null) {
                pairs.add(e);
            }
        }
        pairs.sort((x, y) -> x[0].compareTo(y[0]));
        return pairs.stream().map(p -> Long.parseLong(p[1])).toList();
    }
}
