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
 * status, same message, same line; and the rules loaded before stay as they were.
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

                Iptables.Result r = IptablesRestore.restore(rs, Corpus.read(dir.resolve("input.rules")));
                assertThat(r.exitCode()).isEqualTo(status);
                assertThat(r.stderr()).isEqualTo(lines[1]);
                assertThat(IptablesSave.save(rs, new IptablesSave.Options(false, null, null)).stdout())
                        .isEqualTo(before);
            }));
        }
        return tests;
    }
}
