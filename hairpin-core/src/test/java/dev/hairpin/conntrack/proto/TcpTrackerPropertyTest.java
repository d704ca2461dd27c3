package dev.hairpin.conntrack.proto;

import static dev.hairpin.conntrack.proto.TcpKit.CLIENT;
import static dev.hairpin.conntrack.proto.TcpKit.CPORT;
import static dev.hairpin.conntrack.proto.TcpKit.SERVER;
import static dev.hairpin.conntrack.proto.TcpKit.SPORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.packet.Verdict;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever segments arrive in whatever order, the tracker neither throws nor leaves a bad state. */
class TcpTrackerPropertyTest {

    /** one segment: who sends, its flag byte, how its seq/ack relate to the flow, and when */
    record Step(int dir, int flags, int seqMode, int ackMode, int win, int payload, int options, int delayMs) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> flags = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14));
        Arbitrary<Integer> win = Arbitraries.oneOf(Arbitraries.integers().between(0, 65535), Arbitraries.of(0, 1, 64240));
        return Combinators.combine(
                        Arbitraries.integers().between(0, 1),
                        flags,
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 4),
                        win,
                        Arbitraries.oneOf(Arbitraries.of(0, 0, 1), Arbitraries.integers().between(0, 3000)),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.oneOf(Arbitraries.of(0, 10), Arbitraries.integers().between(0, 400_000)))
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    private static byte[] options(int choice, int seq) {
        return switch (choice) {
            case 1 -> TcpKit.synOptions(7, true);
            case 2 -> TcpKit.synOptions(14, false);
            case 3 -> TcpKit.sackBlock(seq, seq + 1000);
            case 4 -> new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}; // timestamps
            default -> TcpKit.NO_OPTIONS;
        };
    }

    private static int pick(int mode, int next, long random) {
        return switch (mode) {
            case 0 -> next;
            case 1 -> next - 1;
            case 2 -> next + (int) (random & 0xffff);
            case 3 -> next - (int) (random & 0x3ffff);
            default -> (int) random;
        };
    }

    @Property(tries = 400)
    void randomSegmentsNeverThrowAndLeaveAValidState(@ForAll("steps") List<Step> steps, @ForAll boolean loose,
            @ForAll boolean liberal, @ForAll long noise) {
        CtConfig cfg = new CtConfig();
        cfg.tcpLoose = loose;
        cfg.tcpBeLiberal = liberal;
        cfg.acct = true;
        TcpKit.Harness h = new TcpKit.Harness(cfg);
        int[] next = {1000, 5000};
        long r = noise;
        for (Step s : steps) {
            r = r * 6364136223846793005L + 1442695040888963407L;
            int seq = pick(s.seqMode(), next[s.dir()], r >>> 17);
            int ack = pick(s.ackMode(), next[1 - s.dir()], r >>> 29);
            byte[] pkt = s.dir() == 0
                    ? TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, s.flags(), seq, ack, s.win(), options(s.options(), ack), s.payload())
                    : TcpKit.segment(SERVER, CLIENT, SPORT, CPORT, s.flags(), seq, ack, s.win(), options(s.options(), ack), s.payload());
            TcpKit.Result res = h.send(pkt);
            assertThat(res.verdict()).isIn(Verdict.NF_ACCEPT, Verdict.NF_DROP);
            next[s.dir()] = seq + s.payload() + ((s.flags() & 0x03) != 0 ? 1 : 0);
            h.later(s.delayMs() * 1_000_000L);
            for (int ct : h.c.snapshot()) {
                assertThat(h.c.l4state(ct)).isBetween(0, 9);
                assertThat(h.c.table.tcpState(ct)).isBetween(1, 9);
            }
            assertThat(h.c.table.count()).isBetween(0, 1);
        }
        assertThat(h.events).allSatisfy(e -> assertThat(e).doesNotContain("NONE"));
    }
}
