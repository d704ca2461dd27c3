package dev.hairpin.conntrack.proto;

import static dev.hairpin.conntrack.proto.TcpKit.ACK;
import static dev.hairpin.conntrack.proto.TcpKit.CLIENT;
import static dev.hairpin.conntrack.proto.TcpKit.CPORT;
import static dev.hairpin.conntrack.proto.TcpKit.CWR;
import static dev.hairpin.conntrack.proto.TcpKit.ECE;
import static dev.hairpin.conntrack.proto.TcpKit.FIN;
import static dev.hairpin.conntrack.proto.TcpKit.NO_OPTIONS;
import static dev.hairpin.conntrack.proto.TcpKit.PSH;
import static dev.hairpin.conntrack.proto.TcpKit.RST;
import static dev.hairpin.conntrack.proto.TcpKit.S;
import static dev.hairpin.conntrack.proto.TcpKit.SERVER;
import static dev.hairpin.conntrack.proto.TcpKit.SPORT;
import static dev.hairpin.conntrack.proto.TcpKit.SYN;
import static dev.hairpin.conntrack.proto.TcpKit.URG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.conntrack.TcpConn;
import dev.hairpin.conntrack.TcpState;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpTrackerTest {

    /**
     * The frames of /work/shared/conformance/snat-tcp-lifecycle (IP part, Ethernet stripped),
     * with their capture times in µs. The server's packets were addressed to the SNAT address
     * 203.0.113.1 there; {@link #replayLifecycle} puts the client address back.
     */
    static final String[][] LIFECYCLE = {
        {"1042", "c", "4500002800010000400646900a000002c633640ac66e01bb000003e8000000005002faf0b4a00000"},
        {"102764", "s", "450000280001000040061490c633640acb00710101bbc66e00001388000003e95012faf06f070000"},
        {"204278", "c", "4500002800010000400646900a000002c633640ac66e01bb000003e9000013895010faf0a1080000"},
        {"305721", "c", "4500003500010000400646830a000002c633640ac66e01bb000003e9000013895018faf007b3000068656c6c6f207365727665720a"},
        {"407130", "s", "450000280001000040061490c633640acb00710101bbc66e00001389000003f65010faf06efb0000"},
        {"508756", "s", "450000350001000040061483c633640acb00710101bbc66e00001389000003f65018faf0e5ad000068656c6c6f20636c69656e740a"},
        {"610077", "c", "4500002800010000400646900a000002c633640ac66e01bb000003f6000013965010faf0a0ee0000"},
        {"711559", "c", "4500002800010000400646900a000002c633640ac66e01bb000003f6000013965011faf0a0ed0000"},
        {"812980", "s", "450000280001000040061490c633640acb00710101bbc66e00001396000003f75010faf06eed0000"},
        {"914490", "s", "450000280001000040061490c633640acb00710101bbc66e00001396000003f75011faf06eec0000"},
        {"1015880", "c", "4500002800010000400646900a000002c633640ac66e01bb000003f7000013975010faf0a0ec0000"},
    };

    /** expected/events.txt of that scenario, reduced to type, timeout, state and flags */
    static final List<String> LIFECYCLE_EVENTS = List.of(
            "[NEW] 120 SYN_SENT [UNREPLIED]",
            "[UPDATE] 60 SYN_RECV",
            "[UPDATE] 432000 ESTABLISHED [ASSURED]",
            "[UPDATE] 120 FIN_WAIT [ASSURED]",
            "[UPDATE] 60 CLOSE_WAIT [ASSURED]",
            "[UPDATE] 30 LAST_ACK [ASSURED]",
            "[UPDATE] 120 TIME_WAIT [ASSURED]");

    static TcpKit.Harness replayLifecycle(TcpKit.Harness h) {
        for (String[] f : LIFECYCLE) {
            byte[] ip = TcpKit.hex(f[2]);
            if (f[1].equals("s")) {
                Ipv4.put32(ip, Ipv4.DADDR, CLIENT); // undo the SNAT
                TcpKit.fixChecksums(ip);
            }
            h.at(Long.parseLong(f[0]) * 1000);
            TcpKit.Result r = h.send(ip);
            assertThat(r.invalid()).as("frame at %s µs", f[0]).isFalse();
            assertThat(r.verdict()).isEqualTo(Verdict.NF_ACCEPT);
        }
        return h;
    }

    @Nested
    class Lifecycle {
        @Test
        void kernelRecordingWalksEveryStateWithTheTimeoutItArms() {
            TcpKit.Harness h = replayLifecycle(new TcpKit.Harness());

            assertThat(h.events).containsExactlyElementsOf(LIFECYCLE_EVENTS);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(h.c.stats.invalid).isZero();
        }

        @Test
        void countsPacketsAndBytesPerDirectionLikeTheKernel() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.acct = true;
            replayLifecycle(h);
            int ct = h.entry();

            // expected/conntrack-extended.txt: packets=6 bytes=253 ... packets=5 bytes=213
            assertThat(h.c.table.packets(ct, 0)).isEqualTo(6);
            assertThat(h.c.table.bytes(ct, 0)).isEqualTo(253);
            assertThat(h.c.table.packets(ct, 1)).isEqualTo(5);
            assertThat(h.c.table.bytes(ct, 1)).isEqualTo(213);
        }

        @Test
        void firstPacketIsNewThenEstablishedBothWays() {
            TcpKit.Harness h = new TcpKit.Harness();
            assertThat(h.orig(SYN, 1000, 0).ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.orig(SYN, 1000, 0).ctinfo()).as("retransmitted SYN").isEqualTo(CtInfo.NEW);
            assertThat(h.reply(SYN | ACK, 5000, 1001).ctinfo()).isEqualTo(CtInfo.ESTABLISHED_REPLY);
            assertThat(h.orig(ACK, 1001, 5001).ctinfo()).isEqualTo(CtInfo.ESTABLISHED);
        }

        @Test
        void timeWaitEntryExpiresAfterTwoMinutes() {
            TcpKit.Harness h = replayLifecycle(new TcpKit.Harness());
            h.later(119 * S);
            assertThat(h.entry()).isNotNegative();
            h.later(2 * S);
            assertThat(h.entry()).isNegative();
            assertThat(h.events).last().isEqualTo("[DESTROY] TIME_WAIT [ASSURED]");
        }

        @Test
        void finFromTheServerFirstMarksItAsCloser() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(FIN | ACK, 5001, 1001);
            TcpConn t = h.c.tcp(h.entry());
            assertThat(h.state()).isEqualTo(TcpState.FIN_WAIT);
            assertThat(t.seen[1].flags & TcpConn.FLAG_CLOSE_INIT).isNotZero();
            assertThat(t.seen[0].flags & TcpConn.FLAG_CLOSE_INIT).isZero();
        }
    }

    @Nested
    class Validity {
        static final Set<Integer> VALID = Set.of(SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG,
                ACK, ACK | URG);

        @Test
        void everyFlagByteOutsideTheKernelTableIsInvalid() {
            for (int flags = 0; flags < 256; flags++) {
                TcpKit.Harness h = new TcpKit.Harness();
                h.handshake();
                long invalid = h.c.stats.invalid;
                TcpKit.Result r = h.orig(flags, 1001, 5001);
                boolean valid = VALID.contains(flags & ~(ECE | CWR | PSH));
                if (!valid) {
                    assertThat(r.invalid()).as("flags 0x%02x", flags).isTrue();
                    assertThat(r.verdict()).isEqualTo(Verdict.NF_ACCEPT);
                    assertThat(h.c.stats.invalid).isEqualTo(invalid + 1);
                    assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
                } else if ((flags & (SYN | RST)) == 0) {
                    assertThat(r.invalid()).as("flags 0x%02x", flags).isFalse();
                }
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, FIN, SYN | FIN, SYN | RST, FIN | RST, SYN | FIN | ACK, FIN | URG, RST | URG, URG,
            SYN | RST | ACK})
        void invalidFlagsNeverMakeAnEntry(int flags) {
            TcpKit.Harness h = new TcpKit.Harness();
            TcpKit.Result r = h.orig(flags, 1000, 0);
            assertThat(r.invalid()).isTrue();
            assertThat(h.c.table.count()).isZero();
            assertThat(h.c.stats.invalid).isEqualTo(1);
            assertThat(h.events).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(ints = {SYN | ACK, FIN | ACK, RST, RST | ACK})
        void onlySynOrAckMayOpenAnEntry(int flags) {
            TcpKit.Harness h = new TcpKit.Harness();
            assertThat(h.orig(flags, 1000, 77).invalid()).isTrue();
            assertThat(h.c.table.count()).isZero();
        }

        @Test
        void synWithUrgAndEcnOpens() {
            TcpKit.Harness h = new TcpKit.Harness();
            assertThat(h.orig(SYN | URG | ECE | CWR, 1000, 0).ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void badChecksumIsInvalidAtPreroutingOnly() {
            byte[] syn = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, SYN, 1000, 0, 64240, NO_OPTIONS, 0);
            syn[20 + 16] ^= 1;

            TcpKit.Harness pre = new TcpKit.Harness();
            assertThat(pre.send(syn.clone()).invalid()).isTrue();

            TcpKit.Harness out = new TcpKit.Harness();
            out.hook = Hooks.LOCAL_OUT;
            assertThat(out.send(syn.clone()).ctinfo()).isEqualTo(CtInfo.NEW);

            TcpKit.Harness off = new TcpKit.Harness();
            off.config.checksum = false;
            assertThat(off.send(syn.clone()).ctinfo()).isEqualTo(CtInfo.NEW);
        }

        @Test
        void truncatedHeadersAreInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            byte[] shortDoff = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, SYN, 1000, 0, 64240, NO_OPTIONS, 0);
            shortDoff[20 + 12] = 0x40; // doff 4: 16 bytes
            TcpKit.fixChecksums(shortDoff);
            assertThat(h.send(shortDoff).invalid()).isTrue();

            byte[] longDoff = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, SYN, 1000, 0, 64240, NO_OPTIONS, 4);
            longDoff[20 + 12] = 0x60; // doff 6: 24 bytes, but only 20 + 4 payload... fits
            TcpKit.fixChecksums(longDoff);
            assertThat(h.send(longDoff).invalid()).as("24 bytes of header present").isFalse();
            h.c.flush();

            byte[] overlong = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, SYN, 1000, 0, 64240, NO_OPTIONS, 0);
            overlong[20 + 12] = 0x60; // doff 6 in a 20-byte segment
            TcpKit.fixChecksums(overlong);
            assertThat(h.send(overlong).invalid()).isTrue();

            byte[] stub = new byte[20 + 12];
            System.arraycopy(overlong, 0, stub, 0, stub.length);
            Ipv4.put16(stub, 2, stub.length);
            Ipv4.put16(stub, 10, 0);
            Ipv4.put16(stub, 10, ~TcpKit.sum(stub, 0, 20, 0) & 0xffff);
            assertThat(h.send(stub).invalid()).as("12 bytes of TCP").isTrue();
        }

        @Test
        void finBeforeTheSynAckIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            assertThat(h.orig(FIN | ACK, 1001, 0).invalid()).isTrue();
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void ackFromTheClientBeforeTheSynAckIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            assertThat(h.orig(ACK, 1001, 5001).invalid()).isTrue();
        }
    }

    @Nested
    class Pickup {
        @Test
        void looseAckPicksUpAnEstablishedUnrepliedEntryFor300s() {
            TcpKit.Harness h = new TcpKit.Harness();
            TcpKit.Result r = h.orig(ACK | PSH, 123456, 654321, 501, NO_OPTIONS, 100);

            assertThat(r.ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.events).containsExactly("[NEW] 300 ESTABLISHED [UNREPLIED]");
            TcpConn t = h.c.tcp(h.entry());
            int liberal = TcpConn.FLAG_SACK_PERM | TcpConn.FLAG_BE_LIBERAL;
            assertThat(t.seen[0].flags & liberal).isEqualTo(liberal);
            assertThat(t.seen[1].flags & liberal).isEqualTo(liberal);
        }

        @Test
        void theFirstPacketAfterTheAnswerAssuresAPickedUpEntry() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(ACK, 123456, 654321);
            // the answer: SEEN_REPLY is set only after the tracker ran, so still capped, not assured
            h.reply(ACK, 654321, 123456);
            h.orig(ACK, 123456, 654321);
            assertThat(h.events).containsExactly("[NEW] 300 ESTABLISHED [UNREPLIED]", "[UPDATE] 300 ESTABLISHED",
                    "[UPDATE] 432000 ESTABLISHED [ASSURED]");
        }

        @Test
        void pickedUpEntriesAcceptAnyWindow() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(ACK, 123456, 654321);
            h.reply(ACK, 654321, 123456);
            // far outside anything the windows allow: still accepted (BE_LIBERAL)
            assertThat(h.orig(ACK, 123456 + 50_000_000, 654321).invalid()).isFalse();
        }

        @Test
        void withoutLooseAMidStreamAckIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.tcpLoose = false;
            TcpKit.Result r = h.orig(ACK, 123456, 654321);
            assertThat(r.invalid()).isTrue();
            assertThat(h.c.stats.invalid).isEqualTo(1);
            assertThat(h.c.table.count()).isZero();
            assertThat(h.events).isEmpty();
            assertThat(h.orig(SYN, 1000, 0).ctinfo()).as("a SYN still opens").isEqualTo(CtInfo.NEW);
        }
    }

    @Nested
    class Resets {
        @Test
        void rstBeforeAnyReplyKillsTheEntry() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            h.later(S);
            TcpKit.Result r = h.reply(RST | ACK, 0, 1001);

            assertThat(r.verdict()).isEqualTo(Verdict.NF_ACCEPT);
            assertThat(r.invalid()).isFalse();
            assertThat(h.events).containsExactly("[NEW] 120 SYN_SENT [UNREPLIED]", "[DESTROY] CLOSE [UNREPLIED]");
            assertThat(h.c.table.count()).isZero();
        }

        @Test
        void clientAbortInSynSentKillsTheEntryToo() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            h.orig(RST, 1001, 0);
            assertThat(h.events).containsExactly("[NEW] 120 SYN_SENT [UNREPLIED]", "[DESTROY] CLOSE [UNREPLIED]");
            assertThat(h.c.table.count()).isZero();
        }

        @Test
        void exactRstClosesAnEstablishedEntryWithTheCloseTimeout() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.events.clear();
            assertThat(h.reply(RST, 5001, 0).invalid()).isFalse();
            assertThat(h.events).containsExactly("[UPDATE] 10 CLOSE [ASSURED]");
        }

        @Test
        void rstBelowTheLastAckIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.orig(ACK | PSH, 1001, 5001, 64240, NO_OPTIONS, 10);
            h.reply(ACK | PSH, 5001, 1011, 64240, NO_OPTIONS, 100);
            h.orig(ACK, 1011, 5101); // client's max ack: 5101
            assertThat(h.reply(RST, 5050, 0).invalid()).isTrue();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void ignoreInvalidRstLetsItThroughButKeepsTheState() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.tcpIgnoreInvalidRst = true;
            h.handshake();
            h.orig(ACK | PSH, 1001, 5001, 64240, NO_OPTIONS, 10);
            h.reply(ACK | PSH, 5001, 1011, 64240, NO_OPTIONS, 100);
            h.orig(ACK, 1011, 5101);
            assertThat(h.reply(RST, 5050, 0).invalid()).isFalse();
            // not exact: the kernel keeps ESTABLISHED (a challenge ACK may follow), with the RST's timeout
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.expires()).isEqualTo(10);
        }

        @Test
        void inexactRstInWindowWaitsForTheChallengeAck() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.events.clear();
            assertThat(h.reply(RST, 5001 + 1000, 0).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.expires()).isEqualTo(10);
            assertThat(h.events).isEmpty();
        }

        @Test
        void rstEndingADataTrainCloses() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(ACK | PSH, 5001, 1001, 64240, NO_OPTIONS, 19);
            assertThat(h.reply(RST, 5020, 0).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.CLOSE);
        }

        @Test
        void rstInAClosingStateSkipsTheChecks() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.orig(FIN | ACK, 1001, 5001);
            assertThat(h.reply(RST, 3, 0).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.CLOSE);
        }
    }

    @Nested
    class Reopen {
        @Test
        void synInTimeWaitKillsTheEntryAndOpensAFreshOne() {
            TcpKit.Harness h = replayLifecycle(new TcpKit.Harness());
            h.events.clear();
            int old = h.entry();
            h.later(5 * S);

            TcpKit.Result r = h.orig(SYN, 900_000, 0);

            assertThat(r.ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(r.verdict()).isEqualTo(Verdict.NF_ACCEPT);
            assertThat(h.events).containsExactly("[DESTROY] TIME_WAIT [ASSURED]", "[NEW] 120 SYN_SENT [UNREPLIED]");
            assertThat(h.c.table.count()).isEqualTo(1);
            assertThat(h.c.stats.invalid).isZero();
            assertThat(h.status() & CtStatus.ASSURED).isZero();
            assertThat(h.c.tcp(h.entry()).seen[0].tdEnd).isEqualTo(900_001);
            assertThat(old).isGreaterThanOrEqualTo(0);
        }

        @Test
        void serverSynInTimeWaitAlsoReopens() {
            TcpKit.Harness h = replayLifecycle(new TcpKit.Harness());
            h.events.clear();
            TcpKit.Result r = h.reply(SYN, 777_000, 0);
            // the old entry dies; the server's SYN makes an entry with the server as originator
            assertThat(h.events).containsExactly("[DESTROY] TIME_WAIT [ASSURED]", "[NEW] 120 SYN_SENT [UNREPLIED]");
            assertThat(r.ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.c.table.src(h.entry(), 0)).isEqualTo(SERVER);
        }

        @Test
        void synAfterTheServersRstIsIgnoredUntilItsSynAckResyncs() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(RST, 5001, 0);
            assertThat(h.state()).isEqualTo(TcpState.CLOSE);
            h.events.clear();

            // no FIN was seen and the RST came from the other side: the SYN is only noted
            TcpKit.Result syn = h.orig(SYN, 40_000, 0);
            assertThat(syn.ctinfo()).isEqualTo(CtInfo.ESTABLISHED);
            assertThat(h.state()).isEqualTo(TcpState.CLOSE);
            assertThat(h.events).isEmpty();

            // its SYN/ACK acks the ignored SYN: conntrack takes it as the opening
            assertThat(h.reply(SYN | ACK, 90_000, 40_001).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECV);
            assertThat(h.events).containsExactly("[UPDATE] 60 SYN_RECV [ASSURED]");
            assertThat(h.orig(ACK, 40_001, 90_001).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.expires()).isEqualTo(432000);
        }

        @Test
        void synAfterOwnRstReopens() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.orig(RST, 1001, 0);
            h.events.clear();
            TcpKit.Result r = h.orig(SYN, 40_000, 0);
            assertThat(r.ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.events).containsExactly("[DESTROY] CLOSE [ASSURED]", "[NEW] 120 SYN_SENT [UNREPLIED]");
        }
    }

    @Nested
    class Windows {
        @Test
        void dataBeyondTheReceiversWindowIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            long before = h.expires();
            h.later(10 * S);
            TcpKit.Result r = h.orig(ACK | PSH, 1001 + 200_000, 5001, 64240, NO_OPTIONS, 100);
            assertThat(r.invalid()).isTrue();
            assertThat(h.c.stats.invalid).isEqualTo(1);
            assertThat(h.expires()).as("not refreshed").isEqualTo(before - 10);
        }

        @Test
        void beLiberalAcceptsOutOfWindowData() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.tcpBeLiberal = true;
            h.handshake();
            TcpKit.Result r = h.orig(ACK | PSH, 1001 + 200_000, 5001, 64240, NO_OPTIONS, 100);
            assertThat(r.invalid()).isFalse();
            assertThat(r.ctinfo()).isEqualTo(CtInfo.ESTABLISHED);
        }

        @Test
        void ackingDataNeverSentIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            assertThat(h.orig(ACK, 1001, 5001 + 10).invalid()).isTrue();
        }

        @Test
        void aSmallOvershootIsLetThroughButNotTracked() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            // the server advertised 64240: 64240 + 100 bytes overshoot the window by 101
            h.later(S);
            TcpKit.Result r = h.orig(ACK | PSH, 1001 + 64240 + 1, 5001, 64240, NO_OPTIONS, 100);
            assertThat(r.invalid()).isFalse();
            assertThat(h.expires()).as("ignored: no refresh").isEqualTo(432000 - 1);
            // its end is recorded so that the server's ACK of it passes
            assertThat(h.c.tcp(h.entry()).seen[0].tdEnd).isEqualTo(1001 + 64240 + 1 + 100);
            assertThat(h.reply(ACK, 5001, 1001 + 64240 + 1 + 100).invalid()).isFalse();
        }

        @Test
        void oldRetransmittedDataIsIgnoredWithoutRefresh() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            // move the client 200000 bytes on in steps the window allows
            int seq = 1001;
            for (int i = 0; i < 5; i++) {
                h.orig(ACK | PSH, seq, 5001, 64240, NO_OPTIONS, 40_000);
                seq += 40_000;
                h.reply(ACK, 5001, seq);
            }
            h.later(S);
            long expires = h.expires();
            TcpKit.Result r = h.orig(ACK | PSH, 1001, 5001, 64240, NO_OPTIONS, 100);
            assertThat(r.invalid()).isFalse();
            assertThat(h.expires()).isEqualTo(expires);
        }

        @Test
        void handshakeRecordsWindowScaleWhenBothSidesOfferIt() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0, 64240, TcpKit.synOptions(7, true), 0);
            h.reply(SYN | ACK, 5000, 1001, 65535, TcpKit.synOptions(9, true), 0);
            TcpConn t = h.c.tcp(h.entry());
            assertThat(t.seen[0].tdScale).isEqualTo(7);
            assertThat(t.seen[1].tdScale).isEqualTo(9);
            assertThat(t.seen[0].flags & (TcpConn.FLAG_WINDOW_SCALE | TcpConn.FLAG_SACK_PERM))
                    .isEqualTo(TcpConn.FLAG_WINDOW_SCALE | TcpConn.FLAG_SACK_PERM);
            assertThat(t.seen[0].tdMaxWin).isEqualTo(64240);
            assertThat(t.seen[1].tdMaxWin).as("SYN windows are not scaled").isEqualTo(65535);
        }

        @Test
        void windowScaleIsCappedAt14() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0, 64240, TcpKit.synOptions(20, false), 0);
            assertThat(h.c.tcp(h.entry()).seen[0].tdScale).isEqualTo(14);
        }

        @Test
        void oneSidedWindowScaleIsDropped() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0, 64240, TcpKit.synOptions(7, false), 0);
            h.reply(SYN | ACK, 5000, 1001, 65535, NO_OPTIONS, 0);
            TcpConn t = h.c.tcp(h.entry());
            assertThat(t.seen[0].tdScale).isZero();
            assertThat(t.seen[1].tdScale).isZero();
        }

        /** both sides advertise 8000 << 7 = 1 024 000 bytes after the handshake */
        private TcpKit.Harness scaledFlow(boolean serverScales) {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0, 64240, TcpKit.synOptions(7, false), 0);
            h.reply(SYN | ACK, 5000, 1001, 65535, serverScales ? TcpKit.synOptions(7, false) : NO_OPTIONS, 0);
            h.orig(ACK, 1001, 5001, 8000, NO_OPTIONS, 0);
            h.reply(ACK, 5001, 1001, 8000, NO_OPTIONS, 0);
            return h;
        }

        @Test
        void scaledWindowsAdmitDataFarBeyond64k() {
            TcpKit.Harness h = scaledFlow(true);
            assertThat(h.c.tcp(h.entry()).seen[0].tdMaxEnd).isEqualTo(1001 + 8000 * 128);
            assertThat(h.orig(ACK | PSH, 1001 + 500_000, 5001, 8000, NO_OPTIONS, 100).invalid()).isFalse();
        }

        @Test
        void withoutScalingTheSameDataIsOutOfWindow() {
            TcpKit.Harness h = scaledFlow(false);
            assertThat(h.orig(ACK | PSH, 1001 + 500_000, 5001, 8000, NO_OPTIONS, 100).invalid()).isTrue();
        }

        @Test
        void sackRightEdgeCountsAsTheAck() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0, 64240, TcpKit.synOptions(7, true), 0);
            h.reply(SYN | ACK, 5000, 1001, 65535, TcpKit.synOptions(7, true), 0);
            h.orig(ACK, 1001, 5001, 502, NO_OPTIONS, 0);
            h.reply(ACK | PSH, 5001, 1001, 502, NO_OPTIONS, 3000);
            // a SACK block ending past anything the server sent: ACK over upper bound
            assertThat(h.orig(ACK, 1001, 5001, 502, TcpKit.sackBlock(6001, 9001), 0).invalid()).isTrue();
            // inside what was sent: fine
            assertThat(h.orig(ACK, 1001, 5001, 502, TcpKit.sackBlock(6001, 8001), 0).invalid()).isFalse();
        }
    }

    @Nested
    class Timeouts {
        @Test
        void retransmittedSynKeepsTheTimer() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.acct = true;
            h.orig(SYN, 1000, 0);
            h.later(50 * S);
            assertThat(h.orig(SYN, 1000, 0).ctinfo()).isEqualTo(CtInfo.NEW);
            assertThat(h.expires()).isEqualTo(70);
            assertThat(h.c.table.packets(h.entry(), 0)).as("not counted either").isEqualTo(1);
            h.later(70 * S + S / 2);
            // reaped when met (here by a dump), as recorded in timeouts-midrun
            assertThat(h.c.snapshot()).isEmpty();
            assertThat(h.c.table.count()).isZero();
            assertThat(h.events).last().isEqualTo("[DESTROY] SYN_SENT [UNREPLIED]");
        }

        @Test
        void unacknowledgedDataArmsThe300sTimeout() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            assertThat(h.expires()).isEqualTo(432000);
            h.orig(ACK | PSH, 1001, 5001, 64240, NO_OPTIONS, 13);
            assertThat(h.expires()).isEqualTo(300);
            h.reply(ACK, 5001, 1014);
            assertThat(h.expires()).isEqualTo(432000);
        }

        @Test
        void unackTimeoutFollowsItsSysctl() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.setTimeoutSeconds(CtTimeout.TCP_UNACK, 77);
            h.handshake();
            h.orig(ACK | PSH, 1001, 5001, 64240, NO_OPTIONS, 13);
            assertThat(h.expires()).isEqualTo(77);
        }

        @Test
        void repeatedIdenticalAcksArmTheRetransTimeout() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(ACK, 5001, 1001);
            h.reply(ACK, 5001, 1001);
            h.reply(ACK, 5001, 1001);
            assertThat(h.c.tcp(h.entry()).retrans).isEqualTo(2);
            assertThat(h.expires()).isEqualTo(432000);
            h.reply(ACK, 5001, 1001);
            assertThat(h.expires()).isEqualTo(300);
            h.orig(ACK, 1001, 5001);
            assertThat(h.expires()).as("a different ACK resets the count").isEqualTo(432000);
        }

        @Test
        void zeroWindowArmsTheRetransTimeout() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(ACK, 5001, 1001, 0, NO_OPTIONS, 0);
            assertThat(h.expires()).isEqualTo(300);
        }

        @Test
        void synRecvAndSynSentTimeoutsFollowTheirSysctls() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.config.setTimeoutSeconds(CtTimeout.TCP_SYN_SENT, 33);
            h.config.setTimeoutSeconds(CtTimeout.TCP_SYN_RECV, 22);
            h.orig(SYN, 1000, 0);
            assertThat(h.expires()).isEqualTo(33);
            h.reply(SYN | ACK, 5000, 1001);
            assertThat(h.expires()).isEqualTo(22);
        }

        @Test
        void outOfWindowFinAnsweringFinCutsTheTimeoutToUnack() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            assertThat(h.orig(FIN | ACK, 1001 + 300_000, 5001).invalid()).isTrue();
            assertThat(h.expires()).isEqualTo(432000);
            assertThat(h.reply(FIN | ACK, 5001 + 300_000, 1001).invalid()).isTrue();
            assertThat(h.expires()).isEqualTo(300);
        }
    }

    @Nested
    class Odd {
        @Test
        void aNewSynWithHigherSeqInSynSentRestartsTheWindow() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            h.orig(SYN, 2000, 0); // the client picked a new ISN
            assertThat(h.c.tcp(h.entry()).seen[0].tdEnd).isEqualTo(2001);
            assertThat(h.reply(SYN | ACK, 5000, 2001).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECV);
        }

        @Test
        void synAckAckingAnOlderSynIsInvalid() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            assertThat(h.reply(SYN | ACK, 5000, 1002).invalid()).isTrue();
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void establishedAcksAllocateNothing() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            byte[] ack = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, ACK, 1001, 5001, 64240, TcpKit.sackBlock(1, 2), 0);
            Skb skb = new Skb();
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long allocated = 0;
            for (int round = 0; round < 3; round++) {
                long start = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    skb.set(ack, 0, ack.length);
                    h.c.in(skb, Hooks.PRE_ROUTING);
                    h.c.confirm(skb);
                    h.c.put(skb);
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - start;
            }
            assertThat(h.c.tcp(h.entry()).retrans).as("u8 count of the same ACK again and again").isEqualTo(60_000 & 0xff);
            assertThat(allocated).as("bytes allocated for 20 000 packets").isLessThan(20_000);
        }

        @Test
        void simultaneousOpenReachesEstablished() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.orig(SYN, 1000, 0);
            h.reply(SYN, 5000, 0);
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT2);
            assertThat(h.expires()).isEqualTo(120);
            h.orig(SYN | ACK, 1000, 5001);
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECV);
            h.reply(ACK, 5001, 1001);
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.status() & CtStatus.ASSURED).isNotZero();
        }

        @Test
        void lateSynAckInEstablishedIsIgnored() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.later(S);
            TcpKit.Result r = h.reply(SYN | ACK, 5000, 1001);
            assertThat(r.invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.expires()).isEqualTo(432000 - 1);
        }

        @Test
        void challengeAckToASynInLastAckDoesNotEndTheConnection() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.handshake();
            h.reply(FIN | ACK, 5001, 1001);
            h.orig(ACK, 1001, 5002);
            h.orig(FIN | ACK, 1001, 5002);
            assertThat(h.state()).isEqualTo(TcpState.LAST_ACK);
            // a new SYN while the server waits for its last ACK: ignored, challenge expected
            assertThat(h.orig(SYN, 70_000, 0).invalid()).isFalse();
            assertThat(h.reply(ACK, 5002, 1002).invalid()).isFalse();
            assertThat(h.state()).as("challenge ACK is not the last ACK").isEqualTo(TcpState.LAST_ACK);
            assertThat(h.reply(ACK, 5002, 1002).invalid()).isFalse();
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void stateTableMatchesTheModernKernelForSynAck() {
            // 6.18: SYN/ACK from the originator is invalid except in SYN_RECV / SYN_SENT2
            assertThat(TcpTracker.transition(0, TcpTracker.SYNACK_SET, TcpState.ESTABLISHED)).isEqualTo(-1);
            assertThat(TcpTracker.transition(0, TcpTracker.SYNACK_SET, TcpState.SYN_RECV)).isEqualTo(TcpState.SYN_RECV);
            assertThat(TcpTracker.transition(1, TcpTracker.SYN_SET, TcpState.TIME_WAIT)).isEqualTo(TcpState.SYN_SENT);
            assertThat(TcpTracker.transition(1, TcpTracker.ACK_SET, TcpState.SYN_SENT)).isEqualTo(-2);
        }

        @Test
        void packetsTrackedAtLocalOutSkipTheChecksum() {
            TcpKit.Harness h = new TcpKit.Harness();
            h.hook = Hooks.LOCAL_OUT;
            byte[] syn = TcpKit.segment(CLIENT, SERVER, CPORT, SPORT, SYN, 1000, 0, 64240, NO_OPTIONS, 0);
            Ipv4.put16(syn, 20 + 16, 0);
            Skb skb = new Skb(syn, 0, syn.length);
            assertThat(h.c.in(skb, Hooks.LOCAL_OUT)).isEqualTo(Verdict.NF_ACCEPT);
            assertThat(skb.ctinfo).isEqualTo(CtInfo.NEW);
        }
    }
}
