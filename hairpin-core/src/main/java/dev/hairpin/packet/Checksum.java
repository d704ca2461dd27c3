package dev.hairpin.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) as the kernel computes and patches it: full sums over byte
 * ranges, the IPv4 header, TCP/UDP with the IPv4 pseudo-header, ICMP, and the incremental
 * updates of include/net/checksum.h and net/core/utils.c ({@code csum_replace4/2},
 * {@code inet_proto_csum_replace4/2}) with the kernel's exact arithmetic.
 *
 * <p>Sums are 16-bit one's complement values in an int (0..0xFFFF); a checksum field holds the
 * complement of the folded sum. The kernel does this arithmetic on little-endian loads on x86;
 * a one's complement sum does not depend on byte order (RFC 1071 2.B), and which of the two
 * zeros (0x0000 or 0xFFFF) an update yields depends only on whether values are exactly zero, so
 * big-endian arithmetic here gives the same bytes.
 */
public final class Checksum {
    private Checksum() {}

    /** CSUM_MANGLED_0: how a UDP checksum that computes to 0 is sent (0 means "no checksum") */
    public static final int MANGLED_0 = 0xffff;

    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // ---- full sums --------------------------------------------------------------------------

    /**
     * One's complement sum of {@code b[off, off+len)} added to {@code sum} (0 or an earlier
     * result), folded to 16 bits. An odd trailing byte counts as the high byte of a word, so
     * only the last range of a chain may have an odd length. The result is 0 only when all
     * data is zero.
     */
    public static int sum(byte[] b, int off, int len, int sum) {
        // Summed in little-endian words, the machine's own order (no byte swap per load), and
        // the folded result swapped once: a one's complement sum taken in swapped byte order is
        // the swapped sum (RFC 1071 2.B), the zero representations included.
        return swap16(fold(addLe(b, off, len, swap16(sum & 0xffff))));
    }

