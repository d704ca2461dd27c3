package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Tcp;
import dev.hairpin.packet.Verdict;

/**
 * The PPTP helper (nf_conntrack_pptp.c) and its NAT half (nf_nat_pptp.c). The control
 * connection is taken to go from the PNS (client, original direction) to the PAC. Its messages
 * move a session state and one call's state; an accepted outgoing call (Outgoing-Call-Reply)
 * or a connected incoming one expects GRE both ways, keyed by the two call ids, and registers
 * the keys' mapping so GRE packets (which carry only the receiver's call id) get both keys in
 * their tuple (gre_keymap_lookup). Through NAT the PNS's call id is replaced by the masqueraded
 * TCP source port in what leaves and put back in what returns (the Call-Disconnect-Notify's own
 * call id too, as the kernel does), and the GRE entry is NATed to those keys. A
 * Call-Disconnect-Notify kills the call's GRE entries (or its expectations).
 */
final class PptpHelper {
    private static final int START_SESSION_REQUEST = 1;
    private static final int START_SESSION_REPLY = 2;
    private static final int STOP_SESSION_REQUEST = 3;
    private static final int STOP_SESSION_REPLY = 4;
    private static final int ECHO_REQUEST = 5;
    private static final int ECHO_REPLY = 6;
    private static final int OUT_CALL_REQUEST = 7;
    private static final int OUT_CALL_REPLY = 8;
    private static final int IN_CALL_REQUEST = 9;
    private static final int IN_CALL_REPLY = 10;
    private static final int IN_CALL_CONNECT = 11;
    private static final int CALL_CLEAR_REQUEST = 12;
    private static final int CALL_DISCONNECT_NOTIFY = 13;
    private static final int WAN_ERROR_NOTIFY = 14;
    private static final int SET_LINK_INFO = 15;
    /** pptp_msg_size: the body a message must have to be looked at (echo: none) */
    private static final int[] SIZE = {0, 144, 144, 4, 4, 0, 0, 156, 20, 208, 12, 16, 4, 136, 28, 12};
    private static final int MAGIC = 0x1A2B3C4D;

    private static final int SESSION_NONE = 0;
    private static final int SESSION_ERROR = 1;
    private static final int SESSION_STOPREQ = 2;
    private static final int SESSION_REQUESTED = 3;
    private static final int SESSION_CONFIRMED = 4;
    private static final int CALL_NONE = 0;
    private static final int CALL_OUT_REQ = 2;
    private static final int CALL_OUT_CONF = 3;
    private static final int CALL_IN_REQ = 4;
    private static final int CALL_IN_REP = 5;
    private static final int CALL_IN_CONF = 6;
    private static final int CALL_CLEAR_REQ = 7;

    private final CtHelpers helpers;
    private final Conntrack conntrack;
    private final ConntrackTable table;

    PptpHelper(CtHelpers helpers, Conntrack conntrack) {
        this.helpers = helpers;
        this.conntrack = conntrack;
        this.table = conntrack.table;
    }

    /** conntrack_pptp_help(): a control message, once the handshake is complete */
    int help(Skb skb, int ct, CtExt.Help h) {
        int ctinfo = skb.ctinfo;
        if (ctinfo != CtInfo.ESTABLISHED && ctinfo != CtInfo.ESTABLISHED_REPLY) {
            return Verdict.NF_ACCEPT;
        }
        byte[] b = skb.buf;
        int th = skb.l4;
        int end = skb.l3 + skb.len;
        if (end - th < Tcp.MIN_HEADER) {
            return Verdict.NF_ACCEPT;
        }
        int data = th + (((b[th + Tcp.DOFF] & 0xff) >>> 4) << 2);
        // pptp_pkt_hdr (length, packet type, magic cookie), PptpControlHeader (type, reserved)
        if (end - data < 12 || Ipv4.u16(b, data + 2) != 1 || Ipv4.i32(b, data + 4) != MAGIC) {
            return Verdict.NF_ACCEPT;
        }
        int msg = Ipv4.u16(b, data + 8);
        int req = data + 12;
        if (msg > 0 && msg < SIZE.length && end - req < SIZE[msg]) {
            return Verdict.NF_ACCEPT;
        }
        boolean nat = (table.status(ct) & CtStatus.NAT_MASK) != 0;
        if (CtInfo.dir(ctinfo) == 0) {
            return outbound(b, req, ct, h, msg) && nat ? natOutbound(skb, ct, h, msg, req) : Verdict.NF_ACCEPT;
        }
        return inbound(b, req, ct, h, msg) && nat ? natInbound(skb, ct, h, msg, req) : Verdict.NF_ACCEPT;
    }

