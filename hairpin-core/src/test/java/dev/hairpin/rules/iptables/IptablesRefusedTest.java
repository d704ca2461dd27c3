package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refused ruleset of the corpus is refused as iptables-restore 1.8.9 refused it: same exit
 * status, same message, same line. iptables-nft commits each table at its COMMIT line (recorded:
 * iptables-generated/restore-file-second-table-bad), so the tables committed before the error are
 * installed and the rest stay as they were.
 */
class IptablesRefusedTest {
    private static final String BEFORE = """
            *filter
            :INPUT DROP [0:0]
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT
            """;

    @TestFactory
    List<DynamicTest> refusedCases() throws IOException {
        Assumptions.assumeTrue(Corpus.root() != null, "hairpin.shared/iptables-corpus not found: corpus tests skipped");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Corpus.cases("refused")) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                String expected = Corpus.read(dir.resolve("LOAD-ERROR.txt"));
                String[] lines = expected.split("\n", 2);
                int status = Integer.parseInt(lines[0].replaceAll(".*exit code: ", "").trim());
                Ruleset rs = new Ruleset();
                assertThat(IptablesRestore.restore(rs, BEFORE).exitCode()).isZero();
                String before = IptablesSave.save(rs, new IptablesSave.Options(false, null, null)).stdout();

                String input = Corpus.read(dir.resolve("input.rules"));
                Iptables.Result r = IptablesRestore.restore(rs, input);
                assertThat(r.exitCode()).isEqualTo(status);
                assertThat(r.stderr()).isEqualTo(lines[1]);

                Ruleset want = new Ruleset();
                IptablesRestore.restore(want, BEFORE);
                int errorLine = Integer.parseInt(lines[1].replaceAll("(?s).*Error occurred at line: (\\d+).*", "$1"));
                String committed = committedBefore(input, errorLine);
                assertThat(IptablesRestore.restore(want, committed).exitCode()).isZero();
                assertThat(IptablesSave.save(rs, new IptablesSave.Options(false, null, null)).stdout())
                        .isEqualTo(IptablesSave.save(want, new IptablesSave.Options(false, null, null)).stdout());
                if (committed.isEmpty()) {
                    assertThat(IptablesSave.save(rs, new IptablesSave.Options(false, null, null)).stdout()).isEqualTo(before);
                }
            }));
        }
        return tests;
    }

    /** the input's lines up to the last COMMIT before line {@code errorLine} */
    private static String committedBefore(String input, int errorLine) {
        String[] ls = input.split("\n", -1);
        int last = -1;
        for (int i = 0; i < Math.min(errorLine - 1, ls.length); i++) {
            if (ls[i].startsWith("COMMIT")) {
                last = i;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            sb.append(ls[i]).append('\n');
        }
        return sb.toString();
    }
}
