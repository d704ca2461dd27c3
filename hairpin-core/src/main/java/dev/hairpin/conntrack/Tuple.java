package dev.hairpin.conntrack;

import dev.hairpin.packet.Ipv4;

/**
 * A conntrack tuple ({@code struct nf_conntrack_tuple}, IPv4) packed into two longs, so a
 * table slot compares with two loads and nothing is allocated:
 *
 * <pre>
 *  k1:  63            32 31             0      k2:  63      48 47      32 31  24 23  16 15     0
 *      +----------------+----------------+         +----------+----------+------+------+--------+
 *      |   src address  |   dst address  |         | src port | dst port |  0   |proto |  zone  |
 *      +----------------+----------------+         +----------+----------+------+------+--------+
 * </pre>
 * For ICMP the source "port" is the echo id and the destination "port" is type &lt;&lt; 8 | code,
 * as the kernel's {@code src.u.icmp.id} / {@code dst.u.icmp.type,code}. Protocols without ports
 * carry 0 in both. The direction is not part of the key (the table slot says which it is).
 */
public final class Tuple {
    private Tuple() {}

    public static long k1(int src, int dst) {
        return ((long) src << 32) | (dst & 0xffffffffL);
    }

    public static long k2(int sport, int dport, int proto, int zone) {
        return ((long) (sport & 0xffff) << 48) | ((long) (dport & 0xffff) << 32) | ((proto & 0xff) << 16) | (zone & 0xffff);
    }

    /**
     * The second key word read from a transport header at {@code l4} with {@code avail} bytes:
     * ports for TCP/UDP/UDP-Lite/SCTP, type/code and echo id for ICMP, nothing for other
     * protocols (DCCP included: 6.16 removed its tracker, it is a generic protocol now). -1 (never a valid key: proto is one byte) when the header is truncated.
     */
    public static long k2Of(byte[] b, int l4, int avail, int proto, int zone) {
        switch (proto) {
            case 6, 17, 136, 132 -> {
                return avail < 4 ? -1 : k2(Ipv4.u16(b, l4), Ipv4.u16(b, l4 + 2), proto, zone);
            }
            case Ipv4.PROTO_ICMP -> { // sport = echo id, dport = type << 8 | code
                return avail < 8 ? -1 : k2(Ipv4.u16(b, l4 + 4), Ipv4.u16(b, l4), proto, zone);
            }
            case 47 -> { // gre_pkt_to_tuple(): keys only for version 1 (PPTP): dst = call id
                if (avail < 4 || (b[l4 + 1] & 7) != 1) {
                    return k2(0, 0, proto, zone);
                }
                if (avail < 8) {
                    return k2(0, 0, proto, zone);
                }
                return Ipv4.u16(b, l4 + 2) != 0x880b ? -1 : k2(0, Ipv4.u16(b, l4 + 6), proto, zone);
            }
            default -> {
                return k2(0, 0, proto, zone);
            }
        }
    }

    /** a PPTP GRE packet (version 1 with its call id present): gre_pkt_to_tuple looks its source key up */
    public static boolean pptpGre(byte[] b, int l4, int avail) {
        return avail >= 8 && (b[l4 + 1] & 7) == 1;
    }

    public static int src(long k1) {
        return (int) (k1 >>> 32);
    }

    public static int dst(long k1) {
        return (int) k1;
    }

    public static int sport(long k2) {
        return (int) (k2 >>> 48) & 0xffff;
    }

    public static int dport(long k2) {
        return (int) (k2 >>> 32) & 0xffff;
    }

    public static int proto(long k2) {
        return (int) (k2 >>> 16) & 0xff;
    }

    public static int zone(long k2) {
        return (int) k2 & 0xffff;
    }

    /** k1 of the inverted tuple: addresses swapped */
    public static long invertK1(long k1) {
        return (k1 << 32) | (k1 >>> 32);
    }

    /**
     * k2 of the inverted tuple ({@code nf_ct_invert_tuple}): ports swapped; for ICMP the id is
     * kept and the type mapped (echo 8 &lt;-&gt; reply 0, 13&lt;-&gt;14, 15&lt;-&gt;16, 17&lt;-&gt;18). Returns -1 when the
     * tuple has no inverse (an ICMP type that cannot open a connection).
     */
    public static long invertK2(long k2) {
        int proto = proto(k2);
        if (proto == Ipv4.PROTO_ICMP) {
            int typeCode = dport(k2);
            int inv = icmpInverse(typeCode >>> 8);
            if (inv < 0) {
                return -1;
            }
            return k2(sport(k2), (inv << 8) | (typeCode & 0xff), proto, zone(k2));
        }
        // k2(dport, sport, proto, zone) as three masks: the port halves swapped, the rest kept
        return (k2 >>> 16) & 0xffff_0000_0000L | (k2 << 16) & 0xffff_0000_0000_0000L | k2 & 0xff_ffffL;
    }

    /** icmp_invert_tuple's invmap; -1 for types without an inverse */
    public static int icmpInverse(int type) {
        return switch (type) {
            case 8 -> 0;
            case 0 -> 8;
            case 13 -> 14;
            case 14 -> 13;
            case 15 -> 16;
            case 16 -> 15;
            case 17 -> 18;
            case 18 -> 17;
            default -> -1;
        };
    }

    /** "src=a dst=b sport=x dport=y" for debugging */
    public static String toString(long k1, long k2) {
        return "proto=" + proto(k2) + " src=" + Ipv4.toString(src(k1)) + " dst=" + Ipv4.toString(dst(k1))
                + " sport=" + sport(k2) + " dport=" + dport(k2) + (zone(k2) != 0 ? " zone=" + zone(k2) : "");
    }

    /** A well-mixed 32-bit hash of a tuple (any good hash will do: the kernel's is keyed siphash). */
    public static int hash(long k1, long k2, long seed) {
        return (int) hash64(k1, k2, seed);
    }

    /** the 64-bit mix {@link #hash} keeps the low half of */
    public static long hash64(long k1, long k2, long seed) {
        long h = k1 * 0x9E3779B97F4A7C15L + seed;
        h ^= (h >>> 29);
        h += k2 * 0xC2B2AE3D27D4EB4FL;
        h ^= (h >>> 32);
        h *= 0x94D049BB133111EBL;
        h ^= (h >>> 31);
        return h;
    }
}
