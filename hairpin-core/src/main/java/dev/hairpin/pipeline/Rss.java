package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Ipv4;

/**
 * Receive-side scaling: which of {@code n} workers a datagram belongs to, as a NIC's symmetric
 * RSS hash picks a receive queue. Symmetric: the hash is of the unordered address pair and the
 * unordered port pair, so both directions of a flow whose addresses and ports are not rewritten
 * land on one worker; a NATed flow's reply lands on the worker its reply tuple hashes to, which
 * NAT makes the creating worker's wherever it has a port to choose ({@link Workers}).
 *
 * <ul>
 *   <li>TCP, UDP, UDP-Lite, SCTP, DCCP: addresses and ports (addresses only when the header is cut short).</li>
 *   <li>ICMP queries (echo, timestamp, information, address mask and their replies): the query id as both ports.</li>
 *   <li>ICMP errors: the quoted datagram's tuple, so an error lands with the flow it is about.</li>
 *   <li>Fragments (more-fragments set or an offset): addresses, protocol and IP id, with no ports
 *       (only the first fragment has them): every fragment of a datagram lands on one worker,
 *       which reassembles it (nf_defrag_ipv4) and hands the whole datagram to its flow's worker.</li>
 *   <li>Other protocols, and whatever cannot be parsed: the address pair only (worker 0 for less
 *       than an IPv4 header).</li>
 * </ul>
 * {@link #ofTuple} gives the same answer from a conntrack tuple, which NAT asks of a candidate.
 */
public final class Rss {
    private Rss() {}

    /** the worker of the datagram at {@code l3} ({@code len} bytes from there) among {@code n} */
    public static int workerOf(byte[] b, int l3, int len, int n) {
        return n == 1 ? 0 : reduce(hashOf(b, l3, len), n);
    }

    /** the worker of a packet carrying tuple (k1, k2), or its inverse, among {@code n} */
    public static int ofTuple(long k1, long k2, int n) {
        return n == 1 ? 0 : reduce(hashOfTuple(k1, k2), n);
    }

    /** the symmetric hash {@link #workerOf} reduces */
    public static int hashOf(byte[] b, int l3, int len) {
        if (len < Ipv4.MIN_HEADER || l3 + Ipv4.MIN_HEADER > b.length) {
            return 0;
        }
        int s = Ipv4.saddr(b, l3);
        int d = Ipv4.daddr(b, l3);
        int proto = Ipv4.protocol(b, l3);
        int ihl = Ipv4.ihlBytes(b, l3);
        if ((Ipv4.fragOff(b, l3) & (Ipv4.IP_MF | Ipv4.IP_OFFSET)) != 0) {
            int id = Ipv4.u16(b, l3 + 4);
            return mix(s, d, id, id, 0x100 | proto); // 0x100: not a port pair's key
        }
        int end = Math.min(l3 + len, b.length);
        int l4 = l3 + ihl;
        if (ihl < Ipv4.MIN_HEADER || l4 > end) {
            return mix(s, d, 0, 0, proto);
        }
        return transport(b, l4, end - l4, s, d, proto, true);
    }

    /** the hash given the addresses, protocol and transport header ({@code quoted}: an ICMP error may be followed once) */
    private static int transport(byte[] b, int l4, int avail, int s, int d, int proto, boolean outer) {
        switch (proto) {
            case 6, 17, 136, 132 -> { // not DCCP: a generic protocol since 6.16, its tuple has no ports
                if (avail >= 4) {
                    return mix(s, d, Ipv4.u16(b, l4), Ipv4.u16(b, l4 + 2), proto);
                }
            }
            case Ipv4.PROTO_ICMP -> {
                if (avail >= 8) {
                    int type = b[l4] & 0xff;
                    if (isQuery(type)) {
                        int id = Ipv4.u16(b, l4 + 4);
                        return mix(s, d, id, id, proto);
                    }
                    if (outer && isError(type) && avail >= 8 + Ipv4.MIN_HEADER) {
                        int in = l4 + 8;
                        int iproto = Ipv4.protocol(b, in);
                        int iihl = Ipv4.ihlBytes(b, in);
                        int is = Ipv4.saddr(b, in);
                        int id = Ipv4.daddr(b, in);
                        if (iihl < Ipv4.MIN_HEADER || 8 + iihl > avail) {
                            return mix(is, id, 0, 0, iproto);
                        }
                        return transport(b, in + iihl, avail - 8 - iihl, is, id, iproto, false);
                    }
                }
            }
            default -> {}
        }
        return mix(s, d, 0, 0, proto);
    }

    /** the symmetric hash of a tuple's packet, as {@link #hashOf} reads it from the headers */
    public static int hashOfTuple(long k1, long k2) {
        int proto = Tuple.proto(k2);
        int p1 = 0;
        int p2 = 0;
        switch (proto) {
            case 6, 17, 136, 132 -> { // not DCCP: a generic protocol since 6.16, its tuple has no ports
                p1 = Tuple.sport(k2);
                p2 = Tuple.dport(k2);
            }
            case Ipv4.PROTO_ICMP -> {
                if (isQuery(Tuple.dport(k2) >>> 8)) {
                    p1 = p2 = Tuple.sport(k2); // sport is the id
                }
            }
            default -> {}
        }
        return mix(Tuple.src(k1), Tuple.dst(k1), p1, p2, proto);
    }

    /** ICMP query types conntrack tracks by id (and their replies) */
    static boolean isQuery(int type) {
        return type == 0 || type == 8 || (type >= 13 && type <= 18);
    }

    /** ICMP error types (icmp_is_err) */
    static boolean isError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** a well-mixed hash of {a, b} and {p, q} as unordered pairs, with the protocol */
    static int mix(int a, int b, int p, int q, int proto) {
        long lo = Math.min(a & 0xffffffffL, b & 0xffffffffL);
        long hi = Math.max(a & 0xffffffffL, b & 0xffffffffL);
        long ports = (long) Math.min(p, q) << 16 | Math.max(p, q);
        return Tuple.hash(lo << 32 | hi, ports << 16 | proto, 0x7255L);
    }

    private static int reduce(int h, int n) {
        return (int) (((h & 0xffffffffL) * n) >>> 32);
    }
}
