package dev.hairpin.nat;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;

/**
 * Rewrites a packet to a target tuple (nf_nat_proto.c: nf_nat_ipv4_manip_pkt and the per
 * protocol manip_pkt): one address and its port or ICMP id, with incremental checksum updates as
 * the kernel computes them. {@code hdrEnd} bounds what may be touched: an inner header quoted in
 * an ICMP error has only 8 bytes of transport header, so its TCP checksum is left alone.
 */
public final class NatManip {
    private NatManip() {}

    /**
     * @param b      buffer
     * @param iph    offset of the IPv4 header to rewrite
     * @param end    end of the data available (exclusive)
     * @param manipSrc rewrite the source (true) or the destination
     * @param addr   new address
     * @param port   new port / ICMP id (-1: leave the transport header alone)
     */
    public static boolean manip(byte[] b, int iph, int end, boolean manipSrc, int addr, int port) {
        return manip(b, iph, end, manipSrc, addr, port, false);
    }

    /** {@link #manip} of a CHECKSUM_PARTIAL packet ({@code partial}): only the pseudo-header's address enters its checksum */
    public static boolean manip(byte[] b, int iph, int end, boolean manipSrc, int addr, int port, boolean partial) {
        int ihl = Ipv4.ihlBytes(b, iph);
        int hdroff = iph + ihl;
        int proto = Ipv4.protocol(b, iph);
        boolean firstFrag = (Ipv4.fragOff(b, iph) & Ipv4.IP_OFFSET) == 0;
        int oldAddr = manipSrc ? Ipv4.saddr(b, iph) : Ipv4.daddr(b, iph);
        if (firstFrag && port >= 0) {
            switch (proto) {
                case Ipv4.PROTO_TCP -> tcp(b, hdroff, end, manipSrc, oldAddr, addr, port, partial);
                case Ipv4.PROTO_UDP, 136 -> udp(b, hdroff, end, manipSrc, oldAddr, addr, port, partial); // udplite: checksum never 0
                case Ipv4.PROTO_ICMP -> icmp(b, hdroff, end, port);
                case 132 -> sctp(b, hdroff, end, manipSrc, port);
                case 47 -> gre(b, hdroff, end, manipSrc, port);
                default -> { }
            }
        }
        address(b, iph, manipSrc, oldAddr, addr);
        return true;
    }

    /**
     * gre_manip_pkt(): a PPTP (version 1) GRE packet's key is its destination's call id, so only
     * a destination manip rewrites it; version 0 is left alone; no checksum covers it
     */
    private static void gre(byte[] b, int h, int end, boolean manipSrc, int key) {
        if (!manipSrc && end - h >= 8 && (b[h + 1] & 7) == 1) {
            Ipv4.put16(b, h + 6, key);
        }
    }

    /** the address itself, with the header checksum patched (csum_replace4) */
    private static void address(byte[] b, int iph, boolean manipSrc, int oldAddr, int addr) {
        Ipv4.put16(b, iph + Ipv4.CHECK, Checksum.replace4(Ipv4.u16(b, iph + Ipv4.CHECK), oldAddr, addr));
        Ipv4.put32(b, iph + (manipSrc ? Ipv4.SADDR : Ipv4.DADDR), addr);
    }

    /**
     * {@link #manip} of a datagram whose shape the caller has checked: a 20-byte IPv4 header, not
     * a fragment, a TCP or UDP header after it. The same bytes, without reading again the header
     * length, protocol and fragment offset it already knows, and in fewer accesses: the IP
     * checksum, the addresses and the ports are two 8-byte words, changed in registers and
     * stored once; the address's checksum term is computed once for both checksums.
     */
    public static void l4(byte[] b, int iph, int end, int proto, boolean manipSrc, int addr, int port) {
        l4(b, iph, end, proto, manipSrc, addr, port, false);
    }

    /**
     * {@link #l4} after ip_forward()'s ip_decrease_ttl() when {@code decTtl}: the TTL's change
     * joins the address's in the header checksum's one update. The same bytes as the two steps:
     * ip_decrease_ttl's end-around add and csum_replace4 agree modulo 0xFFFF, and the last step's
     * fold never gives 0xFFFF, so the value is the one the steps give (NatManipProperties).
     */
    public static void l4(byte[] b, int iph, int end, int proto, boolean manipSrc, int addr, int port, boolean decTtl) {
        int h = iph + Ipv4.MIN_HEADER;
        if (end - h < 8) { // no whole ports (the fast path never has such a packet)
            l4Short(b, iph, end, manipSrc, addr, port, decTtl);
        } else {
            l4(b, iph, end, proto, manipSrc, addr, port, decTtl, Ipv4.i64(b, iph + 8), Ipv4.i64(b, iph + 16));
        }
    }

