package dev.hairpin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every scenario recorded on a real kernel (shared/conformance) and requires the engine
 * to do exactly what the kernel did, after normalisation. A scenario listed in
 * {@link #KNOWN_DIVERGENT} is reported as skipped with the reason, and the test fails if it
 * starts matching (so the list cannot go stale).
 */
class ConformanceTest {
    /** Scenarios the engine does not match yet, and why. */
    static final Map<String, String> KNOWN_DIVERGENT = Map.of();

    static Path shared() {
        String p = System.getProperty("hairpin.shared", "../shared");
        return Path.of(p).resolve("conformance");
    }

    /** the project's own kernel recordings (same format), for traffic the shared suite has not seen */
    static Path own() {
        return Path.of("src/test/resources/conformance");
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedScenarioReplaysToAMatch() throws IOException {
        Path root = shared();
        Assumptions.assumeTrue(Files.isDirectory(root), "no conformance scenarios at " + root + " (shared/ is not beside the clone)");
        return replayAll(root);
    }

    @TestFactory
    Stream<DynamicTest> everyProjectRecordingReplaysToAMatch() throws IOException {
        return replayAll(own());
    }

    private Stream<DynamicTest> replayAll(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(d -> Files.exists(d.resolve("capture.pcap"))).sorted().toList();
        }
        assertThat(dirs).isNotEmpty();
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
            Replay r = new Replay(Scenario.load(d)).run();
            Check c = Check.of(r);
            String name = d.getFileName().toString();
            String known = KNOWN_DIVERGENT.get(name);
            if (known != null) {
                assertThat(c.matches()).as(name + " matches now: take it off KNOWN_DIVERGENT").isFalse();
                Assumptions.abort(name + ": known divergence (" + known + "); differs in " + c.diffs.keySet());
            }
            assertThat(c.matches()).as(name + " differs from the kernel:\n" + c.report()).isTrue();
        }));
    }
}
