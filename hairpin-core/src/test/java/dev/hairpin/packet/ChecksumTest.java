package dev.hairpin.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known vectors, and NAT rewrites replayed on frames the kernel forwarded in the conformance runs. */
class ChecksumTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void rfc1071Example() {
        byte[] b = hex("0001f203f4f5f6f7");
        assertThat(Checksum.sum(b, 0, b.length, 0)).isEqualTo(0xddf2);
        // chained ranges give the same sum; an odd tail is a high byte
        assertThat(Checksum.sum(b, 4, 4, Checksum.sum(b, 0, 4, 0))).isEqualTo(0xddf2);
        assertThat(Checksum.sum(hex("01"), 0, 1, 0)).isEqualTo(0x0100);
        assertThat(Checksum.sum(new byte[6], 0, 6, 0)).isZero();
        assertThat(Checksum.sum(hex("ffff"), 0, 2, 0)).isEqualTo(0xffff);
    }

    @Test
    void verifiesRealPackets() {
        byte[] udp = hex("45000023000100004011465f0a000002c633643514e90035000f353271756572792d31");
        assertThat(Checksum.ipv4HeaderValid(udp, 0)).isTrue();
        assertThat(Checksum.ipv4Header(udp, 0)).isEqualTo(0x465f);
        assertThat(Checksum.transportValid(udp, 0)).isTrue();
        assertThat(Checksum.transport(udp, 0)).isEqualTo(0x3532);
        byte[] tcp = hex("4500002800010000400646900a000002c633640ac66e01bb000003e8000000005002faf0b4a00000");
        assertThat(Checksum.transport(tcp, 0)).isEqualTo(0xb4a0);
        byte[] icmp = hex("4500002000010000400146a60a000002c6336401080006fa1234000170696e67");
        assertThat(Checksum.transport(icmp, 0)).isEqualTo(0x06fa);
        assertThat(Checksum.transportValid(icmp, 0)).isTrue();
        icmp[30] ^= 1;
        assertThat(Checksum.transportValid(icmp, 0)).isFalse();
    }

    @Test
    void udpZeroMeansNoneAndComputedZeroIsSentAsFfff() {
        byte[] udp = hex("45000023000100004011465f0a000002c633643514e90035000f353271756572792d31");
        Udp.setCheck(udp, 20, 0);
        assertThat(Checksum.transportValid(udp, 0)).isTrue();
        // make the payload sum come out so that the checksum computes to 0
        Udp.setCheck(udp, 20, 0);
        int s = Checksum.sum(udp, 20, 15, Checksum.pseudoHeader(Ipv4.saddr(udp, 0), Ipv4.daddr(udp, 0), 17, 15));
        int last = Ipv4.u16(udp, 32);
        // replace the word at 32 by one that brings the sum to 0xffff
        int rest = ~Checksum.fold(s + (~last & 0xffff)) & 0xffff;
        Ipv4.put16(udp, 32, rest);
        assertThat(Checksum.transport(udp, 0)).isEqualTo(0xffff);
        Checksum.setTransport(udp, 0);
        assertThat(Checksum.transportValid(udp, 0)).isTrue();
    }

    @Test
    void partialChecksumOfALocalSocket() {
        // router-local-access local.jsonl #1: the SYN as it entered OUTPUT, and completed
        byte[] p = hex("4500003c188740004006aa31cb007101cb0071019c411f90af7be5c300000000a002ffd7783200000204ffd70402080a589f9fa4000000000103030a");
        assertThat(Checksum.transportPartial(p, 0)).isTrue();
        assertThat(Checksum.transportValid(p, 0)).isFalse();
        assertThat(Checksum.completePartial(p, 0)).isEqualTo(0x8ca8);
        assertThat(Checksum.transport(p, 0)).isEqualTo(0x8ca8);
    }

    /** masquerade-udp #1: forward (TTL) then SNAT 10.0.0.2 -> 203.0.113.1, port kept */
    @Test
    void replaysKernelSnatOfUdp() {
        byte[] p = hex("45000023000100004011465f0a000002c633643514e90035000f353271756572792d31");
        snat(p, Ipv4.parse("203.0.113.1"), -1);
        assertThat(p).isEqualTo(hex("45000023000100003f11155fcb007101c633643514e90035000f033271756572792d31"));
    }

    /** snat-tcp-lifecycle #1 out, and the reply un-NATed (DNAT of the destination) */
    @Test
    void replaysKernelSnatOfTcp() {
        byte[] p = hex("4500002800010000400646900a000002c633640ac66e01bb000003e8000000005002faf0b4a00000");
        snat(p, Ipv4.parse("203.0.113.1"), -1);
        assertThat(p).isEqualTo(hex("45000028000100003f061590cb007101c633640ac66e01bb000003e8000000005002faf082a00000"));

        byte[] r = hex("450000280001000040061490c633640acb00710101bbc66e00001388000003e95012faf06f070000");
        dnat(r, Ipv4.parse("10.0.0.2"), -1);
        assertThat(r).isEqualTo(hex("45000028000100003f064790c633640a0a00000201bbc66e00001388000003e95012faf0a1070000"));
    }

    /** dnat-port-forward: 203.0.113.1:8080 -> 10.0.0.5:80, and the reply's source back */
    @Test
    void replaysKernelDnatWithPortChange() {
        byte[] p = hex("450000280001000040061493c6336407cb007101c7381f90000007d0000000005002faf0601c0000");
        dnat(p, Ipv4.parse("10.0.0.5"), 80);
        assertThat(p).isEqualTo(hex("45000028000100003f064790c63364070a000005c7380050000007d0000000005002faf0b1590000"));

        byte[] r = hex("4500002800010000400646900a000005c63364070050c73800002328000007d15012faf08e200000");
        snat(r, Ipv4.parse("203.0.113.1"), 8080);
        assertThat(r).isEqualTo(hex("45000028000100003f061593cb007101c63364071f90c73800002328000007d15012faf03ce30000"));
    }

    /** masquerade-icmp-echo: the echo id is part of the ICMP sum only (no pseudo-header) */
    @Test
    void replaysKernelIcmpEcho() {
        byte[] p = hex("4500002000010000400146a60a000002c6336401080006fa1234000170696e67");
        Ipv4.decreaseTtl(p, 0);
        int to = Ipv4.parse("203.0.113.1");
        Checksum.replace4(p, Ipv4.CHECK, Ipv4.saddr(p, 0), to);
        Ipv4.setSaddr(p, 0, to);
        int id = Icmp.id(p, 20);
        Icmp.setCheck(p, 20, Checksum.protoReplace2(Icmp.check(p, 20), id, id, false, false));
        assertThat(p).isEqualTo(hex("45000020000100003f0115a6cb007101c6336401080006fa1234000170696e67"));
    }

    @Test
    void partialModeTouchesOnlyThePseudoHeader() {
        byte[] p = hex("4500003c188740004006aa31cb007101cb0071019c411f90af7be5c300000000a002ffd7783200000204ffd70402080a589f9fa4000000000103030a");
        int to = Ipv4.parse("10.0.0.1");
        int c = Checksum.natTcp(Tcp.check(p, 20), Ipv4.saddr(p, 0), to, 40001, 40001, true);
        Ipv4.setSaddr(p, 0, to);
        Tcp.setCheck(p, 20, c);
        assertThat(Checksum.transportPartial(p, 0)).isTrue();
        // a port change leaves a partial checksum alone
        assertThat(Checksum.protoReplace2(c, 40001, 1234, false, true)).isEqualTo(c);
    }

    /** ip_forward's TTL decrement, then nf_nat_ipv4_manip_pkt for the source */
    static void snat(byte[] p, int to, int port) {
        Ipv4.decreaseTtl(p, 0);
        manip(p, true, to, port);
    }

    static void dnat(byte[] p, int to, int port) {
        manip(p, false, to, port); // PREROUTING, before forwarding
        Ipv4.decreaseTtl(p, 0);
    }

    static void manip(byte[] p, boolean src, int to, int port) {
        int l4 = Ipv4.ihlBytes(p, 0);
        int from = src ? Ipv4.saddr(p, 0) : Ipv4.daddr(p, 0);
        int portOff = l4 + (src ? 0 : 2);
        int oldPort = Ipv4.u16(p, portOff);
        int newPort = port < 0 ? oldPort : port;
        int checkOff = l4 + Checksum.checkOffset(Ipv4.protocol(p, 0));
        int check = Ipv4.u16(p, checkOff);
        check = Ipv4.protocol(p, 0) == Ipv4.PROTO_UDP
                ? Checksum.natUdp(check, from, to, oldPort, newPort, false)
                : Checksum.natTcp(check, from, to, oldPort, newPort, false);
        Ipv4.put16(p, checkOff, check);
        Ipv4.put16(p, portOff, newPort);
        Checksum.replace4(p, Ipv4.CHECK, from, to);
        if (src) {
            Ipv4.setSaddr(p, 0, to);
        } else {
            Ipv4.setDaddr(p, 0, to);
        }
    }
}
