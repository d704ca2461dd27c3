package dev.hairpin.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class DefragPropertyTest {

    /** any split into 8-byte-aligned pieces, in any order, with exact duplicates thrown in, reassembles */
    @Property
    void anyOrderReassembles(@ForAll long seed) {
        Random r = new Random(seed);
        int payload = 1 + r.nextInt(3000);
        byte[] d = DefragTest.datagram(20 + 4 * r.nextInt(3), payload);
        List<byte[]> frags = new ArrayList<>();
        int off = 0;
        while (off < payload) {
            int size = 8 * (1 + r.nextInt(100));
            int end = Math.min(off + size, payload);
            frags.add(DefragTest.frag(d, off, end));
            off = end;
        }
        if (frags.size() == 1) {
            return; // not a fragment
        }
        int dups = r.nextInt(3);
        for (int i = 0; i < dups; i++) {
            frags.add(frags.get(r.nextInt(frags.size())));
        }
        Collections.shuffle(frags, r);
        Defrag q = new Defrag();
        byte[] want = DefragTest.expected(d, 0);
        int results = 0;
        int seen = 0;
        for (byte[] f : frags) {
            byte[] out = q.offer(f, 0, f.length, seen++);
            if (out != null) {
                // duplicates arriving after completion start a new queue, as in the kernel
                assertThat(out).isEqualTo(want);
                results++;
            }
            assertThat(q.outcome()).isNotIn(Defrag.Outcome.QUEUE_DROPPED, Defrag.Outcome.INVALID);
        }
        assertThat(results).isPositive();
        if (q.queueCount() == 0) {
            assertThat(q.memory()).isZero();
        }
    }
}
