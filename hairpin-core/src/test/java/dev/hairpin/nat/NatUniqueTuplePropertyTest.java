package dev.hairpin.nat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Nat}'s binding code (ranges unpacked into fields, no object per null binding, jhash
 * without an array) chooses what the straightforward version it replaced ({@link NatReference})
 * chooses: two conntrack tables fed the same new flows (UDP, TCP SYN, ICMP echo over a few
 * addresses and ports, so tuples clash), the same bindings (null bindings and ranges with every
 * flag combination, one or several addresses, narrow, single-port and reversed port ranges, a
 * replay's adopted ports) and the same clock moves end up with the same reply tuples, status
 * bits, verdicts, random draws, adopter complaints, conntrack counters and table contents.
 */
class NatUniqueTuplePropertyTest {
    static final int WAN = Ipv4.parse("203.0.113.1");

    /** a RandomGenerator that records every draw (the port searches' offsets) */
    static final class Recording implements RandomGenerator {
        final SplittableRandom r;
        final List<Long> draws = new ArrayList<>();

        Recording(long seed) {
            r = new SplittableRandom(seed);
        }

        @Override
        public long nextLong() {
            long v = r.nextLong();
            draws.add(v);
            return v;
        }
    }

    /** one table with one of the two implementations, and everything observable about it */
    static final class World {
        final Conntrack ct = new Conntrack(new CtConfig(), 3);
        final Recording random;
        final Nat nat;
        final NatReference ref;
        final List<String> log = new ArrayList<>();
        long now = 1_000_000_000_000L;

        World(boolean reference, long seed) {
            random = new Recording(seed);
            nat = reference ? null : new Nat(ct, random);
            ref = reference ? new NatReference(ct, random) : null;
            ct.advance(now);
        }

        void adopter(Nat.Adopter a) {
            if (nat != null) {
                nat.adopter = a;
            } else {
                ref.adopter = a;
            }
        }

        int setup(int e, NatRange r, int manip) {
            return nat != null ? nat.setupInfo(e, r, manip) : ref.setupInfo(e, r, manip);
        }

        int nullBinding(int e, int hook) {
            return nat != null ? nat.allocNullBinding(e, hook) : ref.allocNullBinding(e, hook);
        }

        /** one operation: a clock move, or a new packet with its bindings and (maybe) its confirmation */
        void apply(int[] op) {
            if (op[0] % 8 == 0) {
                now += (op[1] % 200) * 1_000_000_000L;
                ct.advance(now);
                log.add("advance");
                return;
            }
            int proto = switch (op[2] % 3) {
                case 0 -> Ipv4.PROTO_UDP;
                case 1 -> Ipv4.PROTO_TCP;
                default -> Ipv4.PROTO_ICMP;
            };
            int client = Ipv4.parse("10.0.0.2") + op[3] % 3;
            int sport = new int[] {1024, 1025, 1026, 500, 700, 1}[op[4] % 6];
            int server = Ipv4.parse("198.51.100.1") + op[5] % 2;
            int dport = op[6] % 2 == 0 ? 53 : 80;
            Skb skb = new Skb(packet(proto, client, sport, server, dport), 0, 0);
            skb.len = Ipv4.totLen(skb.buf, 0);
            int v = ct.in(skb, Hooks.PRE_ROUTING);
            int e = skb.ct;
            StringBuilder s = new StringBuilder("in " + v + " ct " + e + " ctinfo " + skb.ctinfo);
            if (e >= 0) {
                // destination manip (PREROUTING), then source manip (POSTROUTING)
                s.append(" dst ").append(bind(e, op[7] % 3, Manip.DST, op));
                s.append(" src ").append(bind(e, op[8] % 3, Manip.SRC, op));
                s.append(" tuple ").append(Tuple.toString(ct.table.replyK1(e), ct.table.replyK2(e)));
                s.append(" status ").append(ct.table.status(e));
                if (op[9] % 10 != 0) {
                    s.append(" confirm ").append(ct.confirm(skb));
                }
            }
            ct.put(skb);
            log.add(s.toString());
        }

        private String bind(int e, int mode, int manip, int[] op) {
            if (mode == 0) {
                return "-";
            }
            if (mode == 1) {
                return "null " + nullBinding(e, manip == Manip.SRC ? Hooks.POST_ROUTING : Hooks.PRE_ROUTING);
            }
            int flags = op[10] % 64;
            int minAddr = WAN + op[11] % 2;
            int maxAddr = minAddr + (op[12] % 3 == 0 ? 0 : op[12] % 4);
            int minProto = new int[] {1024, 1025, 0, 500, 1}[op[13] % 5];
            int maxProto = switch (op[14] % 4) {
                case 0 -> minProto;
                case 1 -> minProto + 2;
                case 2 -> minProto + 300;
                default -> Math.max(0, minProto - 1); // reversed
            };
            NatRange r = new NatRange(flags, minAddr, maxAddr, minProto, maxProto, op[15] % 2000);
            return r + " " + setup(e, r, manip);
        }

        List<String> state() {
            List<String> s = new ArrayList<>(log);
            for (int e : ct.snapshot()) {
                s.add(e + " " + Tuple.toString(ct.table.origK1(e), ct.table.origK2(e)) + " / "
                        + Tuple.toString(ct.table.replyK1(e), ct.table.replyK2(e)) + " status " + ct.table.status(e)
                        + " expires " + ct.table.expiresNanos(e) + " id " + ct.table.id(e));
            }
            s.add("stats " + Arrays.toString(ct.stats.values()));
            s.add("draws " + random.draws);
            return s;
        }
    }

    static byte[] packet(int proto, int src, int sport, int dst, int dport) {
        int l4 = proto == Ipv4.PROTO_TCP ? 20 : 8;
        int len = 20 + l4 + 4;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        p[8] = 64;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        if (proto == Ipv4.PROTO_ICMP) {
            p[20] = 8; // echo request, id = sport
            Ipv4.put16(p, 24, sport);
            Ipv4.put16(p, 26, dport);
        } else {
            Ipv4.put16(p, 20, sport);
            Ipv4.put16(p, 22, dport);
            if (proto == Ipv4.PROTO_TCP) {
                Ipv4.put32(p, 24, 1000 + sport);
                p[32] = 0x50;
                p[33] = 0x02; // SYN
                Ipv4.put16(p, 34, 64240);
            } else {
                Ipv4.put16(p, 24, l4 + 4);
            }
        }
        Checksum.setTransport(p, 0);
        return p;
    }

    @Provide
    Arbitrary<List<int[]>> ops() {
        return Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(16).list().ofMinSize(1).ofMaxSize(150);
    }

    @Property(tries = 300)
    void bindingsChooseWhatTheReferenceChooses(@ForAll("ops") List<int[]> ops, @ForAll long seed,
            @ForAll boolean adopting) {
        World fast = new World(false, seed);
        World ref = new World(true, seed);
        if (adopting) {
            // a replay's opinion: a port derived from the tuple, sometimes outside the range or taken
            for (World w : List.of(fast, ref)) {
                w.adopter(new Nat.Adopter() {
                    @Override
                    public int adopt(int e, int manip, long k1, long k2) {
                        int h = Tuple.sport(k2) * 31 + Tuple.dport(k2) + manip;
                        return h % 5 == 0 ? -1 : 1024 + h % 4;
                    }

                    @Override
                    public void diverged(int e, String why) {
                        w.log.add("diverged " + e + " " + why);
                    }
                });
            }
        }
        for (int[] op : ops) {
            fast.apply(op);
            ref.apply(op);
            assertThat(fast.log.getLast()).isEqualTo(ref.log.getLast());
        }
        assertThat(fast.state()).containsExactlyElementsOf(ref.state());
    }

    @Property(tries = 500)
    void jhashOfFourWordsIsJhash2OverTheArray(@ForAll int w0, @ForAll int w1, @ForAll int w2, @ForAll int w3,
            @ForAll int seed) {
        assertThat(Jhash.jhash2Words4(w0, w1, w2, w3, seed)).isEqualTo(Jhash.jhash2(new int[] {w0, w1, w2, w3}, 4, seed));
    }
}
