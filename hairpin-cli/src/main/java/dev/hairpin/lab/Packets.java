package dev.hairpin.lab;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;

/** Datagrams the lab injects (IPv4 with TCP, UDP or ICMP), and the one-line form it prints. */
final class Packets {
    private Packets() {}

    static final int TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_URG = 0x20;

    private static byte[] ip(int proto, int src, int dst, int l4len, int ttl, int id) {
        byte[] p = new byte[20 + l4len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, p.length);
        Ipv4.put16(p, 4, id);
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        return p;
    }

    private static byte[] finish(byte[] p) {
        Checksum.setIpv4Header(p, 0);
        Checksum.setTransport(p, 0);
        return p;
    }

    static byte[] tcp(int src, int sport, int dst, int dport, int flags, long seq, long ack, int len, int window, int ttl) {
        byte[] p = ip(6, src, dst, 20 + len, ttl, 0);
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put32(p, 24, (int) seq);
        Ipv4.put32(p, 28, (int) ack);
        p[32] = 0x50;
        p[33] = (byte) flags;
        Ipv4.put16(p, 34, window);
        for (int i = 0; i < len; i++) {
            p[40 + i] = (byte) ('a' + i % 26);
        }
        return finish(p);
    }

    static byte[] udp(int src, int sport, int dst, int dport, int len, int ttl) {
        byte[] p = ip(17, src, dst, 8 + len, ttl, 0);
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put16(p, 24, 8 + len);
        for (int i = 0; i < len; i++) {
            p[28 + i] = (byte) ('a' + i % 26);
        }
        return finish(p);
    }

    static byte[] icmp(int src, int dst, int type, int code, int id, int seq, int len, int ttl) {
        byte[] p = ip(1, src, dst, 8 + len, ttl, 0);
        p[20] = (byte) type;
        p[21] = (byte) code;
        Ipv4.put16(p, 24, id);
        Ipv4.put16(p, 26, seq);
        return finish(p);
    }

    static String flags(int f) {
        StringBuilder sb = new StringBuilder();
        String names = "FSRPAU";
        for (int i = 0; i < 6; i++) {
            if ((f & (1 << i)) != 0) {
                sb.append(names.charAt(i));
            }
        }
        return sb.isEmpty() ? "." : sb.toString();
    }

    static int parseFlags(String s) {
        int f = 0;
        for (char c : s.toUpperCase(java.util.Locale.ROOT).toCharArray()) {
            int i = "FSRPAU".indexOf(c);
            if (i < 0) {
                throw LabException.usage("--flags: `" + c + "' is not a TCP flag (expected letters of FSRPAU, e.g. S, SA, PA, FA, R)");
            }
            f |= 1 << i;
        }
        return f;
    }

    /** tcpdump-like one line: {@code tcp 10.0.0.2:40000 > 198.51.100.10:443 [S] seq 1000 ack 0 len 0 ttl 63} */
    static String describe(byte[] b, int off, int len) {
        int proto = Ipv4.protocol(b, off);
        int l4 = off + Ipv4.ihlBytes(b, off);
        String s = Ipv4.toString(Ipv4.saddr(b, off));
        String d = Ipv4.toString(Ipv4.daddr(b, off));
        int ttl = Ipv4.ttl(b, off);
        int total = Ipv4.u16(b, off + 2);
        int frag = Ipv4.fragOff(b, off);
        if ((frag & Ipv4.IP_OFFSET) != 0) { // a later fragment: no transport header to show
            String p = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 1 ? "icmp" : "proto " + proto;
            return p + " " + s + " > " + d + " fragment id " + Ipv4.id(b, off) + " offset " + ((frag & Ipv4.IP_OFFSET) << 3)
                    + ((frag & Ipv4.IP_MF) != 0 ? " +" : "") + " len " + (total - (l4 - off)) + " ttl " + ttl;
        }
        String more = (frag & Ipv4.IP_MF) != 0 ? " (first fragment, " + (total - (l4 - off)) + " bytes)" : "";
        return more.isEmpty() ? one(b, off, len, proto, l4, s, d, ttl, total) : one(b, off, len, proto, l4, s, d, ttl, total) + more;
    }

    private static String one(byte[] b, int off, int len, int proto, int l4, String s, String d, int ttl, int total) {
        return switch (proto) {
            case 6 -> {
                int hl = (b[l4 + 12] >> 4 & 0xf) * 4;
                yield "tcp " + s + ":" + Ipv4.u16(b, l4) + " > " + d + ":" + Ipv4.u16(b, l4 + 2) + " [" + flags(b[l4 + 13] & 0x3f)
                        + "] seq " + Integer.toUnsignedString(Ipv4.i32(b, l4 + 4)) + " ack " + Integer.toUnsignedString(Ipv4.i32(b, l4 + 8))
                        + " len " + (total - (l4 - off) - hl) + " ttl " + ttl;
            }
            case 17 -> "udp " + s + ":" + Ipv4.u16(b, l4) + " > " + d + ":" + Ipv4.u16(b, l4 + 2) + " len "
                    + (Ipv4.u16(b, l4 + 4) - 8) + " ttl " + ttl;
            case 1 -> {
                int type = b[l4] & 0xff;
                int code = b[l4 + 1] & 0xff;
                String what = type == 8 || type == 0 ? " id " + Ipv4.u16(b, l4 + 4) + " seq " + Ipv4.u16(b, l4 + 6)
                        : type == 3 || type == 11 ? " (quoting " + describe(b, l4 + 8, len - (l4 - off) - 8) + ")" : "";
                yield "icmp " + s + " > " + d + " type " + type + " code " + code + what + " ttl " + ttl;
            }
            default -> "proto " + proto + " " + s + " > " + d + " ttl " + ttl;
        };
    }
}
