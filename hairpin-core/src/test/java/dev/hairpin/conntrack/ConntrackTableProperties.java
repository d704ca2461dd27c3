package dev.hairpin.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The index finds every live tuple in its direction and forgets deleted ones, whatever the order. */
class ConntrackTableProperties {

    @Property(tries = 200)
    void everyLiveTupleIsFoundInItsDirectionAndDeletedOnesAreNot(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 5000) Integer> ports,
            @ForAll @IntRange(min = 0, max = 100) int deletePercent) {
        CtConfig cfg = new CtConfig();
        ConntrackTable t = new ConntrackTable(cfg, 7);
        Map<Integer, long[]> live = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        for (int p : ports) {
            long k1 = Tuple.k1(0x0a000002, 0xc6336401);
            long k2 = Tuple.k2(p + 1024, 80, 6, 0);
            if (t.find(k1, k2) >= 0) {
                continue;
            }
            long rk1 = Tuple.invertK1(k1);
            long rk2 = Tuple.invertK2(k2);
            int e = t.alloc(k1, k2, rk1, rk2);
            t.setStatus(e, CtStatus.CONFIRMED);
            t.insert(e);
            live.put(e, new long[] {k1, k2, rk1, rk2});
            order.add(e);
        }
        int toDelete = order.size() * deletePercent / 100;
        for (int i = 0; i < toDelete; i++) {
            int e = order.get(i);
            long[] k = live.remove(e);
            t.unlink(e);
            t.free(e);
            assertThat(t.find(k[0], k[1])).isEqualTo(-1);
            assertThat(t.find(k[2], k[3])).isEqualTo(-1);
        }
        live.forEach((e, k) -> {
            assertThat(t.find(k[0], k[1])).isEqualTo(e << 1);
            assertThat(t.find(k[2], k[3])).isEqualTo((e << 1) | 1);
        });
        assertThat(t.confirmedCount()).isEqualTo(live.size());
    }

    @Property(tries = 100)
    void invertingATupleTwiceGivesItBack(@ForAll int src, @ForAll int dst, @ForAll @IntRange(min = 0, max = 65535) int sp,
            @ForAll @IntRange(min = 0, max = 65535) int dp) {
        long k1 = Tuple.k1(src, dst);
        long k2 = Tuple.k2(sp, dp, 17, 0);
        assertThat(Tuple.invertK1(Tuple.invertK1(k1))).isEqualTo(k1);
        assertThat(Tuple.invertK2(Tuple.invertK2(k2))).isEqualTo(k2);
    }
}