    /**
     * {@link #l4} given the header's words at {@code iph + 8} ({@code x}: TTL, protocol, header
     * checksum, saddr) and {@code iph + 16} ({@code y}: daddr, source port, destination port), as
     * a caller that read them and changed nothing since holds them: they are not read again.
     * The datagram has whole ports ({@code end - iph >= 28}).
     */
    public static void l4(byte[] b, int iph, int end, int proto, boolean manipSrc, int addr, int port, boolean decTtl,
            long x, long y) {
        int h = iph + Ipv4.MIN_HEADER;
        int oldAddr = manipSrc ? (int) x : (int) (y >>> 32);
        int oldPort = manipSrc ? (int) (y >>> 16) & 0xffff : (int) y & 0xffff;
        long addrTerm = Checksum.term4(oldAddr, addr);
        // l4_manip_pkt(): the pseudo-header's address, then the port (one fold; see natTcp)
        long l4Term = addrTerm + Checksum.term2(oldPort, port);
        if (proto == Ipv4.PROTO_TCP) {
            tcpCheck(b, h, end, l4Term);
        } else {
            int c = Ipv4.u16(b, h + 6);
            if (c != 0) { // 0: no checksum, left alone (no store)
                Ipv4.put16(b, h + 6, Checksum.natUdpTerms(c, l4Term));
            }
        }
        // nf_nat_ipv4_manip_pkt(): csum_replace4 of the header checksum, the address; with the
        // TTL (at least 2 here): its word (TTL, protocol) lower by 0x100, ~w + (w - 0x100) = 0xFEFF
        if (decTtl) {
            addrTerm += 0xFEFF;
            x -= 1L << 56;
        }
        long check = Checksum.replaceTerms((int) (x >>> 32) & 0xffff, addrTerm);
        if (manipSrc) {
            x = x & 0xffff_0000_0000_0000L | check << 32 | addr & 0xffff_ffffL;
            y = y & 0xffff_ffff_0000_ffffL | (long) (port & 0xffff) << 16;
        } else {
            x = x & 0xffff_0000_ffff_ffffL | check << 32;
            y = (long) addr << 32 | y & 0xffff_0000L | port & 0xffff;
        }
        Ipv4.put64(b, iph + 8, x);
        Ipv4.put64(b, iph + 16, y);
    }

    /** {@link #l4} of a datagram without whole ports: the steps one by one */
    private static void l4Short(byte[] b, int iph, int end, boolean manipSrc, int addr, int port, boolean decTtl) {
        if (decTtl) {
            Ipv4.decreaseTtl(b, iph);
        }
        manip(b, iph, end, manipSrc, addr, port);
    }

    /** a whole TCP header's checksum after the changes {@code terms} sums */
    private static void tcpCheck(byte[] b, int h, int end, long terms) {
        if (end - h >= 20) {
            Ipv4.put16(b, h + 16, Checksum.replaceTerms(Ipv4.u16(b, h + 16), terms));
        }
    }

    /**
     * sctp_manip_pkt(): the port, then the CRC32c over the whole SCTP packet (no pseudo-header:
     * an address change alone leaves it as it was); an error's quoted 8 bytes keep theirs.
     */
    private static void sctp(byte[] b, int h, int end, boolean src, int port) {
        if (end - h < 8) {
            return;
        }
        Ipv4.put16(b, h + (src ? 0 : 2), port);
        if (end - h >= 12) {
            Ipv4.put32(b, h + 8, Integer.reverseBytes(dev.hairpin.conntrack.proto.SctpTracker.crc(b, h, end)));
        }
    }

    private static void tcp(byte[] b, int h, int end, boolean src, int oldAddr, int addr, int port, boolean partial) {
        if (end - h < 8) {
            return;
        }
        int portOff = h + (src ? 0 : 2);
        int oldPort = Ipv4.u16(b, portOff);
        Ipv4.put16(b, portOff, port);
        if (end - h < 20) {
            return; // quoted header: the checksum is beyond the 8 bytes we have
        }
        Ipv4.put16(b, h + 16, Checksum.natTcp(Ipv4.u16(b, h + 16), oldAddr, addr, oldPort, port, partial));
    }

    private static void udp(byte[] b, int h, int end, boolean src, int oldAddr, int addr, int port, boolean partial) {
        if (end - h < 8) {
            return;
        }
        int portOff = h + (src ? 0 : 2);
        int oldPort = Ipv4.u16(b, portOff);
        Ipv4.put16(b, h + 6, Checksum.natUdp(Ipv4.u16(b, h + 6), oldAddr, addr, oldPort, port, partial));
        Ipv4.put16(b, portOff, port);
    }

    private static void icmp(byte[] b, int h, int end, int id) {
        if (end - h < 8) {
            return;
        }
        int type = b[h] & 0xff;
        switch (type) {
            case 0, 8, 13, 14, 15, 16, 17, 18 -> {
                int old = Ipv4.u16(b, h + 4);
                // icmp_manip_pkt(): inet_proto_csum_replace2, not a pseudo-header field
                Ipv4.put16(b, h + 2, Checksum.protoReplace2(Ipv4.u16(b, h + 2), old, id, false, false));
                Ipv4.put16(b, h + 4, id);
            }
            default -> { }
        }
    }
}
