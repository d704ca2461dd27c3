package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.tools.ConntrackFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The PPTP helper and keyed GRE through MASQUERADE as Linux 6.18 did them in the recordings
 * pptp-gre-nat and pptp-helper-edges: call ids rewritten in the control messages, the GRE
 * expectations ({@code conntrack -L expect}), the GRE keys NATed, the call's GRE killed by a
 * Call-Disconnect-Notify, and the incoming-call path's zero call id.
 */
class PptpHelperTest {
    static final int CLIENT = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.10");
    static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    final Host host = new Host();
    final Conntrack ct = new Conntrack(new CtConfig(), 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();
    final NetDevice eth0;
    final NetDevice eth1;
    int cseq = 1001;
    int sseq = 9001;

    PptpHelperTest() {
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
        stack.tables = (table, hook, skb, par) -> {
            if (table == Tables.RAW && hook == Hooks.PRE_ROUTING && par.in == eth0 && skb.protocol() == 6
                    && Ipv4.u16(skb.buf, skb.l4 + 2) == 1723 && skb.ct < 0) {
                skb.helper = CtExt.HELPER_PPTP;
            }
            if (table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1) {
                return par.services.masquerade(skb, NatRange.NONE);
            }
            return Verdict.NF_ACCEPT;
        };
        stack.output = (skb, dev, nh) -> sent.add(skb.copyDatagram());
    }

    static byte[] ip(int src, int dst, int proto, byte[] l4) {
        byte[] p = new byte[20 + l4.length];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        Ipv4.put16(p, 4, 1);
        p[8] = 64;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        System.arraycopy(l4, 0, p, 20, l4.length);
        return p;
    }

    static byte[] tcp(int src, int dst, int sport, int dport, int flags, int seq, int ack, byte[] data) {
        byte[] t = new byte[20 + data.length];
        Ipv4.put16(t, 0, sport);
        Ipv4.put16(t, 2, dport);
        Ipv4.put32(t, 4, seq);
        Ipv4.put32(t, 8, ack);
        t[12] = 0x50;
        t[13] = (byte) flags;
        Ipv4.put16(t, 14, 64240);
        System.arraycopy(data, 0, t, 20, data.length);
        byte[] p = ip(src, dst, 6, t);
        Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, t.length));
        return p;
    }

    /** enhanced GRE (version 1, key and sequence number): the key is the receiver's call id */
    static byte[] gre(int src, int dst, int key) {
        byte[] ppp = {(byte) 0xff, 3, 0, 0x21, 'p', 'p', 'p'};
        ByteBuffer g = ByteBuffer.allocate(12 + ppp.length);
        g.putShort((short) 0x3001).putShort((short) 0x880b).putShort((short) ppp.length).putShort((short) key).putInt(1)
                .put(ppp);
        return ip(src, dst, 47, g.array());
    }

    /** a control message: length, type 1, magic cookie, message type, reserved, then the body */
    static byte[] pptp(int msg, byte[] body) {
        ByteBuffer m = ByteBuffer.allocate(12 + body.length);
        m.putShort((short) (12 + body.length)).putShort((short) 1).putInt(0x1A2B3C4D).putShort((short) msg).putShort((short) 0)
                .put(body);
        return m.array();
    }

    static byte[] body(int len, int... shorts) {
        ByteBuffer b = ByteBuffer.allocate(len);
        for (int s : shorts) {
            b.putShort((short) s);
        }
        return b.array();
    }

    void receive(NetDevice in, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    /** a client message; the call id field at {@code off} of its body as it left */
    int client(byte[] msg, int off) {
        receive(eth0, tcp(CLIENT, SERVER, 40000, 1723, 0x18, cseq, sseq, msg));
        cseq += msg.length;
        return Ipv4.u16(sent.getLast(), 40 + 12 + off);
    }

    int server(byte[] msg, int off) {
        receive(eth1, tcp(SERVER, WAN_ADDR, 1723, 40000, 0x18, sseq, cseq, msg));
        sseq += msg.length;
        return Ipv4.u16(sent.getLast(), 40 + 12 + off);
    }

    void session() {
        receive(eth0, tcp(CLIENT, SERVER, 40000, 1723, 0x02, 1000, 0, new byte[0]));
        receive(eth1, tcp(SERVER, WAN_ADDR, 1723, 40000, 0x12, 9000, 1001, new byte[0]));
        receive(eth0, tcp(CLIENT, SERVER, 40000, 1723, 0x10, 1001, 9001, new byte[0]));
        byte[] start = body(144, 0x0100);
        client(pptp(1, start), 0);
        byte[] reply = body(144, 0x0100);
        reply[2] = 1; // result: OK
        server(pptp(2, reply), 0);
    }

    List<String> expectations() {
        return ct.table.ext.expects.stream().map(e -> ConntrackFormat.expectation(ct.table, e)).sorted().toList();
    }

    @Test
    void anOutgoingCallThroughMasqueradeAndItsGre() {
        session();
        // Outgoing-Call-Request 0x1234 leaves as the masqueraded port 40000 = 0x9c40
        assertThat(client(pptp(7, body(156, 0x1234, 1)), 0)).isEqualTo(0x9c40);
        byte[] ocrp = body(20, 0x5678, 0x9c40);
        ocrp[4] = 1; // connected
        assertThat(server(pptp(8, ocrp), 2)).isEqualTo(0x1234);
        stack.advance(ct.table.now() + 200_000_000L);
        String tail = " mask-src=255.255.255.255 mask-dst=255.255.255.255 srckey=0xffff dstkey=0xffff master-src=10.0.0.2 "
                + "master-dst=198.51.100.10 sport=40000 dport=1723 class=0 helper=pptp";
        assertThat(expectations()).containsExactly(
                "299 proto=47 src=10.0.0.2 dst=198.51.100.10 srckey=0x1234 dstkey=0x5678" + tail,
                "299 proto=47 src=198.51.100.10 dst=203.0.113.1 srckey=0x5678 dstkey=0x9c40" + tail);
        // GRE out: source NATed, key (the server's call id) kept; back: key 0x9c40 -> 0x1234
        receive(eth0, gre(CLIENT, SERVER, 0x5678));
        assertThat(Ipv4.saddr(sent.getLast(), 0)).isEqualTo(WAN_ADDR);
        assertThat(Ipv4.u16(sent.getLast(), 26)).isEqualTo(0x5678);
        assertThat(ct.table.ext.expects).isEmpty();
        receive(eth1, gre(SERVER, WAN_ADDR, 0x9c40));
        assertThat(Ipv4.daddr(sent.getLast(), 0)).isEqualTo(CLIENT);
        assertThat(Ipv4.u16(sent.getLast(), 26)).isEqualTo(0x1234);
        assertThat(ct.table.count()).isEqualTo(2);
        // Call-Clear-Request's 0x1234 leaves as 0x9c40; the Call-Disconnect-Notify's own call id
        // 0x5678 arrives as 0x1234 and the GRE entry goes
        assertThat(client(pptp(12, body(4, 0x1234)), 0)).isEqualTo(0x9c40);
        assertThat(server(pptp(13, body(136, 0x5678)), 0)).isEqualTo(0x1234);
        assertThat(ct.table.count()).isEqualTo(1);
        // no keymap any more: the client's GRE is a new entry with source key 0
        receive(eth0, gre(CLIENT, SERVER, 0x5678));
        assertThat(ct.table.ext.greKeymaps).isEmpty();
        assertThat(ct.table.count()).isEqualTo(2);
    }

    @Test
    void aMessageShorterThanItsBodyIsIgnored() {
        session();
        assertThat(client(pptp(7, body(10, 0x2000, 1)), 0)).isEqualTo(0x2000);
        byte[] ocrp = body(20, 0x7000, 0x2000);
        ocrp[4] = 1;
        server(pptp(8, ocrp), 2);
        assertThat(ct.table.ext.expects).isEmpty();
    }

    @Test
    void anIncomingCallThroughNatCarriesCallIdZero() {
        session();
        assertThat(server(pptp(9, body(208, 0x8001, 1)), 0)).isEqualTo(0x8001);
        byte[] icrp = body(12, 0x3001, 0x8001);
        icrp[4] = 1; // accept
        assertThat(client(pptp(10, icrp), 0)).isEqualTo(0x3001);
        assertThat(server(pptp(11, body(16, 0x3001)), 0)).isEqualTo(0);
        assertThat(expectations()).hasSize(2).anySatisfy(l -> assertThat(l).contains("src=10.0.0.2 dst=198.51.100.10 srckey=0x0 dstkey=0x8001"));
    }
}
