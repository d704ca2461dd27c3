package dev.hairpin.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The driver's ways of writing a new flow's datagram into a reused slot (the whole datagram,
 * the header over a slot that held one, prebuilt header words) hand the gateway the same bytes:
 * the same packets go out, in the same order, whatever the slot held before (originals and
 * answers alternate through the slots when replies are on).
 */
class DriverHeadersTest {
    static List<String> run(boolean prebuilt) {
        Gateway gw = new Gateway(3_000, true, 0);
        gw.clock(1_000_000_000_000L);
        List<String> out = new ArrayList<>();
        gw.tap = (skb, dev, nexthop) -> out.add(dev.name + " "
                + java.util.HexFormat.of().formatHex(Arrays.copyOfRange(skb.buf, skb.l3, skb.l3 + skb.len)));
        Driver d = new Driver(gw, true, true);
        if (prebuilt) {
            d.prebuildHeaders(2_000);
        }
        d.createUdp(0, 1_000, true); // originals and answers share the slots
        d.createUdp(1_000, 2_000, false);
        d.createUdp(2_000, 2_100, false); // past the prebuilt flows: computed again
        out.add("transmitted " + gw.transmitted + " dropped " + gw.dropped + " entries " + gw.conntrack.table.count());
        return out;
    }

    @Test
    void prebuiltHeadersSendWhatComputedDatagramsSend() {
        List<String> pre = run(true);
        List<String> computed = run(false);
        assertThat(pre.getLast()).isEqualTo("transmitted 3100 dropped 0 entries 2100");
        assertThat(pre).containsExactlyElementsOf(computed);
    }
}
