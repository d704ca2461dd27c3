package dev.hairpin.packet;

import static dev.hairpin.packet.ChecksumTest.hex;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpTest {
    /** the gateway's own SYN (router-local-access): MSS, SACK_PERM, TS, NOP, WS 10 */
    static final byte[] SYN = hex("4500003c188740004006aa31cb007101cb0071019c411f90af7be5c300000000a002ffd7783200000204ffd70402080a589f9fa4000000000103030a");

    @Test
    void headerFields() {
        int t = Ipv4.ihlBytes(SYN, 0);
        assertThat(Tcp.source(SYN, t)).isEqualTo(40001);
        assertThat(Tcp.dest(SYN, t)).isEqualTo(8080);
        assertThat(Integer.toUnsignedLong(Tcp.seq(SYN, t))).isEqualTo(2944132547L);
        assertThat(Tcp.ackSeq(SYN, t)).isZero();
        assertThat(Tcp.doffBytes(SYN, t)).isEqualTo(40);
        assertThat(Tcp.flags(SYN, t)).isEqualTo(Tcp.SYN);
        assertThat(Tcp.has(SYN, t, Tcp.ACK)).isFalse();
        assertThat(Tcp.window(SYN, t)).isEqualTo(65495);
        assertThat(Tcp.flagString(Tcp.flags(SYN, t))).isEqualTo("S");
        assertThat(Tcp.flagString(Tcp.SYN | Tcp.ACK)).isEqualTo("S.");
        assertThat(Tcp.flagString(Tcp.FIN | Tcp.PSH | Tcp.ACK)).isEqualTo("FP.");
    }

    @Test
    void optionsOfARealSyn() {
        int t = Ipv4.ihlBytes(SYN, 0);
        assertThat(Tcp.mss(SYN, t)).isEqualTo(65495);
        assertThat(Tcp.wscale(SYN, t)).isEqualTo(10);
        assertThat(Tcp.sackPermitted(SYN, t)).isTrue();
        assertThat(Tcp.options(SYN, t)).isEqualTo((Tcp.CT_FLAG_SACK_PERM | Tcp.CT_FLAG_WINDOW_SCALE) << 8 | 10);
    }

    /** a bare TCP header with the given option bytes (padded to a multiple of 4 with EOL) */
    static byte[] withOptions(String opts) {
        byte[] o = hex(opts);
        int len = 20 + ((o.length + 3) & ~3);
        byte[] b = new byte[len];
        Tcp.setDoffBytes(b, 0, len);
        System.arraycopy(o, 0, b, 20, o.length);
        return b;
    }

    @Test
    void noOptionsLeavesStateAlone() {
        byte[] b = withOptions("");
        assertThat(Tcp.options(b, 0)).isEqualTo(-1);
        assertThat(Tcp.wscale(b, 0)).isEqualTo(-1);
        assertThat(Tcp.mss(b, 0)).isEqualTo(-1);
        // options present but none of interest: state is reset to 0
        assertThat(Tcp.options(withOptions("01010101"), 0)).isZero();
    }

    @Test
    void windowScaleIsClampedAndTheLastOneWins() {
        assertThat(Tcp.wscale(withOptions("030320"), 0)).isEqualTo(14);
        assertThat(Tcp.wscale(withOptions("030302030305"), 0)).isEqualTo(5);
        // wrong length: ignored
        assertThat(Tcp.wscale(withOptions("0304020001"), 0)).isEqualTo(-1);
    }

    @Test
    void walkStopsLikeTheKernel() {
        // EOL ends the list
        assertThat(Tcp.sackPermitted(withOptions("000402"), 0)).isFalse();
        // a "silly" size stops
        assertThat(Tcp.sackPermitted(withOptions("09010402"), 0)).isFalse();
        // an option running past the header stops
        assertThat(Tcp.mss(withOptions("010204"), 0)).isEqualTo(-1);
        assertThat(Tcp.wscale(withOptions("01010303"), 0)).isEqualTo(-1);
        // a lying data offset cannot run past the array
        byte[] b = withOptions("0402");
        Tcp.setDoffBytes(b, 0, 60);
        assertThat(Tcp.sackPermitted(b, 0)).isTrue();
    }

    @Test
    void sackHighestRightEdgeAfterAck() {
        // SACK with blocks [100,200) [300,400) [50,60)
        byte[] b = withOptions("0101051a" + "00000064000000c8" + "0000012c00000190" + "000000320000003c");
        assertThat(Tcp.sackHighest(b, 0, 150)).isEqualTo(400);
        assertThat(Tcp.sackHighest(b, 0, 500)).isEqualTo(500);
        // sequence space wraps: 0x10 is after 0xfffffff0
        byte[] w = withOptions("0101050a" + "fffffff000000010");
        assertThat(Tcp.sackHighest(w, 0, 0xfffffff0)).isEqualTo(0x10);
        // malformed SACK length (not 2 + 8n): skipped
        byte[] m = withOptions("050b" + "000000000000006400");
        assertThat(Tcp.sackHighest(m, 0, 1)).isEqualTo(1);
        // timestamp only
        assertThat(Tcp.sackHighest(withOptions("0101080a0000000100000002"), 0, 7)).isEqualTo(7);
    }

    @Test
    void setters() {
        byte[] b = new byte[20];
        Tcp.setSource(b, 0, 1);
        Tcp.setDest(b, 0, 65535);
        Tcp.setSeq(b, 0, -2);
        Tcp.setAckSeq(b, 0, 3);
        Tcp.setDoffBytes(b, 0, 20);
        Tcp.setFlags(b, 0, Tcp.RST | Tcp.ACK);
        Tcp.setWindow(b, 0, 512);
        Tcp.setCheck(b, 0, 0xbeef);
        Tcp.setUrgPtr(b, 0, 9);
        assertThat(b).isEqualTo(hex("0001ffff" + "fffffffe" + "00000003" + "5014" + "0200" + "beef0009"));
    }

    @Test
    void udpAndIcmp() {
        byte[] u = hex("003514e900101cbc");
        assertThat(Udp.source(u, 0)).isEqualTo(53);
        assertThat(Udp.dest(u, 0)).isEqualTo(5353);
        assertThat(Udp.len(u, 0)).isEqualTo(16);
        assertThat(Udp.check(u, 0)).isEqualTo(0x1cbc);
        byte[] i = hex("080006fa12340001");
        assertThat(Icmp.type(i, 0)).isEqualTo(Icmp.ECHO);
        assertThat(Icmp.id(i, 0)).isEqualTo(0x1234);
        assertThat(Icmp.sequence(i, 0)).isEqualTo(1);
        assertThat(Icmp.replyType(Icmp.ECHO)).isEqualTo(Icmp.ECHOREPLY);
        assertThat(Icmp.replyType(Icmp.DEST_UNREACH)).isEqualTo(-1);
        for (int type = 0; type < 256; type++) {
            assertThat(Icmp.isError(type)).isEqualTo(type == 3 || type == 4 || type == 5 || type == 11 || type == 12);
        }
    }

    @Test
    void ipv4Setters() {
        byte[] p = new byte[20];
        Ipv4.setVersionIhl(p, 0, 20);
        Ipv4.setTos(p, 0, 0x10);
        Ipv4.setTotLen(p, 0, 84);
        Ipv4.setId(p, 0, 0xabcd);
        Ipv4.setFragOff(p, 0, Ipv4.IP_MF | 3);
        Ipv4.setTtl(p, 0, 64);
        Ipv4.setProtocol(p, 0, 1);
        Ipv4.setSaddr(p, 0, Ipv4.parse("10.0.0.2"));
        Ipv4.setDaddr(p, 0, Ipv4.parse("198.51.100.1"));
        Checksum.setIpv4Header(p, 0);
        assertThat(Ipv4.fragOffsetBytes(p, 0)).isEqualTo(24);
        assertThat(Ipv4.moreFragments(p, 0)).isTrue();
        assertThat(Ipv4.dontFragment(p, 0)).isFalse();
        assertThat(Ipv4.isFragment(p, 0)).isTrue();
        assertThat(Checksum.ipv4HeaderValid(p, 0)).isTrue();
        assertThat(p).isEqualTo(hex("45100054abcd2003400100000a000002c6336401".substring(0, 20) + String.format("%04x", Ipv4.check(p, 0)) + "0a000002c6336401"));
    }

    @Test
    void ethernet() {
        byte[] f = hex("020000000001020000000101080045");
        assertThat(Ethernet.mac(f, Ethernet.DST)).isEqualTo(0x020000000001L);
        assertThat(Ethernet.macToString(Ethernet.mac(f, Ethernet.SRC))).isEqualTo("02:00:00:00:01:01");
        assertThat(Ethernet.parseMac("02:00:00:00:01:01")).isEqualTo(0x020000000101L);
        assertThat(Ethernet.headerLength(f, 0, f.length)).isEqualTo(14);
        assertThat(Ethernet.payloadType(f, 0, f.length)).isEqualTo(Ethernet.ETH_P_IP);
        byte[] v = new byte[18];
        assertThat(Ethernet.encodeVlan(v, 0, 1, 2, 0x0064, Ethernet.ETH_P_IP)).isEqualTo(18);
        assertThat(Ethernet.headerLength(v, 0, 18)).isEqualTo(18);
        assertThat(Ethernet.headerLength(v, 0, 17)).isEqualTo(-1);
        assertThat(Ethernet.payloadType(v, 0, 18)).isEqualTo(Ethernet.ETH_P_IP);
    }
}
