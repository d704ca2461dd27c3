package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dumps of iptables' shell tests (tests/shell/testcases/ipt-save/dumps) restore and save back
 * unchanged, comments aside (with -c for those that carry rule counters). Needs {@code hairpin.iptables.src}
 * as {@link ExtensionTestFilesTest} does; skipped otherwise.
 */
class SourceDumpsTest {
    @ParameterizedTest
    @ValueSource(strings = {"ipt-save-filter.txt", "policy-drop.txt", "wireless.txt", "fedora27-iptables"})
    void restoreThenSaveGivesTheDumpBack(String name) throws IOException {
        String src = System.getProperty("hairpin.iptables.src", System.getenv("HAIRPIN_IPTABLES_SRC"));
        Path p = src == null ? null : Path.of(src, "iptables/tests/shell/testcases/ipt-save/dumps", name);
        Assumptions.assumeTrue(p != null && Files.isRegularFile(p), "hairpin.iptables.src not set");
        String dump = Files.readString(p);
        boolean counters = dump.contains("\n[");
        Ruleset rs = new Ruleset();
        Iptables.Result r = IptablesRestore.restore(rs, dump,
                new IptablesRestore.Options(counters, false, false, null));
        assertThat(r.stderr()).isEmpty();
        String saved = IptablesSave.save(rs, new IptablesSave.Options(counters, null, null)).stdout();
        String expected = dump.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
        assertThat(saved).isEqualTo(expected);
    }
}
