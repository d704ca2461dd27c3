package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway forwarding real traffic between network namespaces the test creates and removes:
 * a LAN host (10.0.1.2) with real clients, a WAN host (203.0.113.2) with real servers, and the
 * Java gateway in its own namespace owning 10.0.1.1 and 203.0.113.1 on devices that carry no
 * kernel address, with the kernel's forwarding off. The servers report the address they saw, so
 * the assertions are about what real TCP/UDP/ICMP stacks did. Skipped without root or netns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayNetnsTest {
    private String prefix;
    private String lan;
    private String gw;
    private String wan;
    private Path root;
    private Path config;
    private Path socket;
    private Path labtool;
    private Process gateway;
    private Path gatewayLog;
    private final List<Process> background = new ArrayList<>();
    private Thread cleanupHook;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue("0".equals(run(5, "id", "-u").out.trim()), "GatewayNetnsTest skipped: needs root (network namespaces, AF_PACKET)");
        Assumptions.assumeTrue(which("curl") && which("python3") && which("ip"), "GatewayNetnsTest skipped: needs ip, curl and python3");
        root = projectRoot();
        labtool = root.resolve("scripts/labtool.py");
        prefix = "hpgw" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        lan = prefix + "-lan";
        gw = prefix + "-gw";
        wan = prefix + "-wan";
        config = Files.createTempDirectory(prefix + "-config");
        socket = config.resolve("hairpin.sock");
        cleanupHook = new Thread(this::cleanUp);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        Result probe = run(10, "ip", "netns", "add", prefix + "-probe");
        Assumptions.assumeTrue(probe.code == 0, "GatewayNetnsTest skipped: ip netns add failed: " + probe.err);
        run(10, "ip", "netns", "del", prefix + "-probe");

        Result lab = run(60, root.resolve("scripts/gateway-lab.sh").toString(), "up", prefix, config.toString());
        assertThat(lab.code).as("lab set-up: %s", lab.err).isZero();
        gatewayLog = config.resolve("gateway.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        gateway = new ProcessBuilder("ip", "netns", "exec", gw, java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.hairpin.cli.Main", "gateway", "--config", config.toString(),
                "--metrics", "127.0.0.1:9469")
                .redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket) && gateway.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Files.exists(socket)).as("gateway control socket; log:\n%s", log()).isTrue();

        startServer(wan, "python3", "-u", labtool.toString(), "http-serve", "203.0.113.2", "80");
        startServer(lan, "python3", "-u", labtool.toString(), "http-serve", "10.0.1.2", "8000");
        startServer(wan, "python3", "-u", labtool.toString(), "udp-echo", "203.0.113.2", "5353");
        startServer(wan, "python3", "-u", labtool.toString(), "tcp-echo", "203.0.113.2", "7000");
        for (int i = 0; i < serverLogs.size(); i++) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!serverLog(i).contains("ready") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(serverLog(i)).as("server %d", i).contains("ready");
        }
    }

    @AfterAll
    void tearDown() {
        cleanUp();
        if (cleanupHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
    }

    private synchronized void cleanUp() {
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        background.clear();
        if (gateway != null && gateway.isAlive()) {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
        }
        if (prefix != null && root != null) {
            try {
                run(30, root.resolve("scripts/gateway-lab.sh").toString(), "down", prefix);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    // ------------------------------------------------------------------------------- the tests

    @Test
    @Order(1)
    void curlFromLanReachesWanServerThroughMasquerade() throws Exception {
        Result r = run(20, "ip", "netns", "exec", lan, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://203.0.113.2/");
        assertThat(r.out).as("curl: %s\n%s", r.err, log()).isEqualTo("200");
        // the server logs the peer address: the gateway's, never the LAN host's
        assertThat(serverLog(0)).contains("203.0.113.1 GET /").doesNotContain("10.0.1.2");
    }

    @Test
    @Order(2)
    void portForwardIsReachedFromTheWan() throws Exception {
        Result r = run(20, "ip", "netns", "exec", wan, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://203.0.113.1:8080/");
        assertThat(r.out).as("curl: %s\n%s", r.err, log()).isEqualTo("200");
        assertThat(serverLog(1)).contains("203.0.113.2 GET /"); // DNAT only: the LAN server sees the WAN client
    }

    @Test
    @Order(3)
    void hairpinFromTheLanThroughThePublicAddress() throws Exception {
        Result r = run(20, "ip", "netns", "exec", lan, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://203.0.113.1:8080/");
        assertThat(r.out).as("curl: %s\n%s", r.err, log()).isEqualTo("200");
        assertThat(serverLog(1)).contains("10.0.1.1 GET /"); // DNAT plus the hairpin MASQUERADE to the LAN address
    }

    @Test
    @Order(4)
    void udpAndPing() throws Exception {
        Result udp = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "udp-send", "203.0.113.2", "5353", "hello");
        assertThat(udp.out.trim()).as("udp: %s", udp.err).matches("203\\.0\\.113\\.1:\\d+ hello");
        Result ping = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.2", "2");
        assertThat(ping.out).as("ping: %s", ping.err).contains("reply from 203.0.113.2 ttl=63 seq=1", "reply from 203.0.113.2 ttl=63 seq=2");
        Result own = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "10.0.1.1", "1");
        assertThat(own.out).as("ping gateway: %s", own.err).contains("reply from 10.0.1.1 ttl=64");
    }

    @Test
    @Order(4)
    void datagramsOverTheWanMtuLeaveAsFragments() throws Exception {
        // 1478 bytes without DF fit the LAN (1500) but not the WAN (1400): the gateway fragments
        // them (ip_fragment); the echo's ~1500-byte answer comes back as the WAN host's fragments,
        // is reassembled by nf_defrag, un-NATed and sent to the LAN in fragments again
        for (String size : new String[] {"1450", "3000"}) {
            Result r = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "udp-send-big", "203.0.113.2", "5353", size);
            assertThat(r.out.trim()).as("udp %s bytes: %s\n%s", size, r.err, log()).matches("203\\.0\\.113\\.1:\\d+ " + size + " bytes intact");
        }
    }

    @Test
    @Order(4)
    void aNextHopThatNeverAnswersArpGetsHostUnreachable() throws Exception {
        // 203.0.113.99 is on the WAN link but nobody is there: after 3 unanswered requests 1 s
        // apart the queued echo request is dropped with ICMP host unreachable (arp_error_report),
        // translated back through the MASQUERADE entry to the LAN client. The kernel in this same
        // topology (addresses on gwlan/gwwan, ip_forward=1, its own MASQUERADE) answers from the
        // public address too: the error is made about the already-SNATed datagram.
        Result r = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.99", "1", "64", "16", "6");
        assertThat(r.out).as("ping 203.0.113.99: %s\n%s", r.err, log()).contains("icmp type 3 code 1 from 203.0.113.1 ");
    }

    @Test
    @Order(4)
    void icmpErrorsAsTheKernelsForwardingPathSendsThem() throws Exception {
        // the hairpin flows before (10.0.1.2 to the gateway's own address, DNATed back out gwlan)
        // made redirects (send_redirects is on in a new namespace; NAT drops them): as in the
        // kernel, ip_rt_send_redirect() reset 10.0.1.2's inet_peer tokens, which icmp_send()'s
        // icmp_ratelimit (1000 ms) draws on too. Let them refill first.
        Thread.sleep(1100);
        Result ttl = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.2", "1", "1");
        assertThat(ttl.out).as("ttl=1: %s", ttl.err).contains("icmp type 11 code 0 from 10.0.1.1 mtu=0");
        // 1428-byte datagram with DF towards the 1400-byte WAN link: frag needed, next-hop MTU 1400
        Result big = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.2", "1", "64", "1400");
        assertThat(big.out).as("DF over MTU: %s", big.err).contains("icmp type 3 code 4 from 10.0.1.1 mtu=1400");
        // a full-size packet that fits still goes through
        Result fits = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.2", "1", "64", "1372");
        assertThat(fits.out).as("1400 bytes: %s", fits.err).contains("reply from 203.0.113.2 ttl=63");
    }

    @Test
    @Order(5)
    void conntrackListOnTheGatewayShowsTheFlows() {
        Op r = op("conntrack", "-L");
        assertThat(r.code).isZero();
        assertThat(r.err).matches("(?s)conntrack v1\\.4\\.7 \\(conntrack-tools\\): \\d+ flow entries have been shown\\.\n");
        assertThat(r.out).contains(
                "udp      17 ", "src=10.0.1.2 dst=203.0.113.2 sport=", "dport=5353 src=203.0.113.2 dst=203.0.113.1 sport=5353",
                "icmp     1 ", "type=8 code=0",
                "src=203.0.113.2 dst=203.0.113.1 sport=", "dport=8080 src=10.0.1.2 dst=203.0.113.2 sport=8000",
                "dport=8080 src=10.0.1.2 dst=10.0.1.1 sport=8000");
        assertThat(r.out).containsPattern("tcp      6 \\d+ TIME_WAIT src=10.0.1.2 dst=203.0.113.2 sport=\\d+ dport=80 src=203.0.113.2 dst=203.0.113.1 sport=80");
        Op count = op("conntrack", "-C");
        assertThat(Integer.parseInt(count.out.trim())).isEqualTo(r.out.split("\n").length);
    }

    @Test
    @Order(5)
    void traceRunsAgainstACopyOfTheLiveStateAndChangesNothing() {
        String rulesBefore = savedWithCounters();
        String countBefore = op("conntrack", "-C").out;
        // a new connection: MASQUERADE binds it, it would leave on gwwan
        Op syn = op("trace", "--in", "gwlan", "tcp", "10.0.1.2:45555", ">", "203.0.113.2:80", "--syn");
        assertThat(syn.code).as("trace: %s", syn.err).isZero();
        assertThat(syn.out).contains("(ctstate NEW)", "MASQUERADE", "fate: forwarded out of gwwan", "ip saddr 203.0.113.1 ip daddr 203.0.113.2");
        // the answer to a live UDP flow (udp-send to 5353 earlier): the copied entry makes it a reply, un-NATed to the LAN
        Matcher m = Pattern.compile("src=10\\.0\\.1\\.2 dst=203\\.0\\.113\\.2 sport=(\\d+) dport=5353 src=203\\.0\\.113\\.2 dst=203\\.0\\.113\\.1 sport=5353 dport=(\\d+)")
                .matcher(op("conntrack", "-L", "-p", "udp").out);
        assertThat(m.find()).isTrue();
        Op reply = op("trace", "--in", "gwwan", "udp", "203.0.113.2:5353", ">", "203.0.113.1:" + m.group(2));
        assertThat(reply.code).as("trace: %s", reply.err).isZero();
        assertThat(reply.out).contains("found entry, reply direction (ctstate ESTABLISHED (reply))", "fate: forwarded out of gwlan",
                "ip saddr 203.0.113.2 ip daddr 10.0.1.2", "udp dport " + m.group(1));
        // the gateway itself changed nothing: no entry, no rule counter
        assertThat(op("conntrack", "-C").out).isEqualTo(countBefore);
        assertThat(savedWithCounters()).isEqualTo(rulesBefore);
        Op bad = op("trace", "--in", "eth9", "tcp", "10.0.1.2:1", ">", "203.0.113.2:80");
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err).contains("no interface eth9 on the gateway");
    }

    private String savedWithCounters() {
        return op("iptables-save", "-c").out.lines().filter(l -> !l.startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    @Order(6)
    void metricsScrapeShowsTheCounts() throws Exception {
        Result r = run(20, "ip", "netns", "exec", gw, "curl", "-sS", "-m", "10", "http://127.0.0.1:9469/metrics");
        String m = r.out;
        int entries = Integer.parseInt(op("conntrack", "-C").out.trim());
        assertThat(metric(m, "hairpin_conntrack_entries")).isEqualTo(entries);
        assertThat(metric(m, "hairpin_conntrack_max")).isEqualTo(262144);
        assertThat(entries).isGreaterThanOrEqualTo(5);
        // the conntrack -S counters, as the kernel keeps them (insert stays 0 on current kernels)
        Matcher s = Pattern.compile("(\\w+)=(\\d+)").matcher(op("conntrack", "-S").out);
        int stats = 0;
        while (s.find()) {
            if (!s.group(1).equals("cpu")) {
                assertThat(metric(m, "hairpin_conntrack_" + s.group(1) + "_total")).as(s.group(1)).isEqualTo(Long.parseLong(s.group(2)));
                stats++;
            }
        }
        assertThat(stats).isEqualTo(10);
        assertThat(metric(m, "hairpin_rule_packets_total{chain=\"POSTROUTING\",rule=\"2\",table=\"nat\",target=\"MASQUERADE\"}")).isGreaterThanOrEqualTo(3);
        assertThat(metric(m, "hairpin_rule_packets_total{chain=\"PREROUTING\",rule=\"1\",table=\"nat\",target=\"DNAT\"}")).isEqualTo(2);
        assertThat(metric(m, "hairpin_interface_rx_packets_total{interface=\"gwlan\"}")).isGreaterThan(10);
        assertThat(metric(m, "hairpin_interface_tx_packets_total{interface=\"gwwan\"}")).isGreaterThan(10);
        assertThat(metric(m, "hairpin_interface_arp_replies_sent_total{interface=\"gwlan\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(m, "hairpin_nat_mappings{address=\"203.0.113.1\",protocol=\"udp\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(m, "hairpin_packet_processing_seconds_count")).isGreaterThan(10);
        assertThat(m).contains("hairpin_conntrack_entries_by_state{protocol=\"tcp\",state=\"TIME_WAIT\"}");
    }

    @Test
    @Order(7)
    void hotRulesetReplaceKeepsTheEstablishedFlow() throws Exception {
        Process session = new ProcessBuilder("ip", "netns", "exec", lan, "python3", "-u", labtool.toString(), "tcp-session", "203.0.113.2", "7000").start();
        background.add(session);
        BufferedReader out = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter in = new BufferedWriter(new OutputStreamWriter(session.getOutputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("connected");
        in.write("before\n");
        in.flush();
        assertThat(out.readLine()).matches("203\\.0\\.113\\.1:\\d+ before");

        // the whole ruleset again, as an operator reloads it, plus a filter table dropping UDP 5353
        String changed = Files.readString(config.resolve("iptables-save.txt"))
                + "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                + "-A FORWARD -p udp -m udp --dport 5353 -j DROP\nCOMMIT\n";
        int entries = Integer.parseInt(op("conntrack", "-C").out.trim());
        Op restore = opIn(changed, "iptables-restore");
        assertThat(restore.code).as(restore.err).isZero();
        assertThat(op("iptables-save").out).contains("-A FORWARD -p udp -m udp --dport 5353 -j DROP");
        assertThat(Integer.parseInt(op("conntrack", "-C").out.trim())).isGreaterThanOrEqualTo(entries);

        in.write("after\n");
        in.flush();
        assertThat(out.readLine()).matches("203\\.0\\.113\\.1:\\d+ after");
        Result udp = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "udp-send", "203.0.113.2", "5353", "blocked");
        assertThat(udp.out.trim()).isEqualTo("timeout");
        Op del = op("iptables", "-D", "FORWARD", "-p", "udp", "-m", "udp", "--dport", "5353", "-j", "DROP");
        assertThat(del.code).as(del.err).isZero();
        in.close();
        session.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(8)
    void badCommandsChangeNothing() {
        String before = op("iptables-save").out.replaceAll("(?m)^#.*\n", "");
        Op bad = op("iptables", "-t", "nat", "-A", "POSTROUTING", "--bogus", "-j", "MASQUERADE");
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err).contains("unknown option \"--bogus\"");
        Op badRestore = opIn("*nat\n-A POSTROUTING -j NOSUCHTARGET\nCOMMIT\n", "iptables-restore");
        assertThat(badRestore.code).isNotZero();
        Op badSysctl = op("sysctl", "-w", "net.netfilter.nf_conntrack_max=lots");
        assertThat(badSysctl.code).isEqualTo(1); // procps: "Invalid argument", exit 1 (recorded by the ops tools)
        assertThat(badSysctl.err).contains("Invalid argument");
        assertThat(op("iptables-save").out.replaceAll("(?m)^#.*\n", "")).isEqualTo(before);
        assertThat(op("sysctl", "net.netfilter.nf_conntrack_max").out).isEqualTo("net.netfilter.nf_conntrack_max = 262144\n"); // unchanged
        Op good = op("sysctl", "-w", "net.netfilter.nf_conntrack_udp_timeout=45");
        assertThat(good.out).isEqualTo("net.netfilter.nf_conntrack_udp_timeout = 45\n");
    }

    @Test
    @Order(9)
    void conntrackEventsStreamLive() throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream o = new DataOutputStream(Channels.newOutputStream(c));
            ControlProtocol.writeRequest(o, List.of("conntrack", "-E"), new byte[0]);
            Thread.sleep(300);
            Result udp = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "udp-send", "203.0.113.2", "5353", "events");
            assertThat(udp.out.trim()).matches("203\\.0\\.113\\.1:\\d+ events");
            DataInputStream in = new DataInputStream(Channels.newInputStream(c));
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("[UPDATE]")) {
                assertThat(in.readUnsignedByte()).isEqualTo(ControlProtocol.STDOUT);
                seen.append(new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).containsPattern("    \\[NEW\\] udp      17 \\d+ src=10.0.1.2 dst=203.0.113.2 sport=\\d+ dport=5353 \\[UNREPLIED\\] "
                    + "src=203.0.113.2 dst=203.0.113.1 sport=5353 dport=\\d+");
            assertThat(seen.toString()).containsPattern(" \\[UPDATE\\] udp      17 \\d+ src=10.0.1.2 dst=203.0.113.2 sport=\\d+ dport=5353 "
                    + "src=203.0.113.2 dst=203.0.113.1 sport=5353 dport=\\d+");
        }
        // the subscriber went away: the gateway still answers
        assertThat(op("conntrack", "-C").code).isZero();
    }

    @Test
    @Order(10)
    void malformedFramesAreDroppedAndCountedAndTheLoopGoesOn() throws Exception {
        String mac = run(10, "ip", "-n", gw, "link", "show", "gwlan").out.replaceAll("(?s).*link/ether (\\S+).*", "$1").trim();
        Result bad = run(30, "ip", "netns", "exec", lan, "python3", labtool.toString(), "bad-frames", "lan0", mac, "10.0.1.2", "203.0.113.2", "500");
        assertThat(bad.out).as(bad.err).matches("sent \\d{3}\n");
        Result ping = run(20, "ip", "netns", "exec", lan, "python3", labtool.toString(), "ping", "203.0.113.2", "1");
        assertThat(ping.out).as("still forwarding: %s", ping.err).contains("reply from 203.0.113.2 ttl=63");
        String m = run(20, "ip", "netns", "exec", gw, "curl", "-sS", "-m", "10", "http://127.0.0.1:9469/metrics").out;
        assertThat(metric(m, "hairpin_interface_rx_errors_total{interface=\"gwlan\"}")).isPositive();
        assertThat(metric(m, "hairpin_stack_drops_total{reason=\"ip_rcv: bad header length\"}")).isPositive();
        assertThat(metric(m, "hairpin_stack_drops_total{reason=\"ip_rcv: bad header checksum\"}")).isPositive();
        assertThat(log()).doesNotContain("the engine failed");
    }

    @Test
    @Order(100)
    void controlSocketIsOwnerOnlyAndSigtermExitsCleanly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        // ip netns exec runs the JVM as a child: signal the JVM itself
        ProcessHandle jvm = gateway.descendants().filter(p -> p.info().command().map(s -> s.endsWith("java")).orElse(false))
                .findFirst().orElse(gateway.toHandle());
        run(5, "kill", "-TERM", Long.toString(jvm.pid()));
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.exitValue()).as(log()).isZero();
        assertThat(Files.exists(socket)).isFalse();
        assertThat(log()).contains("gateway up:", "stopping:");
    }

    // ------------------------------------------------------------------------------- helpers

    record Result(int code, String out, String err) {}

    record Op(int code, String out, String err) {}

    private Op op(String... argv) {
        return opIn("", argv);
    }

    private Op opIn(String stdin, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayClient.run(socket, List.of(argv), stdin.getBytes(StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Op(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+]+)$").matcher(text);
        assertThat(m.find()).as("metric %s in\n%s", name, text).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    private final List<Path> serverLogs = new ArrayList<>();

    private void startServer(String ns, String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        Path logFile = config.resolve("server" + serverLogs.size() + ".log");
        serverLogs.add(logFile);
        background.add(new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(logFile.toFile()).start());
    }

    private String serverLog(int i) throws IOException {
        return Files.readString(serverLogs.get(i));
    }

    private String log() {
        try {
            return Files.readString(gatewayLog);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static boolean which(String tool) {
        try {
            return run(5, "sh", "-c", "command -v " + tool).code == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static Result run(int seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[][] bufs = new byte[2][];
        Thread t1 = Thread.ofVirtual().start(() -> bufs[0] = readAll(p.getInputStream()));
        Thread t2 = Thread.ofVirtual().start(() -> bufs[1] = readAll(p.getErrorStream()));
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        t1.join(5000);
        t2.join(5000);
        return new Result(p.isAlive() ? -1 : p.exitValue(), str(bufs[0]), str(bufs[1]));
    }

    private static String str(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static Path projectRoot() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/gateway-lab.sh"))) {
            p = p.getParent();
        }
        Assumptions.assumeTrue(p != null, "GatewayNetnsTest skipped: scripts/gateway-lab.sh not found above " + System.getProperty("user.dir"));
        return p;
    }
}
