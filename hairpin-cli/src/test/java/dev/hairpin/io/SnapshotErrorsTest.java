package dev.hairpin.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged host snapshot is refused with a SnapshotException naming the file, the line (and
 * the entry) and what was expected, never another exception and never loaded half-way into an
 * engine that then fails on the first packet (an MTU of 0, a route without a device).
 */
class SnapshotErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** a copy of a recorded gateway's snapshot (checksum-invalid: eth0 10.0.0.1/24, eth1 203.0.113.1/24) */
    @BeforeEach
    void copy() throws IOException {
        Path src = Path.of("src/test/resources/conformance/checksum-invalid/host");
        try (var files = Files.list(src)) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.deleteIfExists(dir.resolve("ip-rule.json"));
        Snapshot.load(dir); // loads as recorded
    }

    private void json(String file, Consumer<ArrayNode> change) throws IOException {
        ArrayNode a = (ArrayNode) JSON.readTree(dir.resolve(file).toFile());
        change.accept(a);
        Files.writeString(dir.resolve(file), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
    }

    private static ObjectNode eth0(ArrayNode a) {
        return (ObjectNode) a.get(1);
    }

    private static ObjectNode eth0Addr(ArrayNode a) {
        return (ObjectNode) eth0(a).get("addr_info").get(0);
    }

    private String refused() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Snapshot.load(dir));
        assertThat(t).isInstanceOf(SnapshotException.class);
        return t.getMessage();
    }

    /** the line of the file on which the text first appears */
    private int lineOf(String file, String text) throws IOException {
        var lines = Files.readAllLines(dir.resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    @Test
    void aBadMacNamesTheInterfaceAndItsLine() throws IOException {
        json("ip-addr.json", a -> eth0(a).put("address", "zz:00:00:00:00:01"));
        // the entry starts at the `{` before "ifindex": 2
        int line = lineOf("ip-addr.json", "\"ifindex\" : 2") - 1;
        assertThat(refused()).isEqualTo(dir.resolve("ip-addr.json") + ":" + line + ": interface 2 (eth0): expected an"
                + " \"address\" of six hex octets (02:00:00:00:00:01), got zz:00:00:00:00:01");
    }

    @Test
    void aTunnelsAddressIsNoMacAndLoads() throws IOException {
        json("ip-addr.json", a -> a.add(JSON.createObjectNode().put("ifindex", 9).put("ifname", "ipip0").put("link_type", "ipip")
                .put("address", "0.0.0.0").put("mtu", 1480)));
        Snapshot s = Snapshot.load(dir);
        assertThat(s.host.device("ipip0").mac).containsOnly(0);
    }

    @Test
    void interfaceFieldsOutOfRange() throws IOException {
        json("ip-addr.json", a -> eth0(a).put("mtu", 0));
        assertThat(refused()).contains("ip-addr.json:").contains("interface 2 (eth0): MTU 0 with an IPv4 address");
        copy();
        json("ip-addr.json", a -> eth0Addr(a).put("prefixlen", 33));
        assertThat(refused()).contains("interface 2 (eth0), address 1 (10.0.0.1): expected a \"prefixlen\" of 0-32, got 33");
        copy();
        json("ip-addr.json", a -> eth0Addr(a).put("local", "10.0.0.300"));
        assertThat(refused()).contains("address 1: expected a \"local\" IPv4 address, got 10.0.0.300");
        copy();
        json("ip-addr.json", a -> eth0(a).put("ifindex", "2"));
        assertThat(refused()).contains("interface 2 (eth0): expected an \"ifindex\" number of at least 1");
        copy();
        json("ip-addr.json", a -> eth0(a).put("addr_info", "10.0.0.1"));
        assertThat(refused()).contains("interface 2 (eth0): expected \"addr_info\" to be an array of addresses");
    }

    @Test
    void duplicateInterfacesAndAddresses() throws IOException {
        json("ip-addr.json", a -> ((ObjectNode) a.get(2)).put("ifname", "eth0"));
        assertThat(refused()).matches(".*ip-addr.json:\\d+: interface 3 \\(eth0\\): the name eth0 again \\(also interface 2 at line \\d+\\)");
        copy();
        json("ip-addr.json", a -> ((ObjectNode) a.get(2)).put("ifindex", 2));
        assertThat(refused()).contains("interface 3 (eth1): ifindex 2 again");
        copy();
        json("ip-addr.json", a -> ((ArrayNode) eth0(a).get("addr_info")).add(eth0Addr(a).deepCopy()));
        assertThat(refused()).contains("interface 2 (eth0), address 2: 10.0.0.1/24 again on eth0");
    }

    @Test
    void notJsonIsReportedWhereTheParserStopped() throws IOException {
        Files.writeString(dir.resolve("ip-route.json"), "[\n {\"dst\": \"default\",\n  \"dev\" \"eth1\"}\n]\n");
        assertThat(refused()).startsWith(dir.resolve("ip-route.json") + ":3:").contains("not valid JSON (expected `ip -j route show` output)")
                .doesNotContain("Source");
        Files.writeString(dir.resolve("ip-route.json"), "{\"dst\": \"default\"}");
        assertThat(refused()).isEqualTo(dir.resolve("ip-route.json") + ":1: expected a JSON array (`ip -j route show` output), got an object");
        Files.write(dir.resolve("ip-route.json"), new byte[] {'[', (byte) 0xff, ']'});
        assertThat(refused()).contains("not UTF-8 text");
    }

    @Test
    void badRoutes() throws IOException {
        String[][] cases = {
            {"dst", "10.0.0.0/33", "route 2: bad \"dst\": 10.0.0.0/33 (expected default or ADDRESS[/0-32])"},
            {"dst", "10.0.0.0/x", "route 2: bad \"dst\": 10.0.0.0/x (expected default or ADDRESS[/0-32])"},
            {"dst", "10.0.0.5/24", "route 2: bad \"dst\": 10.0.0.5/24 has bits beyond its prefix length"},
            {"gateway", "10.0.0.x", "route 2: bad \"gateway\": 10.0.0.x (expected an IPv4 address)"},
            {"prefsrc", "1.2.3", "route 2: bad \"prefsrc\": 1.2.3 (expected an IPv4 address)"},
            {"type", "weird", "route 2: unknown route \"type\" \"weird\""},
            {"metric", "x", "route 2: expected a \"metric\" number, got \"x\""},
            {"dev", "eth9", "route 2: device eth9 is not in ip-addr.json"},
            {"encap", "mpls", "route 2 (10.0.0.0/24): a route with \"encap\" (mpls) is not modelled"},
        };
        for (String[] c : cases) {
            copy();
            json("ip-route.json", a -> ((ObjectNode) a.get(1)).put(c[0], c[1]));
            assertThat(refused()).as(c[1]).matches(".*ip-route.json:\\d+: .*").contains(c[2]);
        }
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).remove("dev"));
        assertThat(refused()).contains("route 2 (10.0.0.0/24): expected a \"dev\"");
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).remove("dev").toString());
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).put("type", "blackhole"));
        Snapshot.load(dir); // a blackhole route has no device
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).putArray("metrics").addObject().put("mtu", 40));
        assertThat(refused()).contains("route 2: bad \"mtu\" metric 40 (expected 68-65520)");
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).remove("dev"));
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).putArray("nexthops").addObject().put("dev", "eth9"));
        assertThat(refused()).contains("route 2: nexthop 1: device eth9 is not in ip-addr.json");
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).remove("dev"));
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).putArray("nexthops").addObject().put("dev", "eth0").put("weight", 0));
        assertThat(refused()).contains("route 2: nexthop 1: expected a \"weight\" of 1-256, got 0");
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).remove("dev"));
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).putArray("nexthops").addObject().put("dev", "eth0")
                .putArray("flags").add("dead"));
        assertThat(refused()).contains("route 2 (10.0.0.0/24): every nexthop is dead");
        copy();
        json("ip-route.json", a -> ((ObjectNode) a.get(1)).putArray("metrics").addObject().put("mtu", 1400).put("advmss", 1360));
        org.assertj.core.api.Assertions.assertThat(Snapshot.load(dir).host.fib.lookup(dev.hairpin.packet.Ipv4.parse("10.0.0.9")).mtu())
                .isEqualTo(1400);
    }

    @Test
    void policyRuleSelectorsTheFibDoesNotApplyAreRefusedNotIgnored() throws IOException {
        for (String sel : new String[] {"\"ipproto\": \"udp\", \"dport\": 53", "\"tos\": \"0x10\"",
                "\"uid_start\": 1000, \"uid_end\": 1000", "\"goto\": 32766"}) {
            Files.writeString(dir.resolve("ip-rule.json"), "[\n {\"priority\": 0, \"src\": \"all\", \"table\": \"local\"},\n"
                    + " {\"priority\": 10, \"src\": \"all\", " + sel + ", \"table\": \"100\"}\n]\n");
            String first = sel.substring(1, sel.indexOf('"', 1));
            assertThat(refused()).as(sel).isEqualTo(dir.resolve("ip-rule.json") + ":3: rule 2 (priority 10): the \""
                    + first + "\" selector is not modelled (from, to, fwmark, iif, oif, not, suppress_prefixlength are)");
        }
    }

    @Test
    void badPolicyRules() throws IOException {
        Files.writeString(dir.resolve("ip-rule.json"), """
                [
                 {"priority": 0, "src": "all", "table": "local"},
                 {"priority": 1000, "src": "all", "fwmark": "0xzz", "table": "100"}
                ]
                """);
        assertThat(refused()).isEqualTo(dir.resolve("ip-rule.json") + ":3: rule 2: expected a 32-bit \"fwmark\" (0x1), got 0xzz");
        Files.writeString(dir.resolve("ip-rule.json"), """
                [
                 {"priority": 1001, "src": "10.0.0.3", "srclen": 40, "table": "100"}
                ]
                """);
        assertThat(refused()).contains("ip-rule.json:2: rule 1: expected a \"srclen\" of 0-32, got 40");
    }

    @Test
    void badNeighbours() throws IOException {
        Files.writeString(dir.resolve("ip-neigh.txt"), "fe80::1 dev eth0 lladdr 02:00:00:00:01:01 PERMANENT\n"
                + "10.0.0.2 dev eth0 FAILED\n10.0.0.3 dev eth0 lladdr zz:00:00:00:01:01 PERMANENT\n");
        assertThat(refused()).isEqualTo(dir.resolve("ip-neigh.txt") + ":3: expected a MAC address of six hex octets after lladdr, got: zz:00:00:00:01:01");
        Files.writeString(dir.resolve("ip-neigh.txt"), "10.0.0.2 dev eth7 lladdr 02:00:00:00:01:01 PERMANENT\n");
        assertThat(refused()).isEqualTo(dir.resolve("ip-neigh.txt") + ":1: device eth7 is not in ip-addr.json");
    }

    @Test
    void sysctlValuesTheKernelWouldRefuse() throws IOException {
        String base = Files.readString(dir.resolve("sysctl.conf"));
        int line = (int) base.lines().count() + 1;
        String[][] cases = {
            {"net.ipv4.ip_forward = yes", "the kernel refuses yes for net.ipv4.ip_forward (expected an integer in"},
            {"net.netfilter.nf_conntrack_acct = 2", "the kernel refuses 2 for net.netfilter.nf_conntrack_acct (expected 0 or 1)"},
            {"net.ipv4.ip_default_ttl = 0", "(expected an integer in 1..255)"},
            {"net.netfilter.nf_conntrack_max = 99999999999", "the kernel refuses 99999999999 for net.netfilter.nf_conntrack_max"},
            {"net.ipv4.ip_local_port_range = 60000 1000", "(expected two port numbers, low then high, within 1-65535)"},
            {"net.ipv4.conf.eth9.rp_filter = 1", "no interface eth9 in ip-addr.json"},
            {"net.ipv4.ip_forward 1", "expected `key = value`, got: net.ipv4.ip_forward 1"},
        };
        for (String[] c : cases) {
            Files.writeString(dir.resolve("sysctl.conf"), base + c[0] + "\n");
            assertThat(refused()).as(c[0]).startsWith(dir.resolve("sysctl.conf") + ":" + line + ": ").contains(c[1]);
        }
        Files.writeString(dir.resolve("sysctl.conf"), base + "net.some.other.kernels.key = anything\n");
        Snapshot.load(dir); // a key the engine does not know is another kernel's: kept, shown, no effect
    }

    @Test
    void aRefusedRulesetNamesItsLine() throws IOException {
        Files.writeString(dir.resolve("iptables-save.txt"), "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.300 -j DROP\nCOMMIT\n");
        Snapshot s = Snapshot.load(dir);
        assertThatThrownBy(() -> s.loadRules(new dev.hairpin.rules.Ruleset(), false)).isInstanceOf(SnapshotException.class)
                .hasMessageContaining("iptables-save.txt: refused by iptables-restore").hasMessageContaining("Error occurred at line: 3");
    }
}
