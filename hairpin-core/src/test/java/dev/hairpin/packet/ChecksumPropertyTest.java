package dev.hairpin.packet;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Every incremental update the kernel does must give the bytes of a full recomputation. */
class ChecksumPropertyTest {

    /** RFC 1071 one 16-bit word at a time, the definition the word-at-a-time loads must match */
    @Property
    void sumEqualsWordByWordDefinition(@ForAll long seed, @ForAll @net.jqwik.api.constraints.IntRange(max = 300) int len,
            @ForAll @net.jqwik.api.constraints.IntRange(max = 13) int off,
            @ForAll @net.jqwik.api.constraints.IntRange(max = 0xffff) int start) {
        byte[] b = new byte[off + len + 3];
        new java.util.SplittableRandom(seed).nextBytes(b);
        if (seed % 4 == 0) {
            java.util.Arrays.fill(b, (byte) 0xff); // the most carries
        }
        long s = start;
        for (int i = off; i < off + len; i += 2) {
            s += (b[i] & 0xff) << 8 | (i + 1 < off + len ? b[i + 1] & 0xff : 0);
        }
        while (s > 0xffff) {
            s = (s & 0xffff) + (s >>> 16);
        }
        assertThat(Checksum.sum(b, off, len, start)).isEqualTo((int) s);
    }

    /** the loop-free 20-byte header check answers what the general sum answers, valid or not */
    @Property(tries = 2000)
    void header20CheckEqualsTheGeneralSum(@ForAll long seed, @ForAll @net.jqwik.api.constraints.IntRange(max = 13) int off,
            @ForAll boolean fix) {
        byte[] b = new byte[off + 20];
        new java.util.SplittableRandom(seed).nextBytes(b);
        if (seed % 5 == 0) {
            java.util.Arrays.fill(b, (byte) 0xff);
        }
        if (fix) {
            Ipv4.put16(b, off + 10, 0);
            Ipv4.put16(b, off + 10, Checksum.compute(b, off, 20));
        }
        assertThat(Checksum.ipv4Header20Valid(b, off)).isEqualTo(Checksum.sum(b, off, 20, 0) == 0xffff);
    }

    /** the one-fold pseudo-header form answers what the definition (sum with the folded pseudo-header) answers */
    @Property(tries = 3000)
    void verifyTransportEqualsTheDefinition(@ForAll long seed, @ForAll @net.jqwik.api.constraints.IntRange(max = 200) int len,
            @ForAll int saddr, @ForAll int daddr, @ForAll boolean tcp, @ForAll boolean makeValid) {
        byte[] b = new byte[len + 8];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        r.nextBytes(b);
        if (seed % 5 == 0) {
            java.util.Arrays.fill(b, (byte) (seed % 3 == 0 ? 0 : 0xff));
        }
        int proto = tcp ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP;
        int off = 3;
        int n = Math.min(len, b.length - off);
        if (makeValid && n >= 8) {
            int checkOff = off + (tcp && n >= 18 ? 16 : 6);
            Ipv4.put16(b, checkOff, 0);
            int s = Checksum.sum(b, off, n, Checksum.pseudoHeader(saddr, daddr, proto, n));
            Ipv4.put16(b, checkOff, ~s & 0xffff);
        }
        boolean definition = Checksum.sum(b, off, n, Checksum.pseudoHeader(saddr, daddr, proto, n)) == 0xffff;
        assertThat(Checksum.verifyTransport(b, off, n, saddr, daddr, proto)).isEqualTo(definition);
        if (makeValid && n >= 8) {
            assertThat(definition).isTrue();
        }
    }

    @Property
    void fullChecksumsVerify(@ForAll long seed) {
        byte[] p = Packets.random(seed);
        assertThat(Checksum.ipv4HeaderValid(p, 0)).isTrue();
        assertThat(Checksum.transportValid(p, 0)).isTrue();
    }

    @Property
    void ipHeaderReplace4EqualsRecompute(@ForAll long seed, @ForAll int newAddr, @ForAll boolean src) {
        byte[] p = Packets.random(seed);
        int field = src ? Ipv4.SADDR : Ipv4.DADDR;
        Checksum.replace4(p, Ipv4.CHECK, Ipv4.i32(p, field), newAddr);
        Ipv4.put32(p, field, newAddr);
        assertThat(Ipv4.check(p, 0)).isEqualTo(Checksum.ipv4Header(p, 0));
    }

    @Property
    void ipHeaderReplace2EqualsRecompute(@ForAll long seed, @ForAll byte tos) {
        byte[] p = Packets.random(seed);
        int old = Ipv4.u16(p, 0);
        int now = (old & 0xff00) | (tos & 0xff);
        Checksum.replace2(p, Ipv4.CHECK, old, now);
        Ipv4.put16(p, 0, now);
        assertThat(Ipv4.check(p, 0)).isEqualTo(Checksum.ipv4Header(p, 0));
    }

