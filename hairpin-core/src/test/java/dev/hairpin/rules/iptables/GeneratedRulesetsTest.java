package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays what iptables 1.8.9 (nf_tables) did with generated rulesets, broken restore files and
 * command sequences (recorded in a network namespace by tools/iptables-oracle) through Hairpin's
 * iptables, iptables-restore and iptables-save: every step must give the same exit status, stdout
 * and stderr, byte for byte, so a refused command or file must also leave the rules as they were.
 */
class GeneratedRulesetsTest {
    private static final String ROOT = "/iptables-generated";
    private static int steps;
    private static int matched;

    @TestFactory
    List<DynamicTest> recordedCases() throws IOException, URISyntaxException {
        Path root = Path.of(GeneratedRulesetsTest.class.getResource(ROOT + "/SUMMARY.txt").toURI()).getParent();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(dirs).hasSizeGreaterThan(100);
        Set<String> known = knownDivergent(root.resolve("KNOWN-DIVERGENT.txt"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name, () -> replay(name, Transcript.read(dir.resolve("transcript.txt")), known.contains(name))));
        }
        return tests;
    }

    /** cases listed (one name a line, # comments) as not yet reproduced; each must still differ */
    private static Set<String> knownDivergent(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String l : Files.readAllLines(file)) {
            String n = l.replaceAll("#.*", "").trim();
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }

    private static void replay(String name, Transcript t, boolean knownDivergent) throws IOException {
        List<String> failures = differences(t);
        steps += t.steps().size();
        matched += t.steps().size() - failures.size();
        if (!failures.isEmpty() && Files.isDirectory(Path.of("target"))) {
            // a developer's aid: every divergence of every case in one file
            Files.writeString(Path.of("target/iptables-generated-diffs.txt"), "=== " + name + "\n" + String.join("\n", failures) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        if (knownDivergent) {
            assertThat(failures).as(name + " now matches iptables: take it off KNOWN-DIVERGENT.txt").isNotEmpty();
        } else {
            assertThat(failures).as(failures.size() + " of " + t.steps().size() + " steps differ").isEmpty();
        }
    }

    /** every step of the transcript replayed on one fresh ruleset: a description of each that differs */
    static List<String> differences(Transcript t) {
        Ruleset rs = new Ruleset();
        List<String> failures = new ArrayList<>();
        int i = 0;
        for (Transcript.Step s : t.steps()) {
            i++;
            Iptables.Result r = run(rs, s);
            String got = "rc " + r.exitCode() + "\n" + r.stdout() + "--stderr--\n" + r.stderr();
            String want = "rc " + s.rc() + "\n" + s.stdout() + "--stderr--\n" + s.stderr();
            if (!got.equals(want)) {
                failures.add("step " + i + ": " + s.commandLine() + "\n--- iptables 1.8.9:\n" + want + "\n--- hairpin:\n" + got);
            }
        }
        return failures;
    }

    static Iptables.Result run(Ruleset rs, Transcript.Step s) {
        return switch (s.program()) {
            case "iptables" -> Iptables.run(rs, s.args());
            case "iptables-restore" -> IptablesRestore.command(rs, s.args(), s.stdin());
            case "iptables-save" -> IptablesSave.command(rs, s.args(), () -> "<TIMESTAMP>");
            case "ipset" -> createIpset(rs, s.args());
            default -> throw new IllegalArgumentException("no such program in a transcript: " + s.program());
        };
    }

    /**
     * The recordings only create sets ("ipset create NAME TYPE", which prints nothing): the name
     * is what -m set and -j SET look up when a rule is parsed.
     */
    private static Iptables.Result createIpset(Ruleset rs, List<String> args) {
        if (args.size() < 3 || !args.get(0).equals("create")) {
            throw new IllegalArgumentException("only ipset create is replayed here: " + args);
        }
        rs.ipsets().add(args.get(1));
        return new Iptables.Result("", "", 0);
    }

    @AfterAll
    static void summary() {
        System.out.println("iptables-generated: " + matched + "/" + steps + " steps match iptables 1.8.9");
    }
}
