package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Ipv4;
import org.junit.jupiter.api.Test;

/**
 * Expired entries are reaped when met, not at their deadline (recorded: timeouts-midrun): a
 * dump or a lookup destroys them, and a GC pass at most GC_SCAN_INTERVAL_MAX (60 s) after the
 * deadline. Uses {@link MasqueradeUdpTest}'s host (its MASQUERADE table).
 */
class ExpiredEntriesReapTest {
    final MasqueradeUdpTest net = new MasqueradeUdpTest();

    void send(int sport, double at) {
        net.receive(net.eth0, MasqueradeUdpTest.udp(MasqueradeUdpTest.LAN_HOST, MasqueradeUdpTest.SERVER, sport, 53, "q"), at);
    }

    @Test
    void anExpiredEntrysDestroyFollowsLaterPacketsAndComesWithTheDump() {
        send(1000, 0);
        send(2000, 31); // 1000's entry expired at 30 s: nothing reaps it yet
        assertThat(net.events).hasSize(2);
        assertThat(net.events.getLast()).startsWith("    [NEW]").contains("sport=2000");
        assertThat(net.ct.snapshot()).hasSize(1);
        assertThat(net.events).hasSize(3);
        assertThat(net.events.getLast()).startsWith("[DESTROY]").contains("sport=1000");
    }

    @Test
    void aLookupMeetingTheExpiredEntryReapsItBeforeMakingANewOne() {
        send(1000, 0);
        send(1000, 31);
        assertThat(net.events).hasSize(3);
        assertThat(net.events.get(1)).startsWith("[DESTROY]");
        assertThat(net.events.get(2)).startsWith("    [NEW]");
        assertThat(Ipv4.u16(net.sent.getLast(), 20)).isEqualTo(1000);
    }

    @Test
    void withoutDumpOrLookupTheGcReapsItWithinSixtySecondsOfItsDeadline() {
        send(1000, 0);
        net.ct.advance(1_000_000_000_000L + 89_000_000_000L);
        assertThat(net.events).hasSize(1);
        net.ct.advance(1_000_000_000_000L + 91_000_000_000L);
        assertThat(net.events).hasSize(2);
        assertThat(net.events.getLast()).startsWith("[DESTROY]");
    }
}
