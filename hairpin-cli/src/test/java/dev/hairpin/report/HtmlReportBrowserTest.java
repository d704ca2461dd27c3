package dev.hairpin.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.sim.Replay;
import dev.hairpin.sim.Scenario;
import dev.hairpin.trace.PacketTrace;
import dev.hairpin.trace.Tracer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Opens the HTML trace report in a real headless Chromium (Debian's {@code chromium}): the
 * page's script must run to the end without an error, and the DOM it builds must show the
 * traced packet's path (hook boxes and edges marked on, the drop point marked), the flow
 * timeline and the occupancy chart. Writes a screenshot to target/trace-report.png. Skipped,
 * saying so, when Chromium is not installed.
 */
class HtmlReportBrowserTest {

    static Path chromium() {
        for (String c : new String[] {System.getProperty("hairpin.chromium", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome"}) {
            if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    static Path scenario(String name) {
        Path p = Path.of(System.getProperty("hairpin.shared", "../shared")).resolve("conformance").resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(p), "no conformance scenario at " + p);
        return p;
    }

    /** a report of a replay, showing the trace of input frame {@code input} */
    static Path report(String scenario, int input, Path dir) throws IOException {
        Replay r = new Replay(Scenario.load(scenario(scenario)));
        Tracer tracer = new Tracer(r.conntrack);
        r.stack.trace(tracer);
        r.run();
        PacketTrace sel = tracer.traces().stream().filter(t -> t.seq == input && t.parent == 0).findFirst().orElseThrow();
        Path file = dir.resolve(scenario + ".html");
        long t0 = tracer.traces().get(0).timeNs;
        HtmlReport.write(file, "trace " + scenario, "test", TraceJson.of(tracer, tracer.traces(), true, t0), sel.id);
        return file;
    }

    record Run(String stdout, String stderr) {}

    static Run chromium(Path exe, Path tmp, String... args) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("stdout-" + System.nanoTime());
        Path err = tmp.resolve("stderr-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        return new Run(Files.readString(out), Files.readString(err));
    }

    static String attr(String dom, String id, String attr) {
        Matcher m = Pattern.compile("<[a-z]+ [^>]*id=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
        assertThat(m.find()).as("element #" + id + " in the rendered DOM").isTrue();
        Matcher a = Pattern.compile(attr + "=\"([^\"]*)\"").matcher(m.group());
        return a.find() ? a.group(1) : null;
    }

    static void assertRendered(Run run, String what) {
        assertThat(run.stdout()).as(what + ": the page's script ran to the end").contains("data-rendered=\"ok\"");
        assertThat(run.stdout()).as(what + ": no script error").doesNotContain("data-error=");
        assertThat(run.stderr()).as(what + ": console").doesNotContain("Uncaught");
    }

    @Test
    void aRejectedPacketShowsItsPathTheDropAndTheGeneratedReset() throws Exception {
        Path exe = chromium();
        Assumptions.assumeTrue(exe != null, "Chromium not installed (apt-get install chromium): the HTML report is not checked in a browser");
        Path tmp = Files.createDirectories(Path.of("target", "browser-test"));
        Path file = report("reject-targets", 1, tmp);
        Run run = chromium(exe, tmp, "--dump-dom", file.toUri().toString());
        assertRendered(run, "reject-targets");
        String dom = run.stdout();
        // input 1 of reject-targets: in on eth0, forwarded, REJECTed with a RST in FORWARD
        for (String on : List.of("node-in", "node-PREROUTING", "node-route", "node-FORWARD", "edge-in-PREROUTING",
                "edge-PREROUTING-route", "edge-route-FORWARD")) {
            assertThat(attr(dom, on, "data-on")).as(on + " on the path").isEqualTo("1");
        }
        for (String off : List.of("node-INPUT", "node-POSTROUTING", "node-out", "edge-FORWARD-POSTROUTING", "edge-route-INPUT")) {
            assertThat(attr(dom, off, "data-on")).as(off + " off the path").isEqualTo("0");
        }
        assertThat(attr(dom, "node-FORWARD", "class")).contains("drop");
        assertThat(attr(dom, "tbl-FORWARD-filter", "class")).contains("drop");
        assertThat(attr(dom, "fate", "class")).contains("bad");
        assertThat(dom).contains("rejected by rule 1 of filter FORWARD").contains("generated packet #2 (TCP RST)");
        // every packet was rejected before its entry was confirmed: no flow to draw
        assertThat(attr(dom, "timeline-box", "style")).contains("display: none");
    }

    @Test
    void aPortForwardedPacketShowsItsRewriteAndAScreenshotIsWritten() throws Exception {
        Path exe = chromium();
        Assumptions.assumeTrue(exe != null, "Chromium not installed (apt-get install chromium): the HTML report is not checked in a browser");
        Path tmp = Files.createDirectories(Path.of("target", "browser-test"));
        Path file = report("dnat-port-forward", 1, tmp);
        Run run = chromium(exe, tmp, "--dump-dom", file.toUri().toString());
        assertRendered(run, "dnat-port-forward");
        String dom = run.stdout();
        for (String on : List.of("node-PREROUTING", "node-FORWARD", "node-POSTROUTING", "node-out", "edge-FORWARD-POSTROUTING",
                "edge-POSTROUTING-out", "tbl-PREROUTING-nat", "tbl-FORWARD-filter")) {
            assertThat(attr(dom, on, "data-on") != null ? attr(dom, on, "data-on") : attr(dom, on, "class")).as(on).matches("1|.*on.*");
        }
        assertThat(attr(dom, "node-out", "class")).doesNotContain("drop");
        // hovering the nat row of PREROUTING lists the rules met there
        assertThat(dom).containsPattern("id=\"tbl-PREROUTING-nat\"[^>]*>[^<]*<title>[^<]*-j DNAT --to-destination 10.0.0.5:80");
        // the DNAT rewrite: 203.0.113.1:8080 became 10.0.0.5:80, marked as changed
        assertThat(dom).contains("class=\"ev ev-NEW\"").contains("class=\"ev ev-DESTROY\"").contains("id=\"occupancy-line\"");
        assertThat(dom).contains("after DNAT in PREROUTING").contains("<td class=\"mono changed\">10.0.0.5</td>");

        Path shot = Path.of("target", "trace-report.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium(exe, tmp, "--hide-scrollbars", "--window-size=1400,1600", "--screenshot=" + shot, file.toUri().toString());
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
