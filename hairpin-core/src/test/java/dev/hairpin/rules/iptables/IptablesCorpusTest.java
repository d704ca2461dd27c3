package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every valid ruleset of the corpus, loaded with our iptables-restore, must print exactly what
 * iptables 1.8.9 (nf_tables) printed for it.
 */
class IptablesCorpusTest {
    private static final Map<String, int[]> PASS = new TreeMap<>();

    private static final Map<String, Function<Ruleset, String>> OUTPUTS = Map.of(
            "iptables-save.txt", rs -> IptablesSave.save(rs, new IptablesSave.Options(false, null, null)).stdout(),
            "iptables-S.txt", rs -> Iptables.run(rs, "-S").stdout(),
            "nat-S.txt", rs -> Iptables.run(rs, "-t", "nat", "-S").stdout(),
            "filter-L.txt", rs -> Iptables.run(rs, "-L", "-n", "-v", "--line-numbers").stdout(),
            "nat-L.txt", rs -> Iptables.run(rs, "-t", "nat", "-L", "-n", "-v", "--line-numbers").stdout());

    @TestFactory
    List<DynamicTest> validCases() throws IOException {
        Assumptions.assumeTrue(Corpus.root() != null, "hairpin.shared/iptables-corpus not found: corpus tests skipped");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Corpus.cases("valid")) {
            for (String file : new TreeMap<>(OUTPUTS).keySet()) {
                Path expected = dir.resolve(file);
                if (!Files.exists(expected)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(dir.getFileName() + " " + file, () -> {
                    Ruleset rs = load(dir);
                    Iptables.Result r = IptablesRestore.restore(rs, Corpus.read(dir.resolve("input.rules")));
                    int[] c = PASS.computeIfAbsent(file, k -> new int[2]);
                    c[1]++;
                    assertThat(r.stderr()).as("restore stderr").isEmpty();
                    assertThat(r.exitCode()).isZero();
                    String got = OUTPUTS.get(file).apply(rs);
                    assertThat(got).isEqualTo(Corpus.read(expected));
                    c[0]++;
                }));
            }
        }
        return tests;
    }

    /** a ruleset with the case's ipsets created (ipsets.txt: "ipset create NAME TYPE ...") */
    static Ruleset load(Path dir) {
        Ruleset rs = new Ruleset();
        Path sets = dir.resolve("ipsets.txt");
        if (Files.exists(sets)) {
            for (String l : Corpus.read(sets).split("\n")) {
                String[] w = l.trim().split("\\s+");
                if (w.length >= 3 && w[0].equals("ipset") && (w[1].equals("create") || w[1].equals("-N"))) {
                    rs.ipsets().add(w[2]);
                }
            }
        }
        return rs;
    }

    @AfterAll
    static void summary() {
        PASS.forEach((k, v) -> System.out.println("corpus " + k + ": " + v[0] + "/" + v[1] + " pass"));
    }
}
