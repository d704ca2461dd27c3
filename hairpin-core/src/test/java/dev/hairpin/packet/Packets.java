package dev.hairpin.packet;

import java.util.Random;

/** Random well-formed IPv4 datagrams (TCP, UDP or ICMP) with correct checksums, for property tests. */
final class Packets {
    private Packets() {}

    static byte[] random(long seed) {
        Random r = new Random(seed);
        int proto = switch (r.nextInt(3)) {
            case 0 -> Ipv4.PROTO_TCP;
            case 1 -> Ipv4.PROTO_UDP;
            default -> Ipv4.PROTO_ICMP;
        };
        int ihl = 20 + 4 * (r.nextInt(4) == 0 ? r.nextInt(11) : 0);
        int l4hdr = proto == Ipv4.PROTO_TCP ? 20 + 4 * r.nextInt(11) : 8;
        int payload = r.nextInt(4) == 0 ? r.nextInt(1500) : r.nextInt(64);
        int len = ihl + l4hdr + payload;
        byte[] p = new byte[len];
        r.nextBytes(p);
        Ipv4.setVersionIhl(p, 0, ihl);
        Ipv4.setTotLen(p, 0, len);
        Ipv4.setFragOff(p, 0, r.nextBoolean() ? Ipv4.IP_DF : 0);
        Ipv4.setTtl(p, 0, 1 + r.nextInt(255));
        Ipv4.setProtocol(p, 0, proto);
        if (proto == Ipv4.PROTO_TCP) {
            Tcp.setDoffBytes(p, ihl, l4hdr);
        } else if (proto == Ipv4.PROTO_UDP) {
            Udp.setLen(p, ihl, l4hdr + payload);
        }
        Checksum.setTransport(p, 0);
        Checksum.setIpv4Header(p, 0);
        return p;
    }
}
