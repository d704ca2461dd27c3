package dev.hairpin.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.io.Snapshot;
import dev.hairpin.io.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A recorded scenario directory (see the conformance README): the host snapshot, the frames the
 * gateway received and sent, the packets its own processes sent into OUTPUT, and the admin
 * commands run between frames.
 */
public final class Scenario {
    /** A frame: when, on which interface, the IPv4 datagram (link header stripped). */
    public record Frame(int n, double epoch, String iface, byte[] ip, String origin) {}

    /** An admin command run after input frame {@code afterInput}. */
    public record Action(int afterInput, double epoch, String cmd, String output, int rc) {}

    public final Path dir;
    public final Snapshot snapshot;
    public final List<Frame> input = new ArrayList<>();
    public final List<Frame> output = new ArrayList<>();
    /** local packets, each with its after_input in {@link Frame#n} */
    public final List<Frame> local = new ArrayList<>();
    public final List<Action> actions = new ArrayList<>();

    private Scenario(Path dir, Snapshot snapshot) {
        this.dir = dir;
        this.snapshot = snapshot;
    }

    public static Scenario load(Path dir) {
        Scenario s = new Scenario(dir, Snapshot.load(dir.resolve("host")));
        s.frames(dir.resolve("input.jsonl"), s.input, true);
        s.frames(dir.resolve("output.jsonl"), s.output, true);
        Path local = dir.resolve("local.jsonl");
        if (Files.exists(local)) {
            s.frames(local, s.local, false);
        }
        Path actions = dir.resolve("expected/actions.txt");
        if (Files.exists(actions)) {
            s.loadActions(actions);
        }
        return s;
    }

    private void frames(Path p, List<Frame> out, boolean ethernet) {
        if (!Files.exists(p)) {
            if (ethernet) {
                throw new SnapshotException(p + ": missing (expected one JSON frame per line)");
            }
            return;
        }
        ObjectMapper om = new ObjectMapper();
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
        int ln = 0;
        for (String line : lines) {
            ln++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode j = om.readTree(line);
                String hex = j.has("hex_csum_completed") ? j.get("hex_csum_completed").asText() : j.path("hex").asText();
                byte[] bytes = HexFormat.of().parseHex(hex);
                if (ethernet) {
                    if (bytes.length < 14) {
                        throw new SnapshotException(p + ":" + ln + ": frame shorter than an Ethernet header");
                    }
                    bytes = java.util.Arrays.copyOfRange(bytes, 14, bytes.length);
                }
                int n = ethernet ? j.path("n").asInt(ln) : j.path("after_input").asInt();
                out.add(new Frame(n, j.path("epoch").asDouble(), j.path("gw_iface").asText(), bytes, j.path("origin").asText(null)));
            } catch (IOException | IllegalArgumentException e) {
                throw new SnapshotException(p + ":" + ln + ": expected a JSON object with \"hex\", \"epoch\", \"gw_iface\": " + e.getMessage(), e);
            }
        }
    }

    private void loadActions(Path p) {
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
        int ln = 0;
        StringBuilder outText = null;
        int after = 0;
        double epoch = 0;
        String cmd = null;
        int rc = 0;
        for (String line : lines) {
            ln++;
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("t=")) {
                if (cmd != null) {
                    actions.add(new Action(after, epoch, cmd, outText.toString(), rc));
                }
                var m = java.util.regex.Pattern.compile("epoch=(\\S+) after_input=(\\d+) rc=(-?\\d+) cmd=(.*)$").matcher(line);
                if (!m.find()) {
                    throw new SnapshotException(p + ":" + ln + ": expected `t=... epoch=... after_input=N rc=... cmd=...`");
                }
                epoch = Double.parseDouble(m.group(1));
                after = Integer.parseInt(m.group(2));
                rc = Integer.parseInt(m.group(3));
                cmd = m.group(4);
                outText = new StringBuilder();
            } else if (outText != null) {
                outText.append(line.replaceFirst("^    \\| ?", "")).append('\n');
            }
        }
        if (cmd != null) {
            actions.add(new Action(after, epoch, cmd, outText.toString(), rc));
        }
    }
}
