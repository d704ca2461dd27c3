package dev.hairpin.pipeline;

import static dev.hairpin.pipeline.WorkersTestbed.addr;
import static dev.hairpin.pipeline.WorkersTestbed.icmpError;
import static dev.hairpin.pipeline.WorkersTestbed.icmpQuery;
import static dev.hairpin.pipeline.WorkersTestbed.ip;
import static dev.hairpin.pipeline.WorkersTestbed.ported;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Ipv4;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link Rss}: symmetric, the same from a tuple as from the headers, errors and fragments with their flow. */
class RssProperties {
    static final int[] PORTED = {Ipv4.PROTO_TCP, Ipv4.PROTO_UDP, 132, 136, 33};

    @Property(tries = 500)
    void bothDirectionsOfAFlowLandOnOneWorker(@ForAll long seed, @ForAll @IntRange(min = 2, max = 64) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int a = addr(r);
        int b = addr(r);
        int pa = r.nextInt(65536);
        int pb = r.nextInt(65536);
        int proto = PORTED[r.nextInt(PORTED.length)];
        byte[] there = ported(proto, a, b, pa, pb);
        byte[] back = ported(proto, b, a, pb, pa);
        int w = Rss.workerOf(there, 0, there.length, n);
        assertThat(Rss.workerOf(back, 0, back.length, n)).isEqualTo(w);
        // the same answer from the conntrack tuple NAT asks about, either direction
        long k1 = Tuple.k1(a, b);
        long k2 = Tuple.k2(pa, pb, proto, 0);
        assertThat(Rss.ofTuple(k1, k2, n)).isEqualTo(w);
        assertThat(Rss.ofTuple(Tuple.invertK1(k1), Tuple.invertK2(k2), n)).isEqualTo(w);

        // an ICMP error about either direction, from any router, lands with the flow
        int router = addr(r);
        byte[] err = icmpError(r.nextBoolean() ? 3 : 11, r.nextInt(4), router, a, there);
        assertThat(Rss.workerOf(err, 0, err.length, n)).isEqualTo(w);
        byte[] err2 = icmpError(3, 3, router, b, back);
        assertThat(Rss.workerOf(err2, 0, err2.length, n)).isEqualTo(w);
    }

    @Property(tries = 300)
    void icmpQueriesGoByTheirId(@ForAll long seed, @ForAll @IntRange(min = 2, max = 64) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int a = addr(r);
        int b = addr(r);
        int id = r.nextInt(65536);
        int[] pair = new int[][] {{8, 0}, {13, 14}, {15, 16}, {17, 18}}[r.nextInt(4)];
        byte[] q = icmpQuery(pair[0], a, b, id, r.nextInt(65536));
        byte[] reply = icmpQuery(pair[1], b, a, id, r.nextInt(65536));
        int w = Rss.workerOf(q, 0, q.length, n);
        assertThat(Rss.workerOf(reply, 0, reply.length, n)).isEqualTo(w);
        long k1 = Tuple.k1(a, b);
        long k2 = Tuple.k2(id, pair[0] << 8, Ipv4.PROTO_ICMP, 0);
        assertThat(Rss.ofTuple(k1, k2, n)).isEqualTo(w);
        assertThat(Rss.ofTuple(Tuple.invertK1(k1), Tuple.invertK2(k2), n)).isEqualTo(w);
        byte[] err = icmpError(11, 0, addr(r), a, q);
        assertThat(Rss.workerOf(err, 0, err.length, n)).isEqualTo(w);
    }

    /** every fragment of a datagram, the first (with ports) and the rest (without), lands on one worker */
    @Property(tries = 300)
    void fragmentsOfADatagramLandTogether(@ForAll long seed, @ForAll @IntRange(min = 2, max = 64) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int a = addr(r);
        int b = addr(r);
        int id = r.nextInt(65536);
        byte[] first = ip(Ipv4.PROTO_UDP, a, b, id, new byte[24]);
        Ipv4.put16(first, 20, r.nextInt(65536));
        Ipv4.put16(first, 22, r.nextInt(65536));
        Ipv4.put16(first, 6, Ipv4.IP_MF);
        byte[] middle = ip(Ipv4.PROTO_UDP, a, b, id, new byte[24]);
        Ipv4.put16(middle, 6, Ipv4.IP_MF | 3);
        byte[] last = ip(Ipv4.PROTO_UDP, a, b, id, new byte[8]);
        Ipv4.put16(last, 6, 6);
        int w = Rss.workerOf(first, 0, first.length, n);
        assertThat(Rss.workerOf(middle, 0, middle.length, n)).isEqualTo(w);
        assertThat(Rss.workerOf(last, 0, last.length, n)).isEqualTo(w);
    }

    /** GRE and other protocols: the address pair; truncated or garbled datagrams: no exception, a worker in range */
    @Property(tries = 300)
    void otherProtocolsAndGarbage(@ForAll long seed, @ForAll @IntRange(min = 2, max = 16) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int a = addr(r);
        int b = addr(r);
        byte[] gre = ip(47, a, b, 0, new byte[8]);
        byte[] greBack = ip(47, b, a, 0, new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
        assertThat(Rss.workerOf(gre, 0, gre.length, n)).isEqualTo(Rss.workerOf(greBack, 0, greBack.length, n));
        byte[] junk = new byte[r.nextInt(64)];
        r.nextBytes(junk);
        int len = r.nextInt(junk.length + 1);
        assertThat(Rss.workerOf(junk, 0, len, n)).isBetween(0, n - 1);
    }

    /** not all flows on one worker: each of 4 workers takes 20-30 % of 20,000 random flows */
    @Test
    void flowsSpreadOverWorkers() {
        SplittableRandom r = new SplittableRandom(42);
        int[] per = new int[4];
        for (int i = 0; i < 20_000; i++) {
            per[Rss.ofTuple(Tuple.k1(addr(r), addr(r)), Tuple.k2(r.nextInt(65536), r.nextInt(65536), 17, 0), 4)]++;
        }
        assertThat(Arrays.stream(per).min().getAsInt()).as(Arrays.toString(per)).isGreaterThan(4000);
        assertThat(Arrays.stream(per).max().getAsInt()).as(Arrays.toString(per)).isLessThan(6000);
    }

    /** one worker: always 0, whatever the datagram */
    @Test
    void oneWorkerIsWorkerZero() {
        byte[] p = ported(17, 1, 2, 3, 4);
        assertThat(Rss.workerOf(p, 0, p.length, 1)).isZero();
        assertThat(Rss.ofTuple(5, 6, 1)).isZero();
    }
}
