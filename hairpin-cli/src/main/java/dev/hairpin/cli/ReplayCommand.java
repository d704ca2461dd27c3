package dev.hairpin.cli;

import dev.hairpin.io.SnapshotException;
import dev.hairpin.sim.Check;
import dev.hairpin.sim.Replay;
import dev.hairpin.sim.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hairpin replay SCENARIO_DIR [--out DIR] [--check]} */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a recorded scenario (host snapshot + frames) through the engine; "
                + "--check compares with what the kernel did.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO_DIR")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "write output.pcap, conntrack.txt, events.txt, iptables-save-c.txt, stats.txt, notes.txt here")
    Path out;

    @Option(names = "--check", description = "compare with the scenario's expected/ files and capture; exit 1 on a difference")
    boolean check;

    @Override
    public Integer call() throws Exception {
        Replay r;
        try {
            r = new Replay(Scenario.load(dir)).run();
        } catch (SnapshotException e) {
            System.err.println("hairpin replay: " + e.getMessage());
            return 2;
        }
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("conntrack.txt"), String.join("\n", r.table()) + (r.table().isEmpty() ? "" : "\n"));
            Files.writeString(out.resolve("events.txt"), String.join("\n", r.events) + (r.events.isEmpty() ? "" : "\n"));
            Files.writeString(out.resolve("iptables-save-c.txt"), r.iptablesSaveCounters());
            Files.writeString(out.resolve("stats.txt"), r.stats());
            Files.writeString(out.resolve("notes.txt"), String.join("\n", r.notes) + "\n");
            r.writeOutputPcap(out.resolve("output.pcap"));
        }
        System.out.println(dir.getFileName() + ": " + r.scenario.input.size() + " frames in, " + r.sent.size() + " out, "
                + r.conntrack.table.count() + " entries");
        r.notes.forEach(n -> System.out.println("  note: " + n));
        if (!check) {
            return 0;
        }
        Check c = Check.of(r);
        c.notes.forEach(n -> System.out.println("  note: " + n));
        if (c.matches()) {
            System.out.println(c.compared.size() == 1 ? "MATCH: every output frame equals the kernel's"
                    : c.notes.stream().anyMatch(n -> n.endsWith("not compared"))
                            ? "MATCH: " + String.join(", ", c.compared) + " equal the kernel's"
                            : "MATCH: every frame, event, entry and counter equals the kernel's");
            return 0;
        }
        System.out.println("DIFFERS from the kernel in: " + String.join(", ", c.diffs.keySet()));
        System.out.print(c.report());
        return 1;
    }
}
