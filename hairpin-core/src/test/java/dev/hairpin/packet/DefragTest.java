package dev.hairpin.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Defrag.Outcome;
import org.junit.jupiter.api.Test;

class DefragTest {
    static final long S = 1_000_000_000L;

    /** a UDP datagram of {@code payload} bytes after the IP header, id 0x1234, with the given header length */
    static byte[] datagram(int ihl, int payload) {
        byte[] p = new byte[ihl + payload];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7 + 3);
        }
        Ipv4.setVersionIhl(p, 0, ihl);
        Ipv4.setTos(p, 0, 0);
        Ipv4.setTotLen(p, 0, p.length);
        Ipv4.setId(p, 0, 0x1234);
        Ipv4.setFragOff(p, 0, 0);
        Ipv4.setTtl(p, 0, 64);
        Ipv4.setProtocol(p, 0, Ipv4.PROTO_UDP);
        Ipv4.setSaddr(p, 0, Ipv4.parse("10.0.0.2"));
        Ipv4.setDaddr(p, 0, Ipv4.parse("198.51.100.1"));
        Checksum.setIpv4Header(p, 0);
        return p;
    }

    /** payload bytes [from, to) of {@code d} as a fragment; {@code last}: MF clear */
    static byte[] frag(byte[] d, int from, int to, boolean last, int extraFlags) {
        int ihl = Ipv4.ihlBytes(d, 0);
        byte[] f = new byte[ihl + to - from];
        System.arraycopy(d, 0, f, 0, ihl);
        System.arraycopy(d, ihl + from, f, ihl, to - from);
        Ipv4.setTotLen(f, 0, f.length);
        Ipv4.setFragOff(f, 0, (from >> 3) | (last ? 0 : Ipv4.IP_MF) | extraFlags);
        Checksum.setIpv4Header(f, 0);
        return f;
    }

    static byte[] frag(byte[] d, int from, int to) {
        int payload = Ipv4.totLen(d, 0) - Ipv4.ihlBytes(d, 0);
        return frag(d, from, to, to >= payload, 0);
    }

    /** what ip_frag_reasm makes of {@code d}: frag_off 0 (or DF), checksum recomputed */
    static byte[] expected(byte[] d, int fragField) {
        byte[] e = d.clone();
        Ipv4.setFragOff(e, 0, fragField);
        Checksum.setIpv4Header(e, 0);
        return e;
    }

    static byte[] offer(Defrag q, byte[] f, long now) {
        return q.offer(f, 0, f.length, now);
    }

    @Test
    void inOrderAndReverse() {
        byte[] d = datagram(20, 100);
        Defrag q = new Defrag();
        assertThat(offer(q, frag(d, 0, 40), 0)).isNull();
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(offer(q, frag(d, 40, 80), 0)).isNull();
        assertThat(offer(q, frag(d, 80, 100), 0)).isEqualTo(expected(d, 0));
        assertThat(q.outcome()).isEqualTo(Outcome.REASSEMBLED);
        assertThat(q.queueCount()).isZero();
        assertThat(q.memory()).isZero();

        assertThat(offer(q, frag(d, 80, 100), 0)).isNull();
        assertThat(offer(q, frag(d, 40, 80), 0)).isNull();
        assertThat(offer(q, frag(d, 0, 40), 0)).isEqualTo(expected(d, 0));
        assertThat(q.reasmOks()).isEqualTo(2);
    }

    @Test
    void firstFragmentHeaderWithOptionsIsKept() {
        byte[] d = datagram(28, 64);
        Defrag q = new Defrag();
        byte[] later = frag(d, 32, 64);
        // a later fragment may carry different option bytes: the offset-0 one counts
        later[21] = 0x55;
        Checksum.setIpv4Header(later, 0);
        assertThat(offer(q, later, 0)).isNull();
        assertThat(offer(q, frag(d, 0, 32), 0)).isEqualTo(expected(d, 0));
    }

    @Test
    void dfOnlyWhenTheLargestFragmentHadIt() {
        byte[] d = datagram(20, 48);
        Defrag q = new Defrag();
        offer(q, frag(d, 0, 32, false, Ipv4.IP_DF), 0);
        assertThat(offer(q, frag(d, 32, 48, true, 0), 0)).isEqualTo(expected(d, Ipv4.IP_DF));
        offer(q, frag(d, 0, 16, false, 0), 0);
        assertThat(offer(q, frag(d, 16, 48, true, Ipv4.IP_DF), 0)).isEqualTo(expected(d, Ipv4.IP_DF));
        offer(q, frag(d, 0, 32, false, 0), 0);
        assertThat(offer(q, frag(d, 32, 48, true, Ipv4.IP_DF), 0)).isEqualTo(expected(d, 0));
    }

    @Test
    void duplicatesAreDroppedAloneOverlapsDropTheQueue() {
        byte[] d = datagram(20, 48);
        Defrag q = new Defrag();
        offer(q, frag(d, 0, 16), 0);
        offer(q, frag(d, 0, 16), 0);
        assertThat(q.outcome()).isEqualTo(Outcome.DUPLICATE);
        offer(q, frag(d, 16, 32), 0);
        // inside the run [0,32) built in order: a duplicate, even across two fragments
        offer(q, frag(d, 8, 24), 0);
        assertThat(q.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(offer(q, frag(d, 32, 48), 0)).isEqualTo(expected(d, 0));

        // out of order the fragments are separate runs: the same fragment overlaps
        offer(q, frag(d, 16, 32), 0);
        offer(q, frag(d, 0, 16), 0);
        offer(q, frag(d, 8, 24), 0);
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);
        assertThat(q.reasmOverlaps()).isEqualTo(1);
        assertThat(q.queueCount()).isZero();
        assertThat(q.memory()).isZero();
        // the tail case: starts inside the last fragment, ends beyond it
        offer(q, frag(d, 0, 16), 0);
        offer(q, frag(d, 8, 32), 0);
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);
    }

    @Test
    void inconsistentEndsDropTheQueue() {
        byte[] d = datagram(20, 64);
        Defrag q = new Defrag();
        offer(q, frag(d, 16, 32, true, 0), 0);  // says the datagram ends at 32
        offer(q, frag(d, 32, 48, false, 0), 0); // data beyond the end
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);

        offer(q, frag(d, 32, 64, false, 0), 0);
        offer(q, frag(d, 8, 16, true, 0), 0); // last fragment ending before known data
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);

        offer(q, frag(d, 48, 64, true, 0), 0);
        offer(q, frag(d, 40, 56, true, 0), 0); // a second, different last fragment
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);

        offer(q, frag(d, 8, 12, false, 0), 0); // MF with < 8 bytes: end trimmed to offset, empty
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);
    }

    @Test
    void unalignedMoreFragmentsIsTrimmed() {
        byte[] d = datagram(20, 40);
        Defrag q = new Defrag();
        offer(q, frag(d, 0, 20, false, 0), 0); // keeps 16 bytes
        assertThat(offer(q, frag(d, 16, 40), 0)).isEqualTo(expected(d, 0));
    }

    @Test
    void queuesExpireThirtySecondsAfterTheFirstFragment() {
        byte[] d = datagram(20, 48);
        Defrag q = new Defrag();
        offer(q, frag(d, 0, 16), 0);
        offer(q, frag(d, 16, 32), 29 * S); // not refreshed
        assertThat(q.queueCount()).isOne();
        assertThat(offer(q, frag(d, 32, 48), 30 * S)).isNull(); // expired first: a new queue
        assertThat(q.reasmTimeouts()).isOne();
        assertThat(q.queueCount()).isOne();
        assertThat(q.expire(59 * S)).isZero();
        assertThat(q.expire(60 * S)).isOne();
        assertThat(q.memory()).isZero();
    }

    @Test
    void aboveHighThreshNothingIsQueued() {
        byte[] d = datagram(20, 1480);
        Defrag q = new Defrag(Defrag.DEFAULT_TIMEOUT_NANOS, 2000);
        offer(q, frag(d, 0, 1200), 0);
        assertThat(q.memory()).isEqualTo(Defrag.QUEUE_SIZE + 1200 + Defrag.SKB_OVERHEAD);
        offer(q, frag(d, 1200, 1480), 0);
        assertThat(q.outcome()).isEqualTo(Outcome.NO_MEMORY);
        q.expire(Defrag.DEFAULT_TIMEOUT_NANOS);
        assertThat(q.memory()).isZero();
    }

    @Test
    void ecnBitsCombine() {
        byte[] d = datagram(20, 32);
        Defrag q = new Defrag();
        byte[] a = frag(d, 0, 16);
        byte[] b = frag(d, 16, 32);
        Ipv4.setTos(a, 0, 0x02); // ECT(0)
        Ipv4.setTos(b, 0, 0x03); // CE
        offer(q, a, 0);
        byte[] r = offer(q, b, 0);
        assertThat(Ipv4.tos(r, 0)).isEqualTo(0x03);
        assertThat(Checksum.ipv4HeaderValid(r, 0)).isTrue();

        Ipv4.setTos(a, 0, 0x00); // not ECT with CE: invalid
        offer(q, a, 0);
        assertThat(offer(q, b, 0)).isNull();
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);
    }

    @Test
    void oversizeIsDropped() {
        byte[] d = datagram(20, 65520);
        Defrag q = new Defrag();
        byte[] last = frag(d, 65512, 65520, true, 0); // payload 8 at offset 65512: total 65540
        assertThat(offer(q, last, 0)).isNull();
        for (int off = 0; off < 65512; off += 1480) {
            offer(q, frag(d, off, Math.min(off + 1480, 65512), false, 0), 0);
        }
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUE_DROPPED);
        assertThat(q.queueCount()).isZero();
    }

    @Test
    void keysSeparateDatagrams() {
        byte[] d = datagram(20, 32);
        byte[] e = datagram(20, 32);
        Ipv4.setId(e, 0, 0x9999);
        Checksum.setIpv4Header(e, 0);
        Defrag q = new Defrag();
        offer(q, frag(d, 0, 16), 0);
        offer(q, frag(e, 16, 32), 0);
        assertThat(q.queueCount()).isEqualTo(2);
        byte[] f = frag(d, 16, 32);
        assertThat(q.offer(f, 0, f.length, 1, 0)).isNull(); // another user
        assertThat(offer(q, f, 0)).isEqualTo(expected(d, 0));
    }

    @Test
    void malformedInputIsRejectedNotThrown() {
        Defrag q = new Defrag();
        byte[] d = datagram(20, 32);
        assertThat(offer(q, d, 0)).isNull(); // not a fragment
        assertThat(q.outcome()).isEqualTo(Outcome.INVALID);
        byte[] f = frag(d, 0, 16);
        assertThat(q.offer(f, 0, 30, 0)).isNull(); // shorter than its total length
        assertThat(q.outcome()).isEqualTo(Outcome.INVALID);
        assertThat(q.offer(new byte[5], 0, 5, 0)).isNull();
        f[0] = 0x44;
        assertThat(offer(q, f, 0)).isNull();
        assertThat(q.outcome()).isEqualTo(Outcome.INVALID);
        // link padding beyond the total length is ignored
        byte[] padded = new byte[100];
        byte[] g = frag(d, 0, 16);
        System.arraycopy(g, 0, padded, 0, g.length);
        q.offer(padded, 0, padded.length, 0);
        assertThat(q.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(offer(q, frag(d, 16, 32), 0)).isEqualTo(expected(d, 0));
    }
}
