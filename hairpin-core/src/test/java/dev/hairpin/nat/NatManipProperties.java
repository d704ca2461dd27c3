package dev.hairpin.nat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link NatManip#l4} (two 8-byte words, one fold per checksum) against the kernel's steps one
 * by one: l4_manip_pkt's inet_proto_csum_replace4 of the address and replace2 of the port (UDP:
 * a 0 checksum left alone, a result of 0 sent as 0xFFFF), then nf_nat_ipv4_manip_pkt's
 * csum_replace4 of the header checksum. Addresses and checksums are drawn often from the values
 * where a shortcut in one's complement arithmetic goes wrong (0, 0xFFFF, 0xFFFFFFFF).
 */
class NatManipProperties {

    @Property(tries = 5000)
    void l4EqualsTheKernelsStepsOneByOne(@ForAll long seed, @ForAll boolean src, @ForAll boolean tcp) {
        Random r = new Random(seed);
        byte[] p = packet(r, tcp);
        int addr = edgy32(r);
        int port = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0 : 0xffff) : r.nextInt(0x10000);
        byte[] want = p.clone();
        kernelSteps(want, tcp, src, addr, port);
        NatManip.l4(p, 0, p.length, tcp ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP, src, addr, port);
        assertThat(p).as(Arrays.toString(want)).isEqualTo(want);
    }

    /** ip_forward's ip_decrease_ttl(), then the manip: the same bytes as l4 with the TTL folded in */
    @Property(tries = 5000)
    void l4WithTheTtlEqualsDecreaseTtlThenTheSteps(@ForAll long seed, @ForAll boolean src, @ForAll boolean tcp) {
        Random r = new Random(seed);
        byte[] p = packet(r, tcp);
        p[8] = (byte) (r.nextInt(4) == 0 ? 2 : 2 + r.nextInt(254)); // ip_forward drops TTL 1 before
        int addr = edgy32(r);
        int port = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0 : 0xffff) : r.nextInt(0x10000);
        byte[] want = p.clone();
        Ipv4.decreaseTtl(want, 0);
        kernelSteps(want, tcp, src, addr, port);
        NatManip.l4(p, 0, p.length, tcp ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP, src, addr, port, true);
        assertThat(p).as(Arrays.toString(want)).isEqualTo(want);
    }

    @Property(tries = 2000)
    void l4EqualsTheGeneralManip(@ForAll long seed, @ForAll boolean src, @ForAll boolean tcp) {
        Random r = new Random(seed);
        byte[] p = packet(r, tcp);
        int addr = edgy32(r);
        int port = r.nextInt(0x10000);
        byte[] want = p.clone();
        NatManip.manip(want, 0, want.length, src, addr, port);
        NatManip.l4(p, 0, p.length, tcp ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP, src, addr, port);
        assertThat(p).isEqualTo(want);
    }

    /** a 20-byte header and a whole TCP or UDP header, checksums and addresses often at the edges */
    private static byte[] packet(Random r, boolean tcp) {
        int l4len = (tcp ? 20 : 8) + r.nextInt(40);
        byte[] p = new byte[20 + l4len];
        r.nextBytes(p);
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        Ipv4.put16(p, 6, 0);
        p[9] = (byte) (tcp ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP);
        Ipv4.put32(p, 12, edgy32(r));
        Ipv4.put32(p, 16, edgy32(r));
        Ipv4.put16(p, 10, edgy16(r));
        Ipv4.put16(p, tcp ? 36 : 26, edgy16(r));
        return p;
    }

    private static int edgy32(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 0xffffffff;
            default -> r.nextInt();
        };
    }

    private static int edgy16(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 0xffff;
            default -> r.nextInt(0x10000);
        };
    }

    private static void kernelSteps(byte[] p, boolean tcp, boolean src, int addr, int port) {
        int addrOff = src ? 12 : 16;
        int portOff = 20 + (src ? 0 : 2);
        int checkOff = tcp ? 36 : 26;
        int oldAddr = Ipv4.i32(p, addrOff);
        int oldPort = Ipv4.u16(p, portOff);
        int c = Ipv4.u16(p, checkOff);
        if (tcp || c != 0) {
            c = Checksum.replace4(c, oldAddr, addr); // inet_proto_csum_replace4, pseudo-header
            c = Checksum.replace4(c, oldPort, port); // inet_proto_csum_replace2 widens to 4
            if (!tcp && c == 0) {
                c = Checksum.MANGLED_0;
            }
            Ipv4.put16(p, checkOff, c);
        }
        Ipv4.put16(p, portOff, port);
        Ipv4.put16(p, 10, Checksum.replace4(Ipv4.u16(p, 10), oldAddr, addr));
        Ipv4.put32(p, addrOff, addr);
    }
}
