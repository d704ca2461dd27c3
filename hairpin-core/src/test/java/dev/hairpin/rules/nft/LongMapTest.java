package dev.hairpin.rules.nft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LongMap against HashMap under random puts and removes of clashing keys; keys listed sorted unsigned */
class LongMapTest {
    @Test
    void behavesAsAMapAndListsKeysSortedUnsigned() {
        Random r = new Random(7);
        LongMap<String> m = new LongMap<>();
        Map<Long, String> ref = new HashMap<>();
        for (int i = 0; i < 20000; i++) {
            long k = r.nextInt(300) * 1024L + (r.nextBoolean() ? Long.MIN_VALUE : 0); // clustered, both signs
            if (r.nextInt(3) == 0) {
                m.remove(k);
                ref.remove(k);
            } else {
                m.put(k, "v" + i);
                ref.put(k, "v" + i);
            }
            assertThat(m.get(k)).isEqualTo(ref.get(k));
        }
        assertThat(m.size()).isEqualTo(ref.size());
        for (Map.Entry<Long, String> e : ref.entrySet()) {
            assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
        }
        long[] keys = m.sortedKeys();
        assertThat(keys).hasSize(ref.size());
        for (int i = 1; i < keys.length; i++) {
            assertThat(Long.compareUnsigned(keys[i - 1], keys[i])).isNegative();
        }
    }
}
