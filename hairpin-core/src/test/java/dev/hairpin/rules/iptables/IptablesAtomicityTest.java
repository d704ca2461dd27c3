package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing half-applied: replaying every recorded transcript (tools/iptables-oracle), each
 * {@code iptables} command that fails and each {@code iptables-restore --test} leaves every table
 * exactly as it was, counters included; a failing {@code iptables-restore} leaves the tables it
 * had not committed when it failed as they were (it commits table by table, as iptables-nft does).
 */
class IptablesAtomicityTest {
    private static final IptablesSave.Options SAVE_C = new IptablesSave.Options(true, null, null);

    @Test
    void failedCommandsAndTestRunsChangeNothing() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/iptables-generated/SUMMARY.txt").toURI()).getParent();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        int failedCommands = 0;
        int failedRestores = 0;
        int testRuns = 0;
        List<String> changed = new ArrayList<>();
        for (Path dir : dirs) {
            Ruleset rs = new Ruleset();
            for (Transcript.Step s : Transcript.read(dir.resolve("transcript.txt")).steps()) {
                String before = IptablesSave.save(rs, SAVE_C).stdout();
                Iptables.Result r = GeneratedRulesetsTest.run(rs, s);
                String after = IptablesSave.save(rs, SAVE_C).stdout();
                boolean isTest = s.program().equals("iptables-restore") && s.args().contains("--test");
                if (s.program().equals("iptables") && r.exitCode() != 0) {
                    failedCommands++;
                    if (!after.equals(before)) {
                        changed.add(dir.getFileName() + ": " + s.commandLine());
                    }
                } else if (isTest) {
                    testRuns++;
                    if (!after.equals(before)) {
                        changed.add(dir.getFileName() + ": " + s.commandLine());
                    }
                } else if (s.program().equals("iptables-restore") && r.exitCode() != 0) {
                    failedRestores++;
                    for (String table : uncommitted(s.stdin(), r.stderr())) {
                        if (!section(after, table).equals(section(before, table))) {
                            changed.add(dir.getFileName() + ": " + s.commandLine() + " changed " + table);
                        }
                    }
                }
            }
        }
        assertThat(changed).isEmpty();
        assertThat(failedCommands).isGreaterThan(300);
        assertThat(failedRestores).isGreaterThan(40);
        assertThat(testRuns).isGreaterThanOrEqualTo(3);
    }

    /** the tables of the input that had no COMMIT before the line the error names (all when none is named) */
    private static List<String> uncommitted(String input, String stderr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line:? (\\d+)").matcher(stderr);
        int errorLine = m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
        List<String> out = new ArrayList<>(List.of("filter", "nat", "mangle", "raw", "security"));
        String[] ls = input == null ? new String[0] : input.split("\n", -1);
        String current = null;
        for (int i = 0; i < ls.length && i + 1 < errorLine; i++) {
            if (ls[i].startsWith("*")) {
                current = ls[i].substring(1).trim();
            } else if (ls[i].startsWith("COMMIT") && current != null) {
                out.remove(current);
            }
        }
        return out;
    }

    /** one table's part of an iptables-save output, empty when absent */
    private static String section(String save, String table) {
        int i = save.indexOf("*" + table + "\n");
        if (i < 0) {
            return "";
        }
        return save.substring(i, save.indexOf("COMMIT\n", i));
    }
}