    /** {@code b[off, off+len)} as little-endian 16-bit words added to {@code s}, not folded */
    private static long addLe(byte[] b, int off, int len, long s) {
        int i = off;
        int end = off + len;
        // 8 bytes a load, its two 32-bit halves added into a 64-bit accumulator: no carry is
        // lost before the fold (2^32 loads would be needed to overflow it). Long data goes 32
        // bytes a turn; the last 63 bytes or fewer (all of a small segment's) in straight code,
        // without the range checks a compiled loop hoists before its first turn (~40
        // instructions, more than a turn costs).
        if (end - i >= 64) {
            s = sum32(b, i, (end - i - 32) >>> 5, s);
            i += (end - i - 32) & ~31;
        }
        if (end - i >= 32) {
            s += w8(b, i) + w8(b, i + 8) + w8(b, i + 16) + w8(b, i + 24);
            i += 32;
        }
        if (end - i >= 16) {
            s += w8(b, i) + w8(b, i + 8);
            i += 16;
        }
        if (end - i >= 8) {
            s += w8(b, i);
            i += 8;
        }
        if (end - i >= 4) {
            s += (int) LE32.get(b, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            s += (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
            i += 2;
        }
        if (i < end) {
            s += b[i] & 0xff; // an odd last byte is a word's first (high) byte: low in this order
        }
        return s;
    }

    private static int swap16(int v) {
        return (v & 0xff) << 8 | v >>> 8;
    }

    /** {@code turns} runs of 32 bytes from {@code i} added to {@code s} (its own method: sum stays small enough to inline) */
    private static long sum32(byte[] b, int i, int turns, long s) {
        for (; turns > 0; turns--, i += 32) {
            s += w8(b, i) + w8(b, i + 8) + w8(b, i + 16) + w8(b, i + 24);
        }
        return s;
    }

    /** the two 32-bit halves of the 8 bytes at {@code i} (little-endian), added without loss */
    private static long w8(byte[] b, int i) {
        long w = (long) LE64.get(b, i);
        return (w >>> 32) + (w & 0xffffffffL);
    }

    /** end-around-carry fold of a sum to 16 bits */
    public static int fold(long s) {
        // the four 16-bit words of s (as unsigned), then two end-around carries: the same value
        // as folding one word at a time, without a loop
        s = (s & 0xffff) + (s >>> 16 & 0xffff) + (s >>> 32 & 0xffff) + (s >>> 48);
        s = (s & 0xffff) + (s >>> 16);
        return (int) ((s & 0xffff) + (s >>> 16));
    }

    /** folded sum of the IPv4 pseudo-header (source, destination, zero, protocol, L4 length) */
    public static int pseudoHeader(int saddr, int daddr, int protocol, int len) {
        return fold((saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff)
                + (long) protocol + (len & 0xffff));
    }

    // ---- IPv4 header ------------------------------------------------------------------------

    /** the header checksum ip_send_check() would store (the current field does not count) */
    public static int ipv4Header(byte[] b, int off) {
        int ihl = Ipv4.ihlBytes(b, off);
        int s = sum(b, off, Ipv4.CHECK, 0);
        s = sum(b, off + Ipv4.CHECK + 2, ihl - Ipv4.CHECK - 2, s);
        return ~s & 0xffff;
    }

    public static void setIpv4Header(byte[] b, int off) {
        Ipv4.setCheck(b, off, ipv4Header(b, off));
    }

    /**
     * ip_fast_csum() == 0 over a 20-byte header (no options): {@link #sum} of its five words
     * with three loads and no loop, the common case of ip_rcv.
     */
    public static boolean ipv4Header20Valid(byte[] b, int off) {
        return ipv4Header20Valid((long) BE64.get(b, off), (long) BE64.get(b, off + 8),
                (long) ((int) BE32.get(b, off + 16)) << 32);
    }

    /**
     * The same over the header as big-endian words already loaded: bytes 0-7, 8-15, and 16-23
     * of which only the high half (bytes 16-19, the destination) is header.
     */
    public static boolean ipv4Header20Valid(long w0, long w1, long w2) {
        long s = (w0 >>> 32) + (w0 & 0xffffffffL) + (w1 >>> 32) + (w1 & 0xffffffffL) + (w2 >>> 32);
        return fold(s) == 0xffff;
    }

    /** ip_fast_csum() == 0 over the whole header */
    public static boolean ipv4HeaderValid(byte[] b, int off) {
        int ihl = Ipv4.ihlBytes(b, off);
        return ihl == Ipv4.MIN_HEADER ? ipv4Header20Valid(b, off) : sum(b, off, ihl, 0) == 0xffff;
    }

    // ---- transport (ipOff = offset of the IPv4 header; length from its total length) --------

    /** offset of the transport protocol's checksum field within its header, -1 if not TCP/UDP/ICMP */
    public static int checkOffset(int protocol) {
        return switch (protocol) {
            case Ipv4.PROTO_TCP -> Tcp.CHECK;
            case Ipv4.PROTO_UDP -> Udp.CHECK;
            case Ipv4.PROTO_ICMP -> Icmp.CHECK;
            default -> -1;
        };
    }

    /**
     * The full checksum of the TCP, UDP or ICMP message in the datagram at {@code ipOff}: TCP
     * and UDP include the pseudo-header, UDP's 0 becomes 0xFFFF. -1 for other protocols.
     */
    public static int transport(byte[] b, int ipOff) {
        int proto = Ipv4.protocol(b, ipOff);
        int rel = checkOffset(proto);
        if (rel < 0) {
            return -1;
        }
        int ihl = Ipv4.ihlBytes(b, ipOff);
        int l4 = ipOff + ihl;
        int len = Ipv4.totLen(b, ipOff) - ihl;
        int s = proto == Ipv4.PROTO_ICMP ? 0 : pseudoHeader(Ipv4.saddr(b, ipOff), Ipv4.daddr(b, ipOff), proto, len);
        s = sum(b, l4, rel, s);
        s = sum(b, l4 + rel + 2, len - rel - 2, s);
        int check = ~s & 0xffff;
        return proto == Ipv4.PROTO_UDP && check == 0 ? MANGLED_0 : check;
    }

    /** stores {@link #transport}; returns false (and writes nothing) for other protocols */
    public static boolean setTransport(byte[] b, int ipOff) {
        int check = transport(b, ipOff);
        if (check < 0) {
            return false;
        }
        Ipv4.put16(b, ipOff + Ipv4.ihlBytes(b, ipOff) + checkOffset(Ipv4.protocol(b, ipOff)), check);
        return true;
    }

    /**
     * Whether the TCP/UDP/ICMP checksum verifies; a UDP checksum of 0 (none) does. False for
     * other protocols.
     */
    public static boolean transportValid(byte[] b, int ipOff) {
        int proto = Ipv4.protocol(b, ipOff);
        int rel = checkOffset(proto);
        if (rel < 0) {
            return false;
        }
        int ihl = Ipv4.ihlBytes(b, ipOff);
        int l4 = ipOff + ihl;
        int len = Ipv4.totLen(b, ipOff) - ihl;
        if (proto == Ipv4.PROTO_UDP && Udp.check(b, l4) == 0) {
            return true;
        }
        int s = proto == Ipv4.PROTO_ICMP ? 0 : pseudoHeader(Ipv4.saddr(b, ipOff), Ipv4.daddr(b, ipOff), proto, len);
        return sum(b, l4, len, s) == 0xffff;
    }

    /**
     * Whether a TCP/UDP checksum field holds a CHECKSUM_PARTIAL value: only the folded
     * pseudo-header sum, left for the device to complete (what the gateway's own sockets send,
     * and what tcpdump reports as "incorrect").
     */
    public static boolean transportPartial(byte[] b, int ipOff) {
        int proto = Ipv4.protocol(b, ipOff);
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return false;
        }
        int ihl = Ipv4.ihlBytes(b, ipOff);
        int len = Ipv4.totLen(b, ipOff) - ihl;
        int field = Ipv4.u16(b, ipOff + ihl + checkOffset(proto));
        return field == pseudoHeader(Ipv4.saddr(b, ipOff), Ipv4.daddr(b, ipOff), proto, len);
    }

    /**
     * What skb_checksum_help() stores when it completes a CHECKSUM_PARTIAL TCP/UDP checksum:
     * the sum from the transport header on, partial field included, complemented, and
     * {@code ?: CSUM_MANGLED_0}. -1 for other protocols.
     */
    public static int completePartial(byte[] b, int ipOff) {
        int proto = Ipv4.protocol(b, ipOff);
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return -1;
        }
        int ihl = Ipv4.ihlBytes(b, ipOff);
        int check = ~sum(b, ipOff + ihl, Ipv4.totLen(b, ipOff) - ihl, 0) & 0xffff;
        return check == 0 ? MANGLED_0 : check;
    }