    /** pptp_outbound_pkt(), PNS to PAC: false for a message out of place (nothing more done) */
    private boolean outbound(byte[] b, int req, int ct, CtExt.Help h, int msg) {
        switch (msg) {
            case START_SESSION_REQUEST -> {
                if (h.sstate != SESSION_NONE) {
                    return false;
                }
                h.sstate = SESSION_REQUESTED;
            }
            case STOP_SESSION_REQUEST -> h.sstate = SESSION_STOPREQ;
            case OUT_CALL_REQUEST -> {
                if (h.sstate != SESSION_CONFIRMED) {
                    return false;
                }
                h.cstate = CALL_OUT_REQ;
                h.pnsCallId = Ipv4.u16(b, req);
            }
            case IN_CALL_REPLY -> {
                if (h.cstate != CALL_IN_REQ && h.cstate != CALL_IN_REP || h.pacCallId != Ipv4.u16(b, req + 2)) {
                    return false;
                }
                if ((b[req + 4] & 0xff) == 1) { // PPTP_INCALL_ACCEPT
                    h.cstate = CALL_IN_REP;
                    h.pnsCallId = Ipv4.u16(b, req);
                } else {
                    h.cstate = CALL_NONE;
                }
            }
            case CALL_CLEAR_REQUEST -> {
                if (h.sstate != SESSION_CONFIRMED) {
                    return false;
                }
                h.cstate = CALL_CLEAR_REQ;
            }
            case SET_LINK_INFO, ECHO_REQUEST, ECHO_REPLY -> { }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** pptp_inbound_pkt(), PAC to PNS */
    private boolean inbound(byte[] b, int req, int ct, CtExt.Help h, int msg) {
        switch (msg) {
            case START_SESSION_REPLY -> {
                if (h.sstate < SESSION_REQUESTED) {
                    return false;
                }
                h.sstate = (b[req + 2] & 0xff) == 1 ? SESSION_CONFIRMED : SESSION_ERROR;
            }
            case STOP_SESSION_REPLY -> {
                if (h.sstate > SESSION_STOPREQ) {
                    return false;
                }
                h.sstate = (b[req] & 0xff) == 1 ? SESSION_NONE : SESSION_ERROR;
            }
            case OUT_CALL_REPLY -> {
                if (h.sstate != SESSION_CONFIRMED || h.cstate != CALL_OUT_REQ && h.cstate != CALL_OUT_CONF
                        || h.pnsCallId != Ipv4.u16(b, req + 2)) {
                    return false;
                }
                if ((b[req + 4] & 0xff) == 1) { // PPTP_OUTCALL_CONNECT
                    h.cstate = CALL_OUT_CONF;
                    h.pacCallId = Ipv4.u16(b, req);
                    expectGre(ct, h, h.pacCallId, h.pnsCallId);
                } else {
                    h.cstate = CALL_NONE;
                }
            }
            case IN_CALL_REQUEST -> {
                if (h.sstate != SESSION_CONFIRMED) {
                    return false;
                }
                h.cstate = CALL_IN_REQ;
                h.pacCallId = Ipv4.u16(b, req);
            }
            case IN_CALL_CONNECT -> {
                if (h.sstate != SESSION_CONFIRMED || h.cstate != CALL_IN_REP && h.cstate != CALL_IN_CONF
                        || h.pnsCallId != Ipv4.u16(b, req)) {
                    return false;
                }
                h.cstate = CALL_IN_CONF;
                expectGre(ct, h, h.pacCallId, h.pnsCallId);
            }
            case CALL_DISCONNECT_NOTIFY -> {
                h.cstate = CALL_NONE;
                destroySiblings(ct, h);
            }
            case WAN_ERROR_NOTIFY, SET_LINK_INFO, ECHO_REQUEST, ECHO_REPLY -> { }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * nf_nat_pptp's outbound: an Outgoing-Call-Request's call id becomes the masqueraded TCP
     * source port (there is no call id reservation), remembered as the PNS's; an
     * Incoming-Call-Reply's and a Call-Clear-Request's call id become that too.
     */
    private int natOutbound(Skb skb, int ct, CtExt.Help h, int msg, int req) {
        switch (msg) {
            case OUT_CALL_REQUEST -> {
                h.natPnsCallId = h.pnsCallId;
                h.pnsCallId = Tuple.dport(table.k2(ct, 1));
            }
            case IN_CALL_REPLY, CALL_CLEAR_REQUEST -> { }
            default -> {
                return Verdict.NF_ACCEPT;
            }
        }
        helpers.mangle(skb, ct, 0, req, 2, callId(h.pnsCallId));
        return Verdict.NF_ACCEPT;
    }

    /**
     * nf_nat_pptp's inbound: the peer's call id of an Outgoing-Call-Reply, Incoming-Call-Connected,
     * WAN-Error-Notify and Set-Link-Info, and the call id of a Call-Disconnect-Notify, become the
     * PNS's own call id again
     */
    private int natInbound(Skb skb, int ct, CtExt.Help h, int msg, int req) {
        int off;
        switch (msg) {
            case OUT_CALL_REPLY -> off = 2;
            case IN_CALL_CONNECT, WAN_ERROR_NOTIFY, CALL_DISCONNECT_NOTIFY, SET_LINK_INFO -> off = 0;
            default -> {
                return Verdict.NF_ACCEPT;
            }
        }
        helpers.mangle(skb, ct, 1, req + off, 2, callId(h.natPnsCallId));
        return Verdict.NF_ACCEPT;
    }

    private static byte[] callId(int id) {
        return new byte[] {(byte) (id >>> 8), (byte) id};
    }

    /**
     * exp_gre(): GRE from the PNS to the PAC (keys: peer's call id, call id) and back, each with
     * pptp_expectfn; NATed, the keys are the ones each side sees (pptp_exp_gre); then the two
     * keymaps. Failing at any step leaves nothing behind.
     */
    private void expectGre(int ct, CtExt.Help h, int callId, int peerCallId) {
        CtExt.Expect orig = greExpect(ct, 0, peerCallId, callId);
        CtExt.Expect reply = greExpect(ct, 1, callId, peerCallId);
        if ((table.status(ct) & CtStatus.NAT_MASK) != 0) {
            h.natPacCallId = h.pacCallId;
            orig.savedPort = h.pnsCallId;
            orig.sport = h.natPnsCallId;
            orig.dport = h.pacCallId;
            orig.dir = 0;
            reply.savedPort = h.natPnsCallId;
            reply.sport = h.natPacCallId;
            reply.dport = h.pnsCallId;
            reply.dir = 1;
        }
        CtExt x = table.ext;
        if (helpers.related(orig, h) != 0) {
            return;
        }
        if (helpers.related(reply, h) != 0) {
            x.unlink(orig);
            return;
        }
        if (!keymapAdd(ct, 0, orig)) {
            x.unlink(reply); // the keymaps stay as they were
            x.unlink(orig);
        } else if (!keymapAdd(ct, 1, reply)) {
            x.greKeymapDestroy(ct);
            x.unlink(reply);
            x.unlink(orig);
        }
    }

    private CtExt.Expect greExpect(int ct, int dir, int srcKey, int dstKey) {
        long k1 = table.k1(ct, dir);
        CtExt.Expect e = new CtExt.Expect();
        e.master = ct;
        e.src = Tuple.src(k1);
        e.dst = Tuple.dst(k1);
        e.sport = srcKey;
        e.sportMask = 0xffff;
        e.dport = dstKey;
        e.proto = 47;
        e.zone = Tuple.zone(table.k2(ct, 0));
        e.pptp = true;
        return e;
    }

    /** nf_ct_gre_keymap_add(): one per direction; the same again is fine, another is refused */
    private boolean keymapAdd(int ct, int dir, CtExt.Expect e) {
        CtExt x = table.ext;
        long k1 = Tuple.k1(e.src, e.dst);
        for (CtExt.GreKeymap km : x.greKeymaps) {
            if (km.master() == ct && km.dir() == dir) {
                return km.k1() == k1 && km.dstKey() == e.dport;
            }
        }
        x.greKeymaps.add(new CtExt.GreKeymap(ct, dir, k1, e.sport, e.dport));
        return true;
    }

    /**
     * pptp_expectfn(), for the GRE entry {@code ct} that fulfilled {@code e}: NATed, the other
     * direction's expectation goes (for the PNS's side only: see below) and the entry gets the
     * keys each side knows (pptp_nat_expected); otherwise only the other direction's
     * expectation goes. (Its
     * PPTP_GRE_TIMEOUT / STREAM timeouts are overwritten by the GRE tracker's first packet.)
     */
    void expected(CtExt.Expect e, int ct) {
        int m = e.master;
        CtExt.Help h = table.ext.help(m);
        if ((table.status(m) & CtStatus.NAT_MASK) == 0 || h == null) {
            unexpect(e.dst, e.src, e.dport, e.sport, e.zone);
            return;
        }
        int other = 1 - e.dir;
        long k1 = table.k1(m, other);
        if (e.dir == 0) {
            unexpect(Tuple.src(k1), Tuple.dst(k1), h.pacCallId, h.pnsCallId, e.zone);
        } else {
            // the kernel reads these keys from the NEW entry's (empty) NAT extension, not the
            // master's: keys 0, so the PNS's expectation normally stays (recorded)
            unexpect(Tuple.src(k1), Tuple.dst(k1), 0, 0, e.zone);
        }
        int src = Tuple.dst(k1);
        int flags = NatRange.MAP_IPS | (e.dir == 0 ? NatRange.PROTO_SPECIFIED : 0);
        helpers.nat.setupInfo(ct, flags, src, src, e.savedPort, e.savedPort, e.savedPort, Manip.SRC);
        int dst = Tuple.src(k1);
        flags = NatRange.MAP_IPS | (e.dir == 1 ? NatRange.PROTO_SPECIFIED : 0);
        helpers.nat.setupInfo(ct, flags, dst, dst, e.savedPort, e.savedPort, e.savedPort, Manip.DST);
    }

    /** nf_ct_expect_find_get() + nf_ct_unexpect_related(): the expectation this tuple fits, if any */
    private boolean unexpect(int src, int dst, int sport, int dport, int zone) {
        CtExt x = table.ext;
        for (CtExt.Expect o : x.expects) {
            if ((src & o.srcMask) == o.src && dst == o.dst && (sport & o.sportMask) == o.sport && dport == o.dport
                    && o.proto == 47 && o.zone == zone) {
                x.unlink(o);
                return true;
            }
        }
        return false;
    }

    /**
     * pptp_destroy_siblings(), at a Call-Disconnect-Notify and when the control connection's
     * entry is deleted (the helper's destroy): the keymaps go; the call's GRE entry (looked up by
     * the master's original tuple with the PNS's and PAC's call ids, then by its reply tuple
     * with them swapped) is killed, or else the expectation for that tuple removed
     */
    void destroySiblings(int ct, CtExt.Help h) {
        table.ext.greKeymapDestroy(ct);
        destroySiblingOrExpect(table.k1(ct, 0), h.pnsCallId, h.pacCallId, Tuple.zone(table.k2(ct, 0)));
        destroySiblingOrExpect(table.k1(ct, 1), h.pacCallId, h.pnsCallId, Tuple.zone(table.k2(ct, 1)));
    }

    private void destroySiblingOrExpect(long k1, int srcKey, int dstKey, int zone) {
        int node = conntrack.findLive(k1, Tuple.k2(srcKey, dstKey, 47, zone));
        if (node >= 0) {
            conntrack.delete(node >>> 1, false);
            return;
        }
        unexpect(Tuple.src(k1), Tuple.dst(k1), srcKey, dstKey, zone);
    }
}
