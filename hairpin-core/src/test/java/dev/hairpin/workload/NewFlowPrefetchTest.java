package dev.hairpin.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch's touch pass (Conntrack.prefetch, with the new-flow reads: reply slot, NAT's
 * by-source bucket, the guessed source-NAT reply slot) only reads: a gateway fed in batches of
 * 32 with it, once its table is large enough for the pass to run, sends the same packets out of
 * the same devices and ends with the same entries, NAT bindings and counters as one fed packet
 * by packet without it, through new flows, their answers and established traffic.
 */
class NewFlowPrefetchTest {
    /** past Stack's touch threshold (2^15 confirmed entries), so the pass runs for most packets */
    static final int FLOWS = 40_000;

    static List<String> run(boolean batched) {
        Gateway gw = new Gateway(FLOWS + 8_000, true, 0);
        gw.clock(1_000_000_000_000L);
        List<String> out = new ArrayList<>();
        long[] digest = {0};
        gw.tap = (skb, dev, nexthop) -> {
            byte[] p = Arrays.copyOfRange(skb.buf, skb.l3, skb.l3 + skb.len);
            digest[0] = digest[0] * 31 + Arrays.hashCode(p) + dev.ifindex;
            if (gw.transmitted % 997 == 0) {
                out.add(dev.name + " " + Ipv4.toString(nexthop) + " " + java.util.HexFormat.of().formatHex(p));
            }
        };
        Driver d = new Driver(gw, true, batched);
        d.createUdp(0, FLOWS, true); // new flows and their answers: ESTABLISHED
        d.createUdp(FLOWS, FLOWS + 5_000, false); // new flows into a large table: the new-flow reads run
        int next = 0;
        for (int b = 0; b < 200; b++) {
            next = d.udpBatch(next, FLOWS + 5_000);
        }
        out.add("transmitted " + gw.transmitted + " dropped " + gw.dropped + " digest " + digest[0]);
        for (int e : gw.conntrack.snapshot()) {
            out.add(ConntrackFormat.entry(gw.conntrack.table, e, true));
        }
        out.add(ConntrackFormat.stats(gw.conntrack.stats));
        return out;
    }

    @Test
    void batchesWithTheTouchPassGiveWhatPacketByPacketGives() {
        List<String> batched = run(true);
        List<String> single = run(false);
        assertThat(batched.getFirst()).isNotEmpty();
        assertThat(batched).hasSize(single.size());
        assertThat(batched).containsExactlyElementsOf(single);
        // every flow went out masqueraded and is in the table
        assertThat(batched).anyMatch(s -> s.startsWith("transmitted " + (2 * 40_000 + 5_000 + 200 * 32) + " dropped 0"));
        assertThat(batched.stream().filter(s -> s.startsWith("ipv4     2 udp ")).count()).isEqualTo(FLOWS + 5_000);
    }
}
