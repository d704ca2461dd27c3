package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.packet.Skb;
import dev.hairpin.sim.Scenario;
import dev.hairpin.trace.Header;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hairpin trace} end to end: a packet described on the command line against a recorded
 * host snapshot leaves as the kernel's own output frame for that packet did; bad descriptions
 * are refused with what was expected and exit 2.
 */
class TraceCommandTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        return capture(() -> new CommandLine(new Main()).execute(args));
    }

    /** runs a command that prints to System.out/err, capturing both */
    static Run capture(java.util.function.IntSupplier command) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = command.getAsInt();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    static Path scenario(String name) {
        Path p = Path.of(System.getProperty("hairpin.shared", "../shared")).resolve("conformance").resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(p), "no conformance scenario at " + p);
        return p;
    }

    @Test
    void aPortForwardedSynLeavesAsTheKernelSentIt(@TempDir Path tmp) throws Exception {
        Path dir = scenario("dnat-port-forward");
        // input 1 of the recording: 198.51.100.7:51000 > 203.0.113.1:8080 SYN on eth1, id 1, ttl 64, no options
        Run r = run("trace", "--snapshot", dir.resolve("host").toString(), "--in", "eth1", "tcp", "198.51.100.7:51000", ">",
                "203.0.113.1:8080", "--syn", "--seq", "1000", "--json", "--html", tmp.resolve("r.html").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode p = root.get("packets").get(0);
        assertThat(p.get("fate").get("kind").asText()).isEqualTo("sent");
        Scenario.Frame kernel = Scenario.load(dir).output.getFirst();
        assertThat(p.get("fate").get("dev").asText()).isEqualTo(kernel.iface());
        Header k = Header.of(new Skb(kernel.ip(), 0, kernel.ip().length));
        JsonNode leaves = p.get("leaves");
        assertThat(leaves.get("saddr").asText() + ":" + leaves.get("sport").asInt() + " > " + leaves.get("daddr").asText() + ":"
                + leaves.get("dport").asInt()).isEqualTo(k.src() + " > " + k.dst());
        assertThat(leaves.get("ttl").asInt()).isEqualTo(k.ttl());
        assertThat(Files.readString(tmp.resolve("r.html"))).contains("\"packets\"");

        Run text = run("trace", "--snapshot", dir.resolve("host").toString(), "--in", "eth1", "tcp", "198.51.100.7:51000", ">",
                "203.0.113.1:8080");
        assertThat(text.out()).contains("ip nat PREROUTING rule 1: -A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT")
                .contains("fate: forwarded out of eth0");
    }

    @Test
    void aReplyNeedsItsConnectionFirst() {
        Path host = scenario("dnat-port-forward").resolve("host");
        String synack = "tcp 10.0.0.5:80 > 198.51.100.7:51000 --syn --ack";
        Run alone = run(("trace --snapshot " + host + " --in eth0 " + synack).split(" "));
        // without the SYN, a SYN-ACK cannot open an entry (tcp_conntracks: sNO + SYN/ACK is sIV): INVALID
        assertThat(alone.out()).contains("conntrack PREROUTING: invalid: no entry").contains("(ctstate INVALID)");
        Run after = run("trace", "--snapshot", host.toString(), "--first",
                "--in eth1 tcp 198.51.100.7:51000 > 203.0.113.1:8080 --syn", "--in", "eth0", "tcp", "10.0.0.5:80", ">",
                "198.51.100.7:51000", "--syn", "--ack");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out()).contains("found entry, reply direction")
                .contains("rewritten tcp 10.0.0.5:80 > 198.51.100.7:51000 [syn,ack] -> 203.0.113.1:8080 > 198.51.100.7:51000");
    }

    @Test
    void badInputIsRefusedWithWhatWasExpected() {
        Path dir = scenario("dnat-port-forward");
        String host = dir.resolve("host").toString();
        Run noIface = run("trace", "--snapshot", host, "--in", "eth9", "udp", "10.0.0.2:1", ">", "192.0.2.1:2");
        assertThat(noIface.exit()).isEqualTo(2);
        assertThat(noIface.err()).contains("no interface eth9 in the snapshot (it has [lo, eth0, eth1])");
        Run noPort = run("trace", "--snapshot", host, "--in", "eth0", "udp", "10.0.0.2", ">", "192.0.2.1:2");
        assertThat(noPort.exit()).isEqualTo(2);
        assertThat(noPort.err()).contains("10.0.0.2: expected ADDRESS:PORT for tcp and udp");
        Run badAddr = run("trace", "--snapshot", host, "--in", "eth0", "udp", "10.0.0.300:1", ">", "192.0.2.1:2");
        assertThat(badAddr.exit()).isEqualTo(2);
        assertThat(badAddr.err()).contains("bad IPv4 address: 10.0.0.300");
        Run noWhere = run("trace", "--snapshot", host, "udp", "10.0.0.2:1", ">", "192.0.2.1:2");
        assertThat(noWhere.exit()).isEqualTo(2);
        assertThat(noWhere.err()).contains("--in IFACE");
        Run range = run("trace", "--replay", dir.toString(), "--packet", "999");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("--packet 999: the scenario has input frames 1..");
        Run notDir = run("trace", "--snapshot", "/nonexistent", "--in", "eth0", "udp", "10.0.0.2:1", ">", "192.0.2.1:2");
        assertThat(notDir.exit()).isEqualTo(2);
        assertThat(notDir.err()).contains("/nonexistent: not a snapshot directory");
    }
}
