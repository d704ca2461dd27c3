package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * Reads transport header fields at {@code skb.l4} for the matches, with the bounds check the
 * kernel's {@code skb_header_pointer()} makes (a header cut short is "not there").
 */
final class L4 {
    private L4() {}

    /** whether {@code need} bytes from the transport header are inside the datagram */
    static boolean has(Skb skb, int need) {
        return skb.l4 + need <= skb.l3 + skb.len;
    }

    /** bytes of the datagram from the transport header on */
    static int avail(Skb skb) {
        return skb.l3 + skb.len - skb.l4;
    }

    static int sport(Skb skb) {
        return Ipv4.u16(skb.buf, skb.l4);
    }

    static int dport(Skb skb) {
        return Ipv4.u16(skb.buf, skb.l4 + 2);
    }

    static int u8(Skb skb, int off) {
        return skb.buf[skb.l4 + off] & 0xff;
    }

    /** the fragment offset field in 8-byte units (par->fragoff) */
    static int fragoff(Skb skb) {
        return Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_OFFSET;
    }

    /** port_match(): (min <= port <= max) XOR invert */
    static boolean portMatch(int min, int max, int port, boolean invert) {
        return (port >= min && port <= max) ^ invert;
    }
}
