package dev.hairpin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.tools.ConntrackCommand;
import dev.hairpin.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code conntrack -E} as a stream (what the gateway's control socket serves): started before a
 * recorded scenario is replayed, with filters, it must print the kernel's events (expected/
 * events.txt, recorded by an unfiltered {@code conntrack -E}) that pass those filters, in order,
 * and end with the tool's summary line.
 */
class EventStreamTest {
    static Path dir(String name) {
        Path d = Path.of(System.getProperty("hairpin.shared", "../../shared"), "conformance", name);
        Assumptions.assumeTrue(Files.exists(d.resolve("input.jsonl")), "no recording " + d);
        return d;
    }

    List<String> stream(Path d, List<String> argv) {
        Replay r = new Replay(Scenario.load(d));
        List<String> lines = new ArrayList<>();
        ConntrackCommand.Started st = ConntrackCommand.events(r.conntrack, argv, lines::add);
        assertThat(st.finished()).isNull();
        r.run();
        ToolResult end = st.stream().stop();
        assertThat(end.stderr()).isEqualTo("conntrack v1.4.7 (conntrack-tools): " + lines.size() + " flow events have been shown.\n");
        return Check.events(String.join("\n", lines));
    }

    List<String> kernel(Path d, Predicate<String> keep) throws Exception {
        return Check.events(Files.readString(d.resolve("expected/events.txt"))).stream().filter(keep).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"masquerade-udp", "snat-tcp-lifecycle", "udp-timeout-expiry", "dnat-port-forward", "icmp-error-related"})
    void filteredStreamsShowWhatTheKernelReported(String name) throws Exception {
        Path d = dir(name);
        assertThat(stream(d, List.of("-E"))).isEqualTo(kernel(d, l -> true));
        assertThat(stream(d, List.of("-E", "-e", "DESTROY"))).isEqualTo(kernel(d, l -> l.startsWith("[DESTROY]")));
        assertThat(stream(d, List.of("-E", "-e", "NEW,UPDATES"))).isEqualTo(kernel(d, l -> !l.startsWith("[DESTROY]")));
        assertThat(stream(d, List.of("-E", "-p", "udp"))).isEqualTo(kernel(d, l -> l.contains("] udp ")));
        assertThat(stream(d, List.of("-E", "-s", "10.0.0.0/24"))).isEqualTo(kernel(d, l -> l.matches("^\\[\\w+\\] \\w+ \\d+ (\\d+ )?(\\w+ )?src=10\\.0\\.0\\..*")));
    }
}