    // ---- incremental updates, as the kernel -------------------------------------------------

    /** csum_replace4(): the checksum after a covered 32-bit word changed from {@code from} to {@code to} */
    public static int replace4(int check, int from, int to) {
        int tmp = add32(~(check & 0xffff), ~from);  // csum_sub(~csum_unfold(*sum), from)
        return csumFold(add32(tmp, to));
    }

    /**
     * A covered 32-bit word's change {@code from} → {@code to} as a term of a one's complement
     * sum: {@code ~from + to}. Terms of several csum_replace steps added together and applied by
     * {@link #replaceTerms} give the bytes the steps give one by one (see {@link #natTcp}).
     */
    public static long term4(int from, int to) {
        return (~from & 0xffff_ffffL) + (to & 0xffff_ffffL);
    }

    /** {@link #term4} of a covered 16-bit word (as inet_proto_csum_replace2 widens it) */
    public static long term2(int from, int to) {
        return (~from & 0xffffL) + (to & 0xffffL);
    }

    /**
     * csum_fold(~csum_unfold(check) + terms): the checksum after the changes {@code terms} sums.
     * The complemented check keeps its upper 16 one bits as the kernel's 32-bit one does, so the
     * sum is never 0 and the fold lands where the step-by-step one does. For sums of a handful
     * of terms (under 2^36 in all).
     */
    public static int replaceTerms(int check, long terms) {
        // a few 32-bit terms: the sum stays under 2^36, and three end-around folds bring any
        // such value to 16 bits (the second leaves at most 0xFFFF + 0x1F)
        long s = (~(check & 0xffff) & 0xffff_ffffL) + terms;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return ~(int) s & 0xffff;
    }

    /** csum_replace2(): the same for a covered 16-bit word, in 16-bit arithmetic */
    public static int replace2(int check, int from, int to) {
        return ~add16(add16(~check & 0xffff, ~from & 0xffff), to & 0xffff) & 0xffff;
    }

    /**
     * inet_proto_csum_replace4(): a transport checksum after a covered word changed.
     * {@code pseudohdr}: the word is part of the pseudo-header (an address), not the segment.
     * {@code partial}: the skb is CHECKSUM_PARTIAL, the field holds only the pseudo-header sum,
     * so only pseudo-header changes touch it (uncomplemented). CHECKSUM_COMPLETE's skb->csum is
     * not modelled (it is not on the wire).
     */
    public static int protoReplace4(int check, int from, int to, boolean pseudohdr, boolean partial) {
        if (!partial) {
            return replace4(check, from, to);
        }
        if (pseudohdr) {
            // ~csum_fold(csum_add(csum_sub(csum_unfold(*sum), from), to))
            return ~csumFold(add32(add32(check & 0xffff, ~from), to)) & 0xffff;
        }
        return check;
    }

    /** inet_proto_csum_replace2(): protoReplace4 with 16-bit words zero-extended (ports, ids) */
    public static int protoReplace2(int check, int from, int to, boolean pseudohdr, boolean partial) {
        return protoReplace4(check, from & 0xffff, to & 0xffff, pseudohdr, partial);
    }

