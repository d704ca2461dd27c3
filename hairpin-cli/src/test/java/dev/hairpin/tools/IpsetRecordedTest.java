package dev.hairpin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ipset 7.17 on a 6.x kernel, recorded in a network namespace (src/test/resources/tools/
 * ipset-recorded.jsonl, made by src/test/scripts/record_tool.py from ipset-cases.txt): the same
 * command lines, in order, at the moments they ran, must print byte for byte what ipset printed
 * and exit the same way. The one thing masked is an {@code initval} the command lines did not
 * choose: the kernel draws it at random (two recordings differed there and nowhere else).
 */
class IpsetRecordedTest {
    private static final Path DIR = Path.of("src/test/resources/tools");
    private static final Pattern INITVAL = Pattern.compile("initval (0x[0-9a-f]{8})");

    @Test
    void everyRecordedCommandLineBehavesAsIpsetDid() throws Exception {
        String cases = Files.readString(DIR.resolve("ipset-cases.txt"));
        Conntrack ct = new Conntrack(new CtConfig(), 1);
        long t0 = 1_000_000_000_000L;
        ct.table.setNow(t0);
        EngineState st = new EngineState(new Stack(new Host(), ct, new SplittableRandom(1)), new Ruleset());
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(DIR.resolve("ipset-recorded.jsonl"))) {
            JsonNode d = new ObjectMapper().readTree(line);
            String cmd = d.get("cmd").asText();
            ct.advance(t0 + Math.round(d.get("t").asDouble() * 1e9));
            String stdin = d.has("stdin") ? d.get("stdin").asText() : "";
            ToolResult r = OperatorCommands.run(st, List.of(cmd.split("\\s+")), stdin);
            n++;
            String why = null;
            if (!mask(r.stdout(), cases).equals(mask(d.get("stdout").asText(), cases))) {
                why = "stdout differs";
            } else if (!r.stderr().equals(d.get("stderr").asText())) {
                why = "stderr differs";
            } else if (r.exitCode() != d.get("rc").asInt()) {
                why = "exit " + r.exitCode() + ", ipset's " + d.get("rc").asInt();
            }
            if (why != null) {
                failures.add(cmd + (d.has("stdin") ? " <<" + stdin.replace("\n", "\\n") : "") + ": " + why + "\n  ipset: rc " + d.get("rc").asInt()
                        + "\n" + d.get("stdout").asText() + d.get("stderr").asText() + "  ours: rc " + r.exitCode() + "\n" + r.stdout() + r.stderr());
            }
        }
        assertThat(n).isGreaterThan(150);
        assertThat(failures).as(failures.size() + " of " + n + " differ:\n" + String.join("\n", failures)).isEmpty();
    }

    /** replaces an initval the command lines did not choose (the kernel's random one) */
    private static String mask(String out, String cases) {
        Matcher m = INITVAL.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, cases.contains("initval " + m.group(1)) ? m.group() : "initval RANDOM");
        }
        return m.appendTail(sb).toString();
    }
}
