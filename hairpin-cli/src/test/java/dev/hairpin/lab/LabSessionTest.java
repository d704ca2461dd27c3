package dev.hairpin.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.sim.OperatorConformanceTestAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripted lab sessions rebuilding the seed scenarios with operator commands and one-line
 * packets ({@code hairpin --state DIR ...}), each checked against what the kernel did in the
 * matching recording: the conntrack table it ended with (entries, counters, flags; timers within
 * two seconds, since the lab's clock does not run between packets), or where the packets went.
 */
class LabSessionTest {
    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {}

    Run lab(Path dir, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Lab.main(dir, List.of(args), "", new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    Run script(String name) {
        Path dir = tmp.resolve(name);
        assertThat(lab(dir, "init").rc()).isZero();
        Run r = lab(dir, "script", Path.of("src/test/resources/lab", name + ".lab").toString());
        assertThat(r.err()).as(r.out()).doesNotContain("hairpin:");
        return r;
    }

    static Path shared(String scenario) {
        Path p = Path.of(System.getProperty("hairpin.shared", "../../shared"), "conformance", scenario, "expected", "conntrack.txt");
        Assumptions.assumeTrue(Files.exists(p), "no recording at " + p);
        return p;
    }

    /** the final table equals the kernel's (normalised as the operator conformance test does) */
    void sameTable(String name, String scenario) throws Exception {
        script(name);
        Run l = lab(tmp.resolve(name), "conntrack", "-L");
        assertThat(l.rc()).isZero();
        String kernel = Files.readString(shared(scenario));
        String why = OperatorConformanceTestAccess.differs(kernel.strip(), l.out().strip(), 2);
        assertThat(why).as(name + ":\nkernel:\n" + kernel + "lab:\n" + l.out()).isNull();
    }

    @Test
    void portForward() throws Exception {
        sameTable("port-forward", "dnat-port-forward");
        Run r = lab(tmp.resolve("port-forward"), "iptables", "-t", "nat", "-L", "PREROUTING", "-n", "-v");
        assertThat(r.out()).contains("    1    40 DNAT");
    }

    @Test
    void portForwardUnsolicitedPacketsAreDroppedOrAnsweredByTheGateway() {
        Run r = script("port-forward");
        assertThat(r.out()).contains("in  eth1: tcp 198.51.100.7:51001 > 10.0.0.5:22 [S] seq 3000 ack 0 len 0 ttl 64\ndropped: ");
        assertThat(r.out()).contains("out eth1: tcp 203.0.113.1:2222 > 198.51.100.7:51002 [RA] seq 0 ack 4001");
    }

    @Test
    void hairpinNat() throws Exception {
        sameTable("hairpin-nat", "hairpin-nat");
    }

    @Test
    void tableFull() throws Exception {
        sameTable("table-full", "conntrack-table-full");
        Run r = lab(tmp.resolve("table-full"), "conntrack", "-S");
        assertThat(r.out()).contains("drop=4 ");
        String session = Files.readString(Path.of("src/test/resources/lab/table-full.lab"));
        assertThat(session).contains("conntrack -C");
    }

    @Test
    void tableFullDropsTheNinthFlowWithTheKernelsMessage() {
        Run r = script("table-full");
        assertThat(r.out()).contains("$ conntrack -C\n8\n");
        assertThat(r.out()).contains("in  eth0: udp 10.0.0.2:7101 > 198.51.100.53:53 len 6 ttl 64\nkernel: nf_conntrack: table full, dropping packet");
    }

    @Test
    void conntrackDeleteAfterChangingTheDnatRuleSendsTheFlowToTheNewBackend() {
        Run r = script("redirect-after-delete");
        String out = r.out();
        int change = out.indexOf('\n', out.indexOf("$ iptables -t nat -R PREROUTING 1"));
        int delete = out.indexOf("$ conntrack -D");
        assertThat(out.substring(change, delete)).contains("out eth0: tcp 198.51.100.7:51000 > 10.0.0.5:80 [PA]")
                .doesNotContain("10.0.0.6");
        assertThat(out.substring(delete)).contains("out eth0: tcp 198.51.100.7:51000 > 10.0.0.6:80 [PA]");
        assertThat(out.substring(delete)).contains("src=10.0.0.6 dst=198.51.100.7 sport=80 dport=51000");
        assertThat(r.err()).contains("1 flow entries have been deleted.");
    }

    @Test
    void routeLocalnetDecidesWhetherLoopbackTrafficMayBeDnatedOut() {
        Run r = script("router-localnet");
        String out = r.out();
        int sysctl = out.indexOf("$ sysctl -w");
        assertThat(out.substring(0, sysctl)).doesNotContain("out eth0");
        assertThat(out.substring(sysctl)).contains("out eth0: tcp 10.0.0.1:40004 > 10.0.0.5:80 [S] seq 10000");
    }

    @Test
    void statisticNthBalancesFlowsAcrossSeparateInvocations() {
        Path dir = tmp.resolve("lb");
        lab(dir, "init");
        assertThat(lab(dir, "iptables", "-t", "nat", "-A", "PREROUTING", "-i", "eth1", "-p", "tcp", "--dport", "80", "-m", "statistic",
                "--mode", "nth", "--every", "2", "--packet", "0", "-j", "DNAT", "--to-destination", "10.0.0.5").rc()).isZero();
        lab(dir, "iptables", "-t", "nat", "-A", "PREROUTING", "-i", "eth1", "-p", "tcp", "--dport", "80", "-j", "DNAT",
                "--to-destination", "10.0.0.6");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            Run r = lab(dir, "send", "tcp", "198.51.100.7:" + (52000 + i), "203.0.113.1:80", "--in", "eth1", "--flags", "S");
            where.append(r.out().contains("> 10.0.0.5:80") ? "5" : r.out().contains("> 10.0.0.6:80") ? "6" : "?");
        }
        assertThat(where.toString()).isEqualTo("5656");
    }

    @Test
    void theStateSurvivesBetweenCommandsWithItsClock() {
        Path dir = tmp.resolve("clock");
        lab(dir, "init");
        // conntrack runs only while a rule needs it (nf_ct_netns_get: recorded, conntrack-on-demand)
        lab(dir, "iptables", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
        lab(dir, "sysctl", "-w", "net.netfilter.nf_conntrack_udp_timeout=10");
        lab(dir, "send", "udp", "10.0.0.2:5000", "198.51.100.53:53", "--in", "eth0");
        assertThat(lab(dir, "conntrack", "-L").out()).startsWith("udp      17 10 src=10.0.0.2");
        lab(dir, "sleep", "4");
        assertThat(lab(dir, "conntrack", "-L").out()).startsWith("udp      17 6 src=10.0.0.2");
        lab(dir, "sleep", "7");
        Run gone = lab(dir, "conntrack", "-L");
        assertThat(gone.out()).isEmpty();
        assertThat(gone.err()).isEqualTo("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n");
        Run ev = lab(dir, "conntrack", "-E");
        assertThat(ev.out()).contains("    [NEW] udp      17 10 src=10.0.0.2").contains("[DESTROY] udp      17 src=10.0.0.2");
        assertThat(ev.err()).isEqualTo("conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown.\n");
    }

    @Test
    void sendRefusesOutOfRangeFieldsInsteadOfWrappingThem() {
        Path dir = tmp.resolve("ranges");
        lab(dir, "init");
        String[][] cases = {
            {"--len", "-5", "send: --len must be 0-65495, got -5"},
            {"--len", "70000", "send: --len must be 0-65495, got 70000"},
            {"--ttl", "300", "send: --ttl must be 0-255, got 300"},
            {"--ttl", "-1", "send: --ttl must be 0-255, got -1"},
            {"--seq", "4294967296", "send: --seq must be 0-4294967295, got 4294967296"},
            {"--id", "65536", "send: --id must be 0-65535, got 65536"},
            {"--type", "256", "send: --type must be 0-255, got 256"},
            {"--len", "x", "send: --len expects a number 0-65495, got x"},
        };
        for (String[] c : cases) {
            Run r = lab(dir, "send", "udp", "10.0.0.2:1000", "198.51.100.1:53", "--in", "eth0", c[0], c[1]);
            assertThat(r.rc()).as(c[0] + " " + c[1]).isEqualTo(2);
            assertThat(r.err()).isEqualTo("hairpin: " + c[2] + "\n");
        }
        assertThat(lab(dir, "conntrack", "-C").out()).isEqualTo("0\n"); // nothing was sent
        // a datagram larger than the MTU leaves in fragments, shown as fragments
        Run big = lab(dir, "send", "udp", "10.0.0.2:1000", "198.51.100.1:53", "--in", "eth0", "--len", "3000");
        assertThat(big.out()).contains("(first fragment, 1480 bytes)").contains("fragment id 0 offset 1480 + len 1480")
                .contains("fragment id 0 offset 2960 len 48");
    }

    @Test
    void aBadCommandChangesNothingAndSaysWhy() {
        Path dir = tmp.resolve("bad");
        lab(dir, "init");
        Run r = lab(dir, "send", "tcp", "10.0.0.2:99999", "198.51.100.1:80", "--in", "eth0");
        assertThat(r.rc()).isEqualTo(2); // a command line that cannot be run, as iptables' PARAMETER_PROBLEM
        assertThat(r.err()).isEqualTo("hairpin: send: port must be 0-65535, got 99999\n");
        Run s = lab(dir, "send", "tcp", "10.0.0.2:1", "198.51.100.1:80", "--in", "eth9");
        assertThat(s.err()).isEqualTo("hairpin: send: no interface eth9 on the lab host\n");
    }

    /**
     * -m set against an ipset with a nomatch carve-out: the membership answers are those ipset's
     * own tests expect of hash:net (tests/hash:net.t: 1.1.1.3 in, 1.1.1.4 not, 1.1.1.16 in), and
     * packets follow them through FORWARD.
     */
    @Test
    void aSetMatchDropsWhatTheSetHoldsExceptItsNomatchCarveOuts() {
        Path dir = tmp.resolve("ipset");
        lab(dir, "init");
        for (String[] c : new String[][] {{"create", "test", "hash:net", "timeout", "30"}, {"-A", "test", "1.1.1.1", "nomatch"},
            {"-A", "test", "1.1.1.0/30"}, {"-A", "test", "1.1.1.0/28", "nomatch"}, {"-A", "test", "1.1.1.0/26"}}) {
            String[] argv = new String[c.length + 1];
            argv[0] = "ipset";
            System.arraycopy(c, 0, argv, 1, c.length);
            assertThat(lab(dir, argv).rc()).as(String.join(" ", c)).isZero();
        }
        assertThat(lab(dir, "ipset", "-T", "test", "1.1.1.1").rc()).isEqualTo(1);
        assertThat(lab(dir, "ipset", "-T", "test", "1.1.1.3").rc()).isZero();
        assertThat(lab(dir, "ipset", "-T", "test", "1.1.1.4").rc()).isEqualTo(1);
        assertThat(lab(dir, "ipset", "-T", "test", "1.1.1.16").rc()).isZero();
        assertThat(lab(dir, "iptables", "-A", "FORWARD", "-m", "set", "--match-set", "test", "src", "-j", "DROP").rc()).isZero();
        assertThat(lab(dir, "send", "udp", "1.1.1.3:5000", "10.0.0.2:53", "--in", "eth1").out()).contains("dropped");
        assertThat(lab(dir, "send", "udp", "1.1.1.4:5000", "10.0.0.2:53", "--in", "eth1").out()).contains("out eth0: udp 1.1.1.4:5000");
        assertThat(lab(dir, "send", "udp", "1.1.1.16:5000", "10.0.0.2:53", "--in", "eth1").out()).contains("dropped");
        Run destroy = lab(dir, "ipset", "destroy", "test");
        assertThat(destroy.rc()).isEqualTo(1);
        assertThat(destroy.err()).isEqualTo("ipset v7.17: Set cannot be destroyed: it is in use by a kernel component\n");
        lab(dir, "sleep", "31");
        assertThat(lab(dir, "send", "udp", "1.1.1.3:5001", "10.0.0.2:53", "--in", "eth1").out()).contains("out eth0");
    }
}
