package dev.hairpin.pipeline;

import static dev.hairpin.pipeline.CtHelpersTest.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.tools.ConntrackFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The IRC helper through MASQUERADE as Linux 6.18 did it in the recordings irc-dcc-nat and
 * irc-helper-edges: what a DCC offer turns into (the rewritten text, the expectation's
 * {@code conntrack -L expect} line, the related connection's NAT), which offers it reads, and
 * its limits (8 per session, clashes drawing a random port).
 */
class IrcHelperTest {
    static final int CLIENT = Ipv4.parse("10.0.0.2");
    static final int CLIENT2 = Ipv4.parse("10.0.0.4");
    static final int SERVER = Ipv4.parse("198.51.100.10");
    static final int PEER = Ipv4.parse("198.51.100.20");
    static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    final Host host = new Host();
    final Conntrack ct = new Conntrack(new CtConfig(), 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();
    final List<String> sentOn = new ArrayList<>();
    final NetDevice eth0;
    final NetDevice eth1;

    IrcHelperTest() {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(WAN_ADDR, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"),
                Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, WAN_ADDR, Route.SCOPE_LINK,
                0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        // raw: CT --helper irc for port 6667 from the LAN; nat: MASQUERADE out of eth1
        stack.tables = (table, hook, skb, par) -> {
            if (table == Tables.RAW && hook == Hooks.PRE_ROUTING && par.in == eth0 && skb.protocol() == 6
                    && Ipv4.u16(skb.buf, skb.l4 + 2) == 6667 && skb.ct < 0) {
                skb.helper = CtExt.HELPER_IRC;
            }
            if (table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1) {
                return par.services.masquerade(skb, NatRange.NONE);
            }
            return Verdict.NF_ACCEPT;
        };
        stack.output = (skb, dev, nh) -> {
            sent.add(skb.copyDatagram());
            sentOn.add(dev.name);
        };
    }

    void receive(NetDevice in, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    static String payload(byte[] p) {
        return new String(p, 40, Ipv4.totLen(p, 0) - 40, StandardCharsets.ISO_8859_1);
    }

    /** a session of {@code client}:{@code sport} to the server, established; the client's next sequence number */
    int session(int client, int sport) {
        receive(eth0, tcp(client, SERVER, sport, 6667, 0x02, 1000, 0, ""));
        receive(eth1, tcp(SERVER, WAN_ADDR, 6667, sport, 0x12, 9000, 1001, ""));
        receive(eth0, tcp(client, SERVER, sport, 6667, 0x10, 1001, 9001, ""));
        return 1001;
    }

    List<String> expectations() {
        List<String> l = new ArrayList<>();
        for (CtExt.Expect e : ct.table.ext.expects) {
            l.add(ConntrackFormat.expectation(ct.table, e));
        }
        return l;
    }

    @Test
    void dccSendIsRewrittenToThePublicAddressAndThePeerIsNatedToTheIrcServer() {
        int seq = session(CLIENT, 40000);
        String offer = "PRIVMSG bob :\1DCC SEND notes.txt 167772162 5000 1024\1\r\n";
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, offer));
        // recorded: the text one byte longer, naming 203.0.113.1
        assertThat(payload(sent.getLast())).isEqualTo("PRIVMSG bob :\1DCC SEND notes.txt 3405803777 5000 1024\1\r\n");
        stack.advance(ct.table.now() + 200_000_000L); // -L expect ran 0.2 s after the offer
        assertThat(expectations()).containsExactly("299 proto=6 src=0.0.0.0 dst=203.0.113.1 sport=0 dport=5000 "
                + "mask-src=0.0.0.0 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.0.0.2 "
                + "master-dst=198.51.100.10 sport=40000 dport=6667 class=0 helper=irc");
        // the next segment leaves one higher (seqadj)
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq + offer.length(), 9001, "PING x\r\n"));
        assertThat(Ipv4.i32(sent.getLast(), 24)).isEqualTo(seq + offer.length() + 1);
        // a peer that is not the server: DNATed to the client, SNATed to the server's address
        receive(eth1, tcp(PEER, WAN_ADDR, 45000, 5000, 0x02, 6000, 0, ""));
        byte[] syn = sent.getLast();
        assertThat(sentOn.getLast()).isEqualTo("eth0");
        assertThat(Ipv4.saddr(syn, 0)).isEqualTo(SERVER);
        assertThat(Ipv4.daddr(syn, 0)).isEqualTo(CLIENT);
        assertThat(Ipv4.u16(syn, 20)).isEqualTo(45000);
        assertThat(Ipv4.u16(syn, 22)).isEqualTo(5000);
        assertThat(ct.table.ext.expects).isEmpty();
    }

    /** each payload as the client sent it, what left (the recordings), how many expectations it made */
    static Stream<Arguments> offers() {
        return Stream.of(
                // irc-dcc-nat: CHAT naming the public address (rewritten to itself), forged, NOTICE, privmsg
                Arguments.of("PRIVMSG bob :\1DCC CHAT chat 3405803777 5001\1\r\n", "PRIVMSG bob :\1DCC CHAT chat 3405803777 5001\1\r\n", 1),
                Arguments.of("PRIVMSG bob :\1DCC SEND x.bin 167772169 5002 10\1\r\n", null, 0),
                Arguments.of("NOTICE bob :\1DCC SEND y.bin 167772162 5003 10\1\r\n", null, 0),
                Arguments.of("privmsg bob :\1DCC SEND z.bin 167772162 5004 10\1\r\n", "privmsg bob :\1DCC SEND z.bin 3405803777 5004 10\1\r\n", 1),
                // irc-helper-edges
                Arguments.of("PRIVMSG bob :\1DCC SEND nonl.bin 167772162 5201 10\1", null, 0),
                Arguments.of("PRIVMSG bob :hi\r\nPRIVMSG bob :\1DCC SEND two.bin 167772162 5202 10\1\r\n", null, 0),
                Arguments.of("\r\n  PRIVMSG bob :\1DCC SEND lead.bin 167772162 5203 10\1\r\n", "\r\n  PRIVMSG bob :\1DCC SEND lead.bin 3405803777 5203 10\1\r\n", 1),
                Arguments.of("PRIVMSG bob :\1DCC SEND wrap.bin 4462739458 5204 10\1\r\n", "PRIVMSG bob :\1DCC SEND wrap.bin 3405803777 5204 10\1\r\n", 1),
                Arguments.of("PRIVMSG bob :\1DCC SEND z.bin 167772162 0 1\1 :\1DCC CHAT chat 167772162 5205\1\r\n", null, 0),
                Arguments.of("PRIVMSG bob :\1dcc send low.bin 167772162 5206 10\1\r\n", null, 0),
                Arguments.of("PRIVMSG bob :\1DCC RESUME r.bin 167772162 5207 10\1\r\n", null, 0),
                Arguments.of("PRIVMSG bob :\1DCC SEND cut.bin 1677", null, 0));
    }

    @ParameterizedTest
    @MethodSource("offers")
    void whichOffersAreRead(String in, String out, int expected) {
        int seq = session(CLIENT, 40000);
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, in));
        assertThat(payload(sent.getLast())).isEqualTo(out == null ? in : out);
        assertThat(ct.table.ext.expects).hasSize(expected);
    }

    @Test
    void theServersDirectionIsNotRead() {
        int seq = session(CLIENT, 40000);
        receive(eth1, tcp(SERVER, WAN_ADDR, 6667, 40000, 0x18, 9001, seq,
                ":bob!b@h PRIVMSG alice :\1DCC SEND w.bin 3325256714 5005 10\1\r\n"));
        assertThat(ct.table.ext.expects).isEmpty();
    }

    @Test
    void nineOffersKeepEightTheOldestGoesAndARepeatReplaces() {
        int seq = session(CLIENT, 40000);
        for (int i = 0; i < 9; i++) {
            String offer = "PRIVMSG bob :\1DCC SEND f" + i + " 167772162 " + (5100 + i) + " 10\1\r\n";
            receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, offer));
            seq += offer.length();
        }
        assertThat(ct.table.ext.expects).extracting(e -> e.dport).containsExactlyInAnyOrder(5101, 5102, 5103, 5104,
                5105, 5106, 5107, 5108);
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, "PRIVMSG bob :\1DCC SEND f8 167772162 5108 10\1\r\n"));
        assertThat(ct.table.ext.expects).hasSize(8);
    }

    @Test
    void anotherSessionsOfferedPortClashesAndARandomPortAboveItIsDrawn() {
        int seq = session(CLIENT, 40000);
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, "PRIVMSG bob :\1DCC SEND f 167772162 5105 10\1\r\n"));
        int seq2 = session(CLIENT2, 41000);
        String offer = "PRIVMSG bob :\1DCC SEND g 167772164 5105 10\1\r\n";
        receive(eth0, tcp(CLIENT2, SERVER, 41000, 6667, 0x18, seq2, 9001, offer));
        String out = payload(sent.getLast());
        assertThat(out).startsWith("PRIVMSG bob :\1DCC SEND g 3405803777 ");
        int port = Integer.parseInt(out.substring(36, out.indexOf(' ', 36)));
        assertThat(port).isBetween(5106, 65533);
        // the retransmission draws again: a second expectation of that session
        receive(eth0, tcp(CLIENT2, SERVER, 41000, 6667, 0x18, seq2, 9001, offer));
        assertThat(ct.table.ext.expects).hasSize(3);
    }

    @Test
    void aReplayTakesTheDrawnPortFromTheKernelsSegment() {
        // irc-helper-edges, first run: the clashing offer left with port 29232
        stack.helperRewrites(skb -> "PRIVMSG bob :\1DCC SEND g 3405803777 29232 10\1\r\n".getBytes(StandardCharsets.US_ASCII));
        int seq = session(CLIENT, 40000);
        receive(eth0, tcp(CLIENT, SERVER, 40000, 6667, 0x18, seq, 9001, "PRIVMSG bob :\1DCC SEND f 167772162 5105 10\1\r\n"));
        int seq2 = session(CLIENT2, 41000);
        receive(eth0, tcp(CLIENT2, SERVER, 41000, 6667, 0x18, seq2, 9001, "PRIVMSG bob :\1DCC SEND g 167772164 5105 10\1\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PRIVMSG bob :\1DCC SEND g 3405803777 29232 10\1\r\n");
    }
}
