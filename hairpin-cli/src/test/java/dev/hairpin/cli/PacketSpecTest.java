package dev.hairpin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** trace's packet words: header fields out of their range are refused, never wrapped into the field. */
class PacketSpecTest {
    @Test
    void outOfRangeFieldsAreRefusedWithTheRange() {
        String base = "--in eth0 udp 10.0.0.2:1000 > 198.51.100.1:53 ";
        String[][] cases = {
            {"--ttl 999", "--ttl must be 0-255, got 999"},
            {"--len -5", "--len must be 0-65495, got -5"},
            {"--id 70000", "--id must be 0-65535, got 70000"},
            {"--seq -1", "--seq must be 0-4294967295, got -1"},
            {"--icmp-code 256", "--icmp-code must be 0-255, got 256"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> PacketSpec.parse(base + c[0]).build()).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
        }
        assertThatThrownBy(() -> PacketSpec.parse("--in eth0 icmp 10.0.0.2 > 198.51.100.1 --icmp-type 300").build())
                .hasMessage("--icmp-type must be 0-255, got 300");
        byte[] p = PacketSpec.parse(base + "--ttl 255 --len 10").build();
        assertThat(p[8] & 0xff).isEqualTo(255);
        assertThat(p.length).isEqualTo(20 + 8 + 10);
    }
}
