package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `hairpin gateway` refuses a bad configuration before touching any device, naming the file and field. */
class GatewayConfigTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private Run gateway(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private void addrs(String ifname) throws Exception {
        Files.writeString(dir.resolve("ip-addr.json"), """
                [{"ifindex":1,"ifname":"lo","link_type":"loopback","mtu":65536,
                  "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
                 {"ifindex":2,"ifname":"%s","link_type":"ether","address":"02:00:00:00:00:01","mtu":1500,
                  "addr_info":[{"family":"inet","local":"10.0.1.1","prefixlen":24}]}]
                """.formatted(ifname));
    }

    @Test
    void aDeviceTheKernelDoesNotHaveIsNamedWithItsFileAndField() throws Exception {
        addrs("hpgwnodev0");
        Run r = gateway("gateway", "--config", dir.toString(), "--metrics", "off");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(dir.resolve("ip-addr.json") + ": interface \"hpgwnodev0\" (field ifname): no kernel device \"hpgwnodev0\"");
        assertThat(dir.resolve("hairpin.sock")).doesNotExist();
    }

    @Test
    void malformedJsonIsAConfigError() throws Exception {
        Files.writeString(dir.resolve("ip-addr.json"), "[{\"ifname\": ");
        Run r = gateway("gateway", "--config", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(dir.resolve("ip-addr.json") + ":1:13: not valid JSON"); // line:column where the parser stopped
    }

    @Test
    void aRulesetIptablesRestoreRefusesIsNamed() throws Exception {
        addrs("lo0");
        Files.writeString(dir.resolve("iptables-save.txt"), "*nat\n-A POSTROUTING -j NOSUCHTARGET\nCOMMIT\n");
        Run r = gateway("gateway", "--config", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(dir.resolve("iptables-save.txt") + ": refused by iptables-restore");
    }

    @Test
    void badOptionsAreRefused() throws Exception {
        addrs("lo0");
        assertThat(gateway("gateway", "--config", dir.toString(), "--ring", "v9").err).contains("--ring v9: expected v2 or v3");
        assertThat(gateway("gateway", "--config", dir.toString(), "--metrics", "nowhere").err).contains("--metrics nowhere: expected HOST:PORT or off");
        assertThat(gateway("gateway", "--config", dir.resolve("missing").toString()).err).contains("not a snapshot directory");
    }
}
