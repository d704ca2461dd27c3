package dev.hairpin.pipeline;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;

/**
 * The IPv4 options a router writes into a datagram it forwards (ip_options_compile at input,
 * ip_forward_options after FORWARD). Record route: while the pointer leaves room for an address,
 * the router's address on the outgoing route is stored at the pointer and the pointer advances
 * by 4. Timestamps (they would carry this host's clock) and source routes are left alone.
 */
final class IpOptions {
    private IpOptions() {}

    static final int IPOPT_END = 0;
    static final int IPOPT_NOOP = 1;
    static final int IPOPT_RR = 7;

    /** Fills the next record-route slot with {@code addr}; recomputes the header checksum when it did. */
    static void recordRoute(byte[] b, int l3, int addr) {
        int hlen = Ipv4.ihlBytes(b, l3);
        int i = l3 + Ipv4.MIN_HEADER;
        int end = l3 + hlen;
        while (i < end) {
            int type = b[i] & 0xff;
            if (type == IPOPT_END) {
                return;
            }
            if (type == IPOPT_NOOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return;
            }
            int len = b[i + 1] & 0xff;
            if (len < 2 || i + len > end) {
                return;
            }
            if (type == IPOPT_RR && len >= 3) {
                int ptr = b[i + 2] & 0xff;
                if (ptr >= 4 && ptr <= len && ptr + 3 <= len) {
                    Ipv4.put32(b, i + ptr - 1, addr);
                    b[i + 2] = (byte) (ptr + 4);
                    Checksum.setIpv4Header(b, l3);
                }
                return;
            }
            i += len;
        }
    }
}
