package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in demo tells the story the kernel would: each scene's NAT shows in the events
 * (translated reply tuples), the table fills up and refuses a SYN once early drop has nothing
 * left to evict, and the report is written.
 */
class DemoCommandTest {

    @Test
    void theHomeRouterBehavesAsTheNatGuidesSay(@TempDir Path tmp) throws Exception {
        DemoCommand d = new DemoCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        d.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        d.html = tmp.resolve("demo.html");
        assertThat(d.call()).isZero();
        String out = buf.toString(StandardCharsets.UTF_8);

        // MASQUERADE: the DNS reply tuple is addressed to the router's public address
        assertThat(out).contains("[UPDATE] udp      17 30 src=10.0.0.2 dst=198.51.100.53 sport=41000 dport=53 src=198.51.100.53 dst=203.0.113.1 sport=53 dport=41000");
        // a full TCP lifecycle ends in TIME_WAIT
        assertThat(out).contains("TIME_WAIT src=10.0.0.2 dst=192.0.2.80 sport=50000 dport=443");
        // port unreachable from the router's own stack
        assertThat(out).contains("answered with ICMP port unreachable");
        // port forward: the reply comes from the web server
        assertThat(out).contains("src=198.51.100.7 dst=203.0.113.1 sport=51000 dport=80 [UNREPLIED] src=10.0.0.10 dst=198.51.100.7");
        // hairpin NAT: DNAT to the server and MASQUERADE to the router's LAN address, both in one entry
        assertThat(out).contains("src=10.0.0.2 dst=203.0.113.1 sport=50100 dport=80 [UNREPLIED] src=10.0.0.10 dst=10.0.0.1 sport=80 dport=50100");
        // router-local access: DNAT in OUTPUT, the connection establishes
        assertThat(out).contains("ESTABLISHED src=203.0.113.1 dst=203.0.113.1 sport=43000 dport=80 src=10.0.0.10 dst=203.0.113.1");
        // nth statistic alternates backends per connection (the nat table sees only first packets)
        assertThat(out).contains("sport=52000 dport=8080 [UNREPLIED] src=10.0.0.11").contains("sport=52001 dport=8080 [UNREPLIED] src=10.0.0.12")
                .contains("sport=52002 dport=8080 [UNREPLIED] src=10.0.0.11").contains("sport=52003 dport=8080 [UNREPLIED] src=10.0.0.12");
        // the table fills: unassured entries are early-dropped first, then a SYN is refused
        assertThat(out).contains("kernel: nf_conntrack: table full, dropping packet")
                .contains("the SYN's trace: dropped in PREROUTING: conntrack table full")
                .containsPattern("drop=[1-9]\\d* early_drop=[1-9]");
        assertThat(out).contains(": 16 flow entries have been shown.");
        // the traced hairpin SYN leaves rewritten on both sides
        assertThat(out).contains("fate: forwarded out of eth0")
                .contains("leaves as: ip saddr 10.0.0.1 ip daddr 10.0.0.10");
        assertThat(Files.readString(d.html)).contains("\"packets\"").contains("data-rendered");
    }
}