    @Property
    void decreaseTtlEqualsRecompute(@ForAll long seed) {
        byte[] p = Packets.random(seed);
        int ttl = Ipv4.ttl(p, 0);
        assertThat(Ipv4.decreaseTtl(p, 0)).isEqualTo(ttl - 1);
        assertThat(Ipv4.check(p, 0)).isEqualTo(Checksum.ipv4Header(p, 0));
    }

    @Property
    void natEqualsRecompute(@ForAll long seed, @ForAll int newAddr, @ForAll boolean src, @ForAll short port) {
        byte[] p = Packets.random(seed);
        nat(p, src, newAddr, port & 0xffff);
        assertThat(Ipv4.check(p, 0)).isEqualTo(Checksum.ipv4Header(p, 0));
        assertThat(l4Check(p)).isEqualTo(Checksum.transport(p, 0));
    }

    /** the port chosen so that the rewritten message sums to exactly 0xFFFF: checksum 0 (UDP: 0xFFFF) */
    @Property
    void natReachingAZeroChecksumEqualsRecompute(@ForAll long seed, @ForAll int newAddr, @ForAll boolean src) {
        byte[] p = Packets.random(seed);
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        int portOff = proto == Ipv4.PROTO_ICMP ? l4 + Icmp.ID : l4 + (src ? 0 : 2);
        // the sum with the new address and without the port word
        Ipv4.put32(p, src ? Ipv4.SADDR : Ipv4.DADDR, newAddr);
        int s = ~Checksum.transport(p, 0) & 0xffff;
        if (s == 0) { // UDP's mangled 0: the sum was 0xffff
            s = 0xffff;
        }
        int without = Checksum.fold(s + (~Ipv4.u16(p, portOff) & 0xffff));
        int port = ~without & 0xffff;
        byte[] q = Packets.random(seed);
        nat(q, src, newAddr, port);
        assertThat(l4Check(q)).isEqualTo(Checksum.transport(q, 0));
        if (proto != Ipv4.PROTO_ICMP) {
            assertThat(l4Check(q)).isEqualTo(proto == Ipv4.PROTO_UDP ? 0xffff : 0);
        }
    }

    @Property
    void partialStaysPartialThroughNat(@ForAll long seed, @ForAll int newAddr, @ForAll short port) {
        byte[] p = Packets.random(seed);
        int proto = Ipv4.protocol(p, 0);
        if (proto == Ipv4.PROTO_ICMP) {
            return;
        }
        int l4 = Ipv4.ihlBytes(p, 0);
        int checkOff = l4 + Checksum.checkOffset(proto);
        Ipv4.put16(p, checkOff, Checksum.pseudoHeader(Ipv4.saddr(p, 0), Ipv4.daddr(p, 0), proto, Ipv4.totLen(p, 0) - l4));
        int c = proto == Ipv4.PROTO_UDP
                ? Checksum.natUdp(Ipv4.u16(p, checkOff), Ipv4.saddr(p, 0), newAddr, Ipv4.u16(p, l4), port & 0xffff, true)
                : Checksum.natTcp(Ipv4.u16(p, checkOff), Ipv4.saddr(p, 0), newAddr, Ipv4.u16(p, l4), port & 0xffff, true);
        Ipv4.put16(p, checkOff, c);
        Ipv4.setSaddr(p, 0, newAddr);
        Ipv4.put16(p, l4, port & 0xffff);
        assertThat(Checksum.transportPartial(p, 0)).isTrue();
        // and the device's completion gives the full checksum (0 mangled for both)
        int full = Checksum.transport(p, 0);
        assertThat(Checksum.completePartial(p, 0)).isEqualTo(full == 0 ? 0xffff : full);
    }

    static int l4Check(byte[] p) {
        return Ipv4.u16(p, Ipv4.ihlBytes(p, 0) + Checksum.checkOffset(Ipv4.protocol(p, 0)));
    }

    /** nf_nat_ipv4_manip_pkt: L4 first (ports or the ICMP id), then the IP header */
    static void nat(byte[] p, boolean src, int to, int port) {
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        int addrField = src ? Ipv4.SADDR : Ipv4.DADDR;
        int from = Ipv4.i32(p, addrField);
        int checkOff = l4 + Checksum.checkOffset(proto);
        int check = Ipv4.u16(p, checkOff);
        if (proto == Ipv4.PROTO_ICMP) {
            int id = Icmp.id(p, l4);
            Ipv4.put16(p, checkOff, Checksum.protoReplace2(check, id, port, false, false));
            Icmp.setId(p, l4, port);
        } else {
            int portOff = l4 + (src ? 0 : 2);
            int old = Ipv4.u16(p, portOff);
            Ipv4.put16(p, checkOff, proto == Ipv4.PROTO_UDP
                    ? Checksum.natUdp(check, from, to, old, port, false)
                    : Checksum.natTcp(check, from, to, old, port, false));
            Ipv4.put16(p, portOff, port);
        }
        Checksum.replace4(p, Ipv4.CHECK, from, to);
        Ipv4.put32(p, addrField, to);
    }
}
