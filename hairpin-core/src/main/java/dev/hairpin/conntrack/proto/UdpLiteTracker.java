package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * UDP-Lite tracking (nf_conntrack_udplite_packet, 6.18): ports like UDP and UDP's timeouts, but
 * the older rule: a replied flow is ASSURED and on the stream timeout at its next packet, with no
 * 2-second delay. udplite_error() refuses a header shorter than 8 bytes, a checksum coverage
 * (the length field) below 8 or beyond the datagram, a zero checksum, and in PRE_ROUTING with
 * nf_conntrack_checksum a bad checksum over the covered bytes, which it verifies with IPPROTO_UDP
 * (17) in the pseudo-header where RFC 3828 (and the host's own UDP-Lite stack) uses 136: a
 * datagram checksummed by the RFC is INVALID here (recorded: udplite-dccp-nat).
 */
public final class UdpLiteTracker implements L4Tracker {
    public static final int PROTO = 136;

    @Override
    public int protocol() {
        return PROTO;
    }

    @Override
    public String name() {
        return "udplite";
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        if (!valid(skb, c.config.checksum && hook == Hooks.PRE_ROUTING)) {
            return -Verdict.NF_ACCEPT;
        }
        int st = c.status(ct);
        if ((st & CtStatus.SEEN_REPLY) != 0) {
            c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.UDP_REPLIED));
            if ((st & CtStatus.NAT_CLASH) != 0) {
                return Verdict.NF_ACCEPT;
            }
            if ((st & CtStatus.ASSURED) == 0) {
                c.setStatus(ct, CtStatus.ASSURED);
                c.eventCache(ct, CtEvent.ASSURED);
            }
        } else {
            c.refreshAcct(ct, ctinfo, skb, c.config.timeout(CtTimeout.UDP_UNREPLIED));
        }
        return Verdict.NF_ACCEPT;
    }

    /** udplite_error() negated; {@code verify}: the checksum is checked (PRE_ROUTING, sysctl on) */
    static boolean valid(Skb skb, boolean verify) {
        byte[] b = skb.buf;
        int len = skb.l3 + skb.len - skb.l4;
        if (len < 8) {
            return false;
        }
        int cscov = coverage(b, skb.l4, len);
        if (cscov < 0 || Ipv4.u16(b, skb.l4 + 6) == 0) {
            return false;
        }
        return !verify || skb.csumValid || checksumOk(b, skb.l3, skb.l4, len, cscov, Ipv4.PROTO_UDP);
    }

    /** the covered length (the length field; 0: the whole datagram), -1 when out of [8, len] */
    public static int coverage(byte[] b, int l4, int len) {
        int cscov = Ipv4.u16(b, l4 + 4);
        if (cscov == 0) {
            return len;
        }
        return cscov < 8 || cscov > len ? -1 : cscov;
    }

    /**
     * The one's complement sum of the pseudo-header ({@code pseudoProto}, the whole datagram's
     * length) and the first {@code cscov} bytes is 0xFFFF.
     */
    public static boolean checksumOk(byte[] b, int l3, int l4, int len, int cscov, int pseudoProto) {
        int ph = Checksum.pseudoHeader(Ipv4.saddr(b, l3), Ipv4.daddr(b, l3), pseudoProto, len);
        return Checksum.sum(b, l4, cscov, ph) == 0xffff;
    }
}
