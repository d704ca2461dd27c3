package dev.hairpin.rules;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/** Builds small IPv4 datagrams for evaluation tests. */
public final class Packets {
    private Packets() {}

    public static Skb tcp(String src, int sport, String dst, int dport, int flags) {
        byte[] b = new byte[40];
        ip(b, 40, 6, src, dst);
        Ipv4.put16(b, 20, sport);
        Ipv4.put16(b, 22, dport);
        b[32] = 0x50;
        b[33] = (byte) flags;
        Ipv4.put16(b, 34, 64240);
        return new Skb(b, 0, 40);
    }

    public static Skb udp(String src, int sport, String dst, int dport) {
        byte[] b = new byte[28];
        ip(b, 28, 17, src, dst);
        Ipv4.put16(b, 20, sport);
        Ipv4.put16(b, 22, dport);
        Ipv4.put16(b, 24, 8);
        return new Skb(b, 0, 28);
    }

    public static Skb icmp(String src, String dst, int type, int code) {
        byte[] b = new byte[28];
        ip(b, 28, 1, src, dst);
        b[20] = (byte) type;
        b[21] = (byte) code;
        return new Skb(b, 0, 28);
    }

    private static void ip(byte[] b, int len, int proto, String src, String dst) {
        b[0] = 0x45;
        Ipv4.put16(b, 2, len);
        Ipv4.put16(b, 4, 54321);
        Ipv4.put16(b, 6, Ipv4.IP_DF);
        b[8] = 64;
        b[9] = (byte) proto;
        Ipv4.put32(b, 12, Ipv4.parse(src));
        Ipv4.put32(b, 16, Ipv4.parse(dst));
    }
}
