package dev.hairpin.rules.iptables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the shared iptables corpus (system property {@code hairpin.shared}). */
final class Corpus {
    private Corpus() {}

    /** null when the shared directory is not there */
    static Path root() {
        String s = System.getProperty("hairpin.shared");
        if (s == null) {
            return null;
        }
        Path p = Path.of(s, "iptables-corpus");
        return Files.isDirectory(p) ? p : null;
    }

    static List<Path> cases(String kind) throws IOException {
        Path r = root();
        if (r == null) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(r.resolve(kind))) {
            s.filter(Files::isDirectory).sorted().forEach(out::add);
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
