package dev.hairpin.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The recorded kernel data under the {@code hairpin.shared} directory; tests skip without it. */
public final class Shared {
    private Shared() {}

    /** {@code <shared>/conformance}; skips the calling test when the directory is absent */
    public static Path conformance() {
        String dir = System.getProperty("hairpin.shared");
        assumeTrue(dir != null, "system property hairpin.shared is not set: no recorded kernel data to check against");
        Path p = Path.of(dir, "conformance");
        assumeTrue(Files.isDirectory(p), "no recorded kernel data at " + p + " (hairpin.shared=" + dir + ")");
        return p;
    }

    /** the scenario directories that hold a capture.pcap, sorted */
    public static List<Path> scenarios() {
        try (Stream<Path> s = Files.list(conformance())) {
            return s.filter(d -> Files.isRegularFile(d.resolve("capture.pcap"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** every line of a .jsonl file as an object; empty when the file does not exist */
    public static List<Map<String, Object>> jsonl(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(Json.object(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** interface name → ifindex from the scenario's host/ip-addr.json ({@code ip -j addr show}) */
    @SuppressWarnings("unchecked")
    public static Map<String, Integer> ifindexes(Path scenario) {
        Map<String, Integer> m = new HashMap<>();
        try {
            for (Object o : (List<Object>) Json.parse(Files.readString(scenario.resolve("host/ip-addr.json")))) {
                Map<String, Object> link = (Map<String, Object>) o;
                m.put((String) link.get("ifname"), ((Number) link.get("ifindex")).intValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
