package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * ip_fragment() / ip_do_fragment() on output: a datagram larger than the device MTU, or one
 * nf_defrag reassembled (sent again as fragments no larger than its largest one,
 * IPCB(skb)->frag_max_size), leaves as fragments of {@code (mtu - ihl) & ~7} data bytes; the
 * fragments after the first carry only the options with the copied flag (ip_options_fragment).
 * DF: a datagram that may not be fragmented gets ICMP fragmentation needed instead, except a
 * reassembled one (ignore_df) whose fragments all fit.
 * A reassembled datagram whose fragments all fit (first and middle ones a multiple of 8 data
 * bytes, none over {@code mtu - ihl}) leaves with exactly the boundaries it arrived with: the
 * frag_list fast path; later fragments then carry no DF.
 */
final class Fragmenter {
    private Fragmenter() {}

    static void fragment(Stack stack, Skb skb, NetDevice out, int mtu) {
        byte[] b = skb.buf;
        int l3 = skb.l3;
        int field = Ipv4.fragOff(b, l3);
        boolean df = (field & Ipv4.IP_DF) != 0;
        if (df && (skb.fragMaxSize == 0 || skb.fragMaxSize > mtu)) {
            stack.icmpSend(skb, 3, 4, mtu);
            if (stack.output != null) {
                stack.output.drop(skb, "ip_fragment: DF set, fragmentation needed (mtu " + mtu + ")");
            }
            return;
        }
        if (skb.fragMaxSize != 0 && skb.fragMaxSize < mtu) {
            mtu = skb.fragMaxSize;
        }
        int hlen = Ipv4.ihlBytes(b, l3);
        if (fastPathFits(skb, hlen, mtu - hlen)) {
            fastPath(stack, skb, out, hlen);
            return;
        }
        byte[] header = new byte[hlen];
        System.arraycopy(b, l3, header, 0, hlen);
        int room = mtu - hlen;
        int left = skb.len - hlen;
        int ptr = l3 + hlen;
        int offset = (field & Ipv4.IP_OFFSET) << 3;
        boolean notLast = (field & Ipv4.IP_MF) != 0;
        while (left > 0) {
            int len = left;
            if (len > room) {
                len = room;
            }
            if (len < left) {
                len &= ~7;
            }
            int f = (offset >> 3) | (df ? Ipv4.IP_DF : 0);
            if (left - len > 0 || notLast) {
                f |= Ipv4.IP_MF;
            }
            emit(stack, skb, out, header, ptr, len, f, offset == 0);
            ptr += len;
            offset += len;
            left -= len;
        }
    }

    /**
     * One fragment: the header (its options blanked for later fragments once the first is out),
     * {@code len} payload bytes from {@code ptr}, frag_off {@code f}, a fresh header checksum.
     */
    private static void emit(Stack stack, Skb skb, NetDevice out, byte[] header, int ptr, int len, int f, boolean first) {
        int hlen = header.length;
        byte[] p = new byte[hlen + len];
        System.arraycopy(header, 0, p, 0, hlen);
        System.arraycopy(skb.buf, ptr, p, hlen, len);
        Ipv4.setFragOff(p, 0, f);
        Ipv4.setTotLen(p, 0, hlen + len);
        Checksum.setIpv4Header(p, 0);
        if (first) {
            optionsFragment(header, hlen);
        }
        Skb n = new Skb(p, 0, p.length);
        n.out = out;
        n.in = skb.in;
        n.rtType = skb.rtType;
        n.mark = skb.mark;
        n.nexthop = skb.nexthop;
        n.seq = skb.seq; // each fragment keeps its datagram's origin tag
        n.ct = skb.ct;
        n.ctinfo = skb.ctinfo;
        if (stack.neighbours.output(n, out, skb.nexthop) && stack.output != null) {
            stack.output.transmit(n, out, skb.nexthop);
        }
    }

    /** ip_do_fragment()'s check of the frag_list geometry */
    private static boolean fastPathFits(Skb skb, int hlen, int room) {
        int[] fl = skb.fragList;
        if (fl == null || fl.length < 2 || (Ipv4.fragOff(skb.buf, skb.l3) & (Ipv4.IP_OFFSET | Ipv4.IP_MF)) != 0) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < fl.length; i++) {
            boolean last = i == fl.length - 1;
            if (fl[i] > room || (!last && (fl[i] & 7) != 0)) {
                return false;
            }
            sum += fl[i];
        }
        return sum == skb.len - hlen;
    }

    /** ip_fraglist_init() / ip_fraglist_prepare(): the original fragments, each with the header */
    private static void fastPath(Stack stack, Skb skb, NetDevice out, int hlen) {
        byte[] b = skb.buf;
        byte[] header = new byte[hlen];
        System.arraycopy(b, skb.l3, header, 0, hlen);
        int field = Ipv4.fragOff(b, skb.l3);
        int ptr = skb.l3 + hlen;
        int offset = 0;
        int[] fl = skb.fragList;
        for (int i = 0; i < fl.length; i++) {
            int len = fl[i];
            int f = i == 0 ? field | Ipv4.IP_MF : (offset >> 3) | (i < fl.length - 1 ? Ipv4.IP_MF : 0);
            emit(stack, skb, out, header, ptr, len, f, i == 0);
            ptr += len;
            offset += len;
        }
    }

    /** ip_options_fragment(): options without the copied flag become NOOPs in later fragments */
    static void optionsFragment(byte[] h, int hlen) {
        int i = Ipv4.MIN_HEADER;
        while (i < hlen) {
            int type = h[i] & 0xff;
            if (type == 0) { // IPOPT_END
                return;
            }
            if (type == 1) { // IPOPT_NOOP
                i++;
                continue;
            }
            if (i + 1 >= hlen) {
                return;
            }
            int optlen = h[i + 1] & 0xff;
            if (optlen < 2 || i + optlen > hlen) {
                return;
            }
            if ((type & 0x80) == 0) {
                java.util.Arrays.fill(h, i, i + optlen, (byte) 1);
            }
            i += optlen;
        }
    }
}
