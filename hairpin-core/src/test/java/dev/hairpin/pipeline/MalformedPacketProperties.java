package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random and mutated datagrams thrown at the engine's receive paths (one at a time and in
 * batches, flow cache on and off) among well-formed traffic that establishes NATed flows, so
 * mutations reach established flows, the fast path, ICMP errors about NATed flows and the local
 * stack. Whatever the bytes: no exception escapes; a datagram ip_rcv() refuses (version, header
 * length, total length, header checksum) leaves nothing behind, neither output nor conntrack
 * state nor a statistic; a TCP, UDP or ICMP datagram whose transport header is truncated is
 * counted by nf_conntrack_in() as invalid (ICMP: as an error; dropped when the table is full) and creates no
 * entry; every frame sent is a well-formed IPv4 datagram; and the conntrack table stays
 * consistent: each confirmed entry is found in both directions, and the count agrees.
 */
class MalformedPacketProperties {

    @Property(tries = 250)
    void malformedDatagramsAreDroppedOrInvalidAndNeverThrow(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FastPathEquivalenceTest.World w = new FastPathEquivalenceTest.World(r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
        List<String> sent = new ArrayList<>();
        w.stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                assertWellFormed(skb);
                sent.add("tx");
            }

            @Override
            public void deliver(Skb skb) {
                sent.add("in");
            }

            @Override
            public void drop(Skb skb, String reason) {
                sent.add("drop");
            }
        };
        List<byte[]> fromLan = new ArrayList<>();
        long now = 1_000_000_000_000L;
        for (int i = 0; i < 80; i++) {
            if (r.nextInt(20) == 0) {
                now += r.nextLong(1, 60_000_000_000L);
                w.ct.advance(now);
            }
            if (r.nextInt(12) == 0) { // a batch, as the gateway and the workload driver hand them over
                batch(w, r, fromLan);
                assertConsistent(w);
                continue;
            }
            boolean fromWan = r.nextBoolean();
            byte[] p;
            int what = r.nextInt(10);
            if (what < 3) { // well-formed: opens and answers flows
                if (!fromLan.isEmpty() && r.nextBoolean()) {
                    p = r.nextBoolean() ? fromLan.get(r.nextInt(fromLan.size())).clone()
                            : FastPathEquivalenceTest.answer(fromLan.get(r.nextInt(fromLan.size())));
                    fromWan = Ipv4.daddr(p, 0) == Ipv4.parse("203.0.113.1");
                } else {
                    p = FastPathEquivalenceTest.randomPacket(r, fromWan);
                    if (!fromWan && fromLan.size() < 16 && FastPathEquivalenceTest.forwardable(p)) {
                        fromLan.add(p.clone());
                    }
                }
            } else if (what < 4) {
                p = new byte[r.nextInt(80)];
                r.nextBytes(p);
            } else {
                p = malformed(r, fromLan, fromWan);
                if (what == 9 && !fromLan.isEmpty()) {
                    p = icmpErrorAbout(r, fromLan.get(r.nextInt(fromLan.size())));
                    fromWan = true;
                }
            }
            int len = r.nextInt(8) == 0 && p.length > 0 ? r.nextInt(p.length) : p.length; // the frame shorter than its buffer
            receiveOne(w, sent, p, len, fromWan);
            assertConsistent(w);
        }
    }

    /** one datagram through Stack.receive, checked against what ip_rcv and nf_conntrack_in do with its bytes */
    private static void receiveOne(FastPathEquivalenceTest.World w, List<String> sent, byte[] p, int len, boolean fromWan) {
        byte[] orig = p.clone();
        int ipState = ipRcvState(p, len);
        boolean truncatedL4 = ipState == 0 && truncatedTransport(p);
        int confirmed = w.ct.table.confirmedCount();
        long invalid = w.ct.stats.invalid;
        long dropped = w.ct.stats.drop;
        long error = w.ct.stats.error;
        int before = sent.size();
        Skb skb = new Skb(p, 0, len);
        skb.in = fromWan ? w.wan : w.lan;
        w.stack.receive(skb);
        List<String> out = sent.subList(before, sent.size());
        if (ipState != 0) {
            assertThat(out).as("ip_rcv drops a bad header; nothing else happens").containsOnly("drop");
            assertThat(w.ct.table.confirmedCount()).isEqualTo(confirmed);
            assertThat(w.ct.stats.invalid).isEqualTo(invalid);
            assertThat(w.ct.stats.error).isEqualTo(error);
        } else if (truncatedL4) {
            // invalid for TCP and UDP (ICMP's icmp_error counts "error" alone since Linux 5.10), drop when the table is full
            assertThat(w.ct.stats.invalid + w.ct.stats.drop + w.ct.stats.error).as("nf_conntrack_in: a truncated transport header is invalid: %s", hex(orig, len))
                    .isGreaterThan(invalid + dropped + error);
            assertThat(w.ct.table.confirmedCount()).as("no entry for a truncated header").isLessThanOrEqualTo(confirmed);
        }
    }

    private static void batch(FastPathEquivalenceTest.World w, SplittableRandom r, List<byte[]> fromLan) {
        int n = 1 + r.nextInt(32);
        Skb[] skbs = new Skb[n];
        for (int k = 0; k < n; k++) {
            boolean fromWan = r.nextBoolean();
            byte[] p = r.nextInt(3) == 0 ? FastPathEquivalenceTest.randomPacket(r, fromWan) : malformed(r, fromLan, fromWan);
            skbs[k] = new Skb(p, 0, p.length);
            skbs[k].in = fromWan ? w.wan : w.lan;
        }
        w.ct.prefetch(skbs, 0, n);
        w.stack.receive(skbs, n);
    }

    /** a well-formed datagram (often one of an open flow), then one to four mutations */
    static byte[] malformed(SplittableRandom r, List<byte[]> fromLan, boolean fromWan) {
        byte[] p = !fromLan.isEmpty() && r.nextBoolean()
                ? (fromWan ? FastPathEquivalenceTest.answer(fromLan.get(r.nextInt(fromLan.size())))
                        : fromLan.get(r.nextInt(fromLan.size())).clone())
                : FastPathEquivalenceTest.randomPacket(r, fromWan);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            p = mutate(p, r);
        }
        if (p.length >= 20 && r.nextInt(3) != 0) {
            fixHeaderChecksum(p); // so most mutations get past ip_rcv and reach conntrack, NAT and the rules
        }
        return p;
    }

    static byte[] mutate(byte[] p, SplittableRandom r) {
        if (p.length == 0) {
            return p;
        }
        int at = r.nextInt(p.length);
        switch (r.nextInt(11)) {
            case 0 -> p[at] = (byte) r.nextInt(256);
            case 1 -> p[at] ^= (byte) (1 << r.nextInt(8));
            case 2 -> p = java.util.Arrays.copyOf(p, at); // cut short (total length now beyond the data)
            case 3 -> { // cut short and the total length with it: a consistent IP header over a truncated transport header
                p = java.util.Arrays.copyOf(p, Math.max(20, at));
                if (p.length >= 4) {
                    Ipv4.put16(p, 2, p.length);
                }
            }
            case 4 -> { if (p.length >= 4) { Ipv4.put16(p, 2, r.nextInt(4) == 0 ? 0xffff : r.nextInt(80)); } }
            case 5 -> p[0] = (byte) (0x40 | r.nextInt(16)); // header length 0..60 bytes
            case 6 -> { // transport header length: TCP data offset, UDP length
                if (p.length >= 34 && p[9] == Ipv4.PROTO_TCP) {
                    p[32] = (byte) (r.nextInt(16) << 4);
                } else if (p.length >= 26) {
                    Ipv4.put16(p, 24, r.nextInt(4) == 0 ? 0xffff : r.nextInt(40));
                }
            }
            case 7 -> { if (p.length >= 8) { Ipv4.put16(p, 6, r.nextInt(4) == 0 ? 0x2000 : r.nextInt(65536)); } } // fragments
            case 8 -> { if (p.length >= 10) { p[9] = (byte) new int[] {0, 1, 2, 6, 17, 47, 50, 132, 136, 255}[r.nextInt(10)]; } }
            case 9 -> { // options: a longer header whose option bytes are random
                if (p.length >= 20) {
                    int extra = 4 * (1 + r.nextInt(10));
                    byte[] q = new byte[p.length + extra];
                    System.arraycopy(p, 0, q, 0, 20);
                    for (int k = 20; k < 20 + extra; k++) {
                        q[k] = (byte) new int[] {0, 1, 7, 68, 130, 131, 137, 148, 255, r.nextInt(256)}[r.nextInt(10)];
                    }
                    System.arraycopy(p, 20, q, 20 + extra, p.length - 20);
                    q[0] = (byte) (0x40 | (20 + extra) / 4);
                    Ipv4.put16(q, 2, q.length);
                    p = q;
                }
            }
            default -> { // trailing bytes (link padding or garbage)
                p = java.util.Arrays.copyOf(p, p.length + 1 + r.nextInt(40));
            }
        }
        return p;
    }

    /** an ICMP error from the far side about a NATed flow's packet, its quoted header mutated */
    static byte[] icmpErrorAbout(SplittableRandom r, byte[] lanPacket) {
        byte[] inner = lanPacket.clone();
        Ipv4.put32(inner, 12, Ipv4.parse("203.0.113.1")); // as MASQUERADE sent it
        int quote = Math.min(inner.length, 20 + 8 + r.nextInt(24));
        inner = java.util.Arrays.copyOf(inner, quote);
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            inner = mutate(inner, r);
        }
        byte[] p = new byte[28 + inner.length];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        p[8] = 64;
        p[9] = Ipv4.PROTO_ICMP;
        Ipv4.put32(p, 12, Ipv4.daddr(lanPacket, 0));
        Ipv4.put32(p, 16, Ipv4.parse("203.0.113.1"));
        p[20] = (byte) new int[] {3, 11, 12, 5, 4}[r.nextInt(5)];
        p[21] = (byte) r.nextInt(5);
        System.arraycopy(inner, 0, p, 28, inner.length);
        Ipv4.put16(p, 22, Checksum.compute(p, 20, p.length - 20));
        fixHeaderChecksum(p);
        return p;
    }

    static void fixHeaderChecksum(byte[] p) {
        int ihl = (p[0] & 0xf) * 4;
        if (ihl >= 20 && ihl <= p.length) {
            Ipv4.put16(p, 10, 0);
            Ipv4.put16(p, 10, Checksum.compute(p, 0, ihl));
        }
    }

    /** 0 when ip_rcv_core() accepts the header of these {@code len} bytes, else 1 */
    static int ipRcvState(byte[] p, int len) {
        if (len < 20 || (p[0] & 0xf0) != 0x40) {
            return 1;
        }
        int ihl = (p[0] & 0xf) * 4;
        int tot = Ipv4.u16(p, 2);
        if (ihl < 20 || ihl > len || tot < ihl || tot > len) {
            return 1;
        }
        return Checksum.compute(p, 0, ihl) == 0 ? 0 : 1;
    }

    /**
     * a first fragment or whole datagram of TCP, UDP or ICMP whose transport header does not fit
     * its total length (tcp_error, udp_error, icmp_error: "truncated", "short packet")
     */
    static boolean truncatedTransport(byte[] p) {
        if ((Ipv4.u16(p, 6) & 0x3fff) != 0) {
            return false; // a fragment: defragmented (or not tracked) first
        }
        int ihl = (p[0] & 0xf) * 4;
        int l4 = Ipv4.u16(p, 2) - ihl;
        return switch (p[9]) {
            case Ipv4.PROTO_TCP -> l4 < 20 || (p[ihl + 12] & 0xf0) >>> 4 < 5 || ((p[ihl + 12] & 0xf0) >>> 4) * 4 > l4;
            case Ipv4.PROTO_UDP -> l4 < 8 || Ipv4.u16(p, ihl + 4) > l4 || Ipv4.u16(p, ihl + 4) < 8;
            case Ipv4.PROTO_ICMP -> l4 < 8;
            default -> false;
        };
    }

    static String hex(byte[] p, int len) {
        return java.util.HexFormat.of().formatHex(p, 0, len);
    }

    static void assertWellFormed(Skb skb) {
        byte[] b = skb.buf;
        int ihl = Ipv4.ihlBytes(b, skb.l3);
        assertThat(Ipv4.version(b, skb.l3)).isEqualTo(4);
        assertThat(ihl).isBetween(20, skb.len);
        assertThat(Ipv4.totLen(b, skb.l3)).as("total length").isEqualTo(skb.len);
        assertThat(Checksum.compute(b, skb.l3, ihl)).as("header checksum").isZero();
    }

    /** every confirmed entry is found under both its tuples, and the count is theirs */
    static void assertConsistent(FastPathEquivalenceTest.World w) {
        var t = w.ct.table;
        int[] n = {0};
        t.forEach(e -> {
            n[0]++;
            assertThat(t.find(t.origK1(e), t.origK2(e))).as("original tuple of entry %d", e).isEqualTo(e << 1);
            boolean same = t.replyK1(e) == t.origK1(e) && t.replyK2(e) == t.origK2(e); // X:p > X:p answers itself
            assertThat(t.find(t.replyK1(e), t.replyK2(e))).as("reply tuple of entry %d", e).isEqualTo(same ? e << 1 : e << 1 | 1);
        });
        assertThat(n[0]).isEqualTo(t.confirmedCount());
    }
}
