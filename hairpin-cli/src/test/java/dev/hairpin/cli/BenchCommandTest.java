package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Every `hairpin bench` workload runs to the end on a small size and reports the fields the
 * issue names. The bench checks itself as it goes (every flow has its conntrack entry, every
 * packet was transmitted) and fails otherwise, so this catches an engine change that stops a
 * workload's traffic from being tracked or forwarded. No timing is asserted.
 */
class BenchCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "udp    | --workload udp --connections 1000 --packets 64000",
            "udp    | --workload udp --connections 1000 --packets 64000 --no-snat",
            "udp    | --workload udp --connections 2000 --packets 64000 --threads 2",
            "udp    | --workload udp --connections 3000 --packets 64000 --threads 3 --no-snat",
            "filter | --workload filter --rules 10 --packets 64000 --threads 2",
            "filter | --workload filter --rules 10 --packets 64000",
            "create | --workload create --connections 5000",
            "create | --workload create --connections 5000 --threads 2",
            "tcp    | --workload tcp --packets 64000",
            "replay | --workload replay --connections 100 --packets 20000",
    })
    void runsAndReports(String workload, String args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new BenchCommand()).execute((args + " --json").trim().split("\\s+"));
        } finally {
            System.setOut(out);
        }
        assertThat(rc).as(args).isZero();
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode r = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(r.get("workload").asText()).isEqualTo(workload);
        assertThat(r.get("snat").asBoolean()).isEqualTo(!args.contains("--no-snat") && !workload.equals("filter"));
        java.util.regex.Matcher t = java.util.regex.Pattern.compile("--threads (\\d+)").matcher(args);
        assertThat(r.get("threads").asInt()).isEqualTo(t.find() ? Integer.parseInt(t.group(1)) : 1);
        assertThat(r.get("packets").asLong()).isPositive();
        assertThat(r.get("mpps").asDouble()).isPositive();
        assertThat(r.get("ns_per_packet").asDouble()).isPositive();
        assertThat(r.get("bytes_per_entry").asDouble()).isPositive();
        if (workload.equals("create") || workload.equals("tcp")) {
            assertThat(r.get("connections_per_sec").asDouble()).isPositive();
        }
    }
}