    /** in-place {@link #replace4} of the checksum field at {@code checkOff} */
    public static void replace4(byte[] b, int checkOff, int from, int to) {
        Ipv4.put16(b, checkOff, replace4(Ipv4.u16(b, checkOff), from, to));
    }

    /** in-place {@link #replace2} of the checksum field at {@code checkOff} */
    public static void replace2(byte[] b, int checkOff, int from, int to) {
        Ipv4.put16(b, checkOff, replace2(Ipv4.u16(b, checkOff), from, to));
    }

    /**
     * tcp_manip_pkt()'s checksum work (nf_nat_proto.c): the address through the pseudo-header,
     * then the port.
     */
    public static int natTcp(int check, int oldAddr, int newAddr, int oldPort, int newPort, boolean partial) {
        if (!partial) {
            // the two csum_replace steps in one fold: each step's result lies in 0..0xFFFE (its
            // sum starts with a non-zero word) and is fixed by its value mod 0xFFFF, which
            // adding all four words before folding once gives as well
            return replaceTerms(check, term4(oldAddr, newAddr) + term2(oldPort, newPort));
        }
        int c = protoReplace4(check, oldAddr, newAddr, true, partial);
        return protoReplace2(c, oldPort, newPort, false, partial);
    }

    /**
     * __udp_manip_pkt()'s checksum work: a 0 checksum (none) is left alone; otherwise as TCP,
     * and a result of 0 is sent as 0xFFFF.
     */
    public static int natUdp(int check, int oldAddr, int newAddr, int oldPort, int newPort, boolean partial) {
        return check == 0 ? 0 : mangled0(natTcp(check, oldAddr, newAddr, oldPort, newPort, partial));
    }

    /** {@link #natUdp} (not partial) given the changes' summed {@link #term4}/{@link #term2} terms */
    public static int natUdpTerms(int check, long terms) {
        return check == 0 ? 0 : mangled0(replaceTerms(check, terms));
    }

    /** a UDP checksum that computes to 0 is sent as CSUM_MANGLED_0 */
    private static int mangled0(int c) {
        return c == 0 ? MANGLED_0 : c;
    }

    /** csum_add(): 32-bit add with end-around carry */
    private static int add32(int a, int b) {
        int r = a + b;
        return Integer.compareUnsigned(r, b) < 0 ? r + 1 : r;
    }

    /** csum16_add(): 16-bit add with end-around carry */
    private static int add16(int a, int b) {
        int r = (a + b) & 0xffff;
        return r + (r < b ? 1 : 0);
    }

    /** csum_fold(): fold a 32-bit sum to 16 bits and complement */
    private static int csumFold(int s) {
        int x = (s & 0xffff) + (s >>> 16);
        x = (x & 0xffff) + (x >>> 16);
        return ~x & 0xffff;
    }

    // ---- helpers over explicit lengths (the conntrack and NAT paths know their lengths) ----

    /** verifies a TCP/UDP checksum with the IPv4 pseudo-header over {@code len} bytes at {@code l4} */
    public static boolean verifyTransport(byte[] b, int l3, int l4, int len) {
        return verifyTransport(b, l4, len, Ipv4.saddr(b, l3), Ipv4.daddr(b, l3), Ipv4.protocol(b, l3));
    }

    /** {@link #verifyTransport} for a caller that has the pseudo-header's fields at hand */
    public static boolean verifyTransport(byte[] b, int l4, int len, int saddr, int daddr, int protocol) {
        // the pseudo-header's words byte-swapped into the little-endian sum, one fold in all;
        // 0xFFFF reads the same in either byte order
        long s = (Integer.reverseBytes(saddr) & 0xffffffffL) + (Integer.reverseBytes(daddr) & 0xffffffffL)
                + swap16(protocol & 0xff) + swap16(len & 0xffff);
        return fold(addLe(b, l4, len, s)) == 0xffff;
    }

    /** verifies an ICMP checksum over {@code len} bytes */
    public static boolean verifyIcmp(byte[] b, int off, int len) {
        return sum(b, off, len, 0) == 0xffff;
    }

    /** the checksum field value for a range (complement of the folded sum) */
    public static int compute(byte[] b, int off, int len) {
        return ~sum(b, off, len, 0) & 0xffff;
    }

    /** the TCP/UDP checksum field value over {@code len} bytes at {@code l4}, pseudo-header included */
    public static int transport(byte[] b, int l3, int l4, int len) {
        int s = pseudoHeader(Ipv4.saddr(b, l3), Ipv4.daddr(b, l3), Ipv4.protocol(b, l3), len);
        return ~sum(b, l4, len, s) & 0xffff;
    }
}
