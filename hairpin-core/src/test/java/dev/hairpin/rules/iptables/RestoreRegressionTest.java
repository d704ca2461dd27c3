package dev.hairpin.rules.iptables;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inputs the fuzzer once broke, kept so they stay fixed. */
class RestoreRegressionTest {
    @ParameterizedTest
    @ValueSource(strings = {
        // zeroing a built-in chain of a table that does not exist (nat after its flush)
        "-Z -L INPUT",
        "-Z -S OUTPUT \t",
    })
    void stillFailsCleanly(String line) {
        RestoreFuzzTest.check(line);
    }
}
