package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * SCTP (nf_conntrack_proto_sctp.c, Linux 6.18): an association's state moves chunk by chunk
 * through a per-direction table (INIT, INIT-ACK, ABORT, SHUTDOWN, SHUTDOWN-ACK, ERROR,
 * COOKIE-ECHO, COOKIE-ACK, SHUTDOWN-COMPLETE, HEARTBEAT, HEARTBEAT-ACK; DATA, SACK and the rest
 * leave it), guarded by the verification tags the INIT and INIT-ACK announced; ESTABLISHED makes
 * the entry ASSURED; each state arms its own timeout. A bad CRC32c (checked in PREROUTING when
 * nf_conntrack_checksum is on), a malformed chunk list or a failed tag check make the packet
 * INVALID.
 *
 * <p>Per entry: l4state = state (bits 0-3), INIT seen per direction (bits 4, 5), heartbeat tag
 * failure (bit 6) and its direction (bit 7); l4aux = the two verification tags (original low).
 */
public final class SctpTracker implements L4Tracker {
    public static final int NONE = 0, CLOSED = 1, COOKIE_WAIT = 2, COOKIE_ECHOED = 3, ESTABLISHED = 4,
            SHUTDOWN_SENT = 5, SHUTDOWN_RECD = 6, SHUTDOWN_ACK_SENT = 7, HEARTBEAT_SENT = 8;
    private static final int IV = 9;

    public static final String[] NAMES = {"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
        "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT"};

    private static final CtTimeout[] TIMEOUT = {CtTimeout.SCTP_CLOSED, CtTimeout.SCTP_CLOSED,
        CtTimeout.SCTP_COOKIE_WAIT, CtTimeout.SCTP_COOKIE_ECHOED, CtTimeout.SCTP_ESTABLISHED,
        CtTimeout.SCTP_SHUTDOWN_SENT, CtTimeout.SCTP_SHUTDOWN_RECD, CtTimeout.SCTP_SHUTDOWN_ACK_SENT,
        CtTimeout.SCTP_HEARTBEAT_SENT};

    private static final int CID_DATA = 0, CID_INIT = 1, CID_INIT_ACK = 2, CID_SACK = 3, CID_HEARTBEAT = 4,
            CID_HEARTBEAT_ACK = 5, CID_ABORT = 6, CID_SHUTDOWN = 7, CID_SHUTDOWN_ACK = 8, CID_ERROR = 9,
            CID_COOKIE_ECHO = 10, CID_COOKIE_ACK = 11, CID_SHUTDOWN_COMPLETE = 14;
    private static final int FLAG_T = 1;

    private static final int NO = NONE, CL = CLOSED, CW = COOKIE_WAIT, CE = COOKIE_ECHOED, ES = ESTABLISHED,
            SS = SHUTDOWN_SENT, SR = SHUTDOWN_RECD, SA = SHUTDOWN_ACK_SENT, HS = HEARTBEAT_SENT;

    /** [dir][row][old state]; rows in the order of {@link #row} */
    private static final int[][][] NEXT = {
        { // original direction; columns NO CL CW CE ES SS SR SA HS
            {CL, CL, CW, CE, ES, CL, CL, SA, CW}, // INIT
            {CL, CL, CW, CE, ES, SS, SR, SA, CL}, // INIT-ACK
            {CL, CL, CL, CL, CL, CL, CL, CL, CL}, // ABORT
            {CL, CL, CW, CE, SS, SS, SR, SA, CL}, // SHUTDOWN
            {SA, CL, CW, CE, ES, SA, SA, SA, SA}, // SHUTDOWN-ACK
            {CL, CL, CW, CE, ES, SS, SR, SA, CL}, // ERROR
            {CL, CL, CE, CE, ES, SS, SR, SA, CL}, // COOKIE-ECHO
            {CL, CL, CW, ES, ES, SS, SR, SA, CL}, // COOKIE-ACK
            {CL, CL, CW, CE, ES, SS, SR, CL, CL}, // SHUTDOWN-COMPLETE
            {HS, CL, CW, CE, ES, SS, SR, SA, HS}, // HEARTBEAT
            {CL, CL, CW, CE, ES, SS, SR, SA, HS}, // HEARTBEAT-ACK
        },
        { // reply direction
            {IV, CL, CW, CE, ES, SS, SR, SA, IV},
            {IV, CW, CW, CE, ES, SS, SR, SA, IV},
            {IV, CL, CL, CL, CL, CL, CL, CL, IV},
            {IV, CL, CW, CE, SR, SS, SR, SA, IV},
            {IV, CL, CW, CE, ES, SA, SA, SA, IV},
            {IV, CL, CW, CL, ES, SS, SR, SA, IV},
            {IV, CL, CE, CE, ES, SS, SR, SA, IV},
            {IV, CL, CW, ES, ES, SS, SR, SA, IV},
            {IV, CL, CW, CE, ES, SS, SR, CL, IV},
            {IV, CL, CW, CE, ES, SS, SR, SA, HS},
            {IV, CL, CW, CE, ES, SS, SR, SA, ES},
        }};

    /** the table row of a chunk type; -1: the chunk does not move the state */
    private static int row(int type) {
        return switch (type) {
            case CID_INIT -> 0;
            case CID_INIT_ACK -> 1;
            case CID_ABORT -> 2;
            case CID_SHUTDOWN -> 3;
            case CID_SHUTDOWN_ACK -> 4;
            case CID_ERROR -> 5;
            case CID_COOKIE_ECHO -> 6;
            case CID_COOKIE_ACK -> 7;
            case CID_SHUTDOWN_COMPLETE -> 8;
            case CID_HEARTBEAT -> 9;
            case CID_HEARTBEAT_ACK -> 10;
            default -> -1;
        };
    }

    private static int next(int dir, int state, int type) {
        int r = row(type);
        return r < 0 ? state : NEXT[dir][r][state];
    }

    @Override
    public int protocol() {
        return 132;
    }

    @Override
    public String name() {
        return "sctp";
    }

    /** the state of an entry (l4state's low bits), for printing */
    public static int state(int l4state) {
        return l4state & 0xf;
    }

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        byte[] b = skb.buf;
        int h = skb.l4;
        int end = skb.l3 + skb.len;
        if (end - h < 12) {
            return -Verdict.NF_ACCEPT; // short packet
        }
        if (hook == Hooks.PRE_ROUTING && c.config.checksum && !crcValid(b, h, end)) {
            return -Verdict.NF_ACCEPT; // bad CRC
        }
        // do_basic_checks(): the chunk list, and which types it holds
        long map0 = 0; // chunk types 0-63 (the ones the checks ask about)
        int count = 0;
        boolean only = false;
        for (int off = h + 12; off + 4 <= end; count++) {
            int type = b[off] & 0xff;
            int len = Ipv4.u16(b, off + 2);
            if (type == CID_INIT || type == CID_INIT_ACK || type == CID_SHUTDOWN_COMPLETE) {
                only = true;
            }
            if (((type == CID_COOKIE_ACK || type == CID_COOKIE_ECHO || only) && count != 0) || len == 0) {
                return -Verdict.NF_ACCEPT;
            }
            if (type < 64) {
                map0 |= 1L << type;
            }
            off += (len + 3) & ~3;
        }
        if (count == 0) {
            return -Verdict.NF_ACCEPT;
        }
        int vtag = Ipv4.i32(b, h + 4);
        int dir = CtInfo.dir(ctinfo);
        int st = c.status(ct);
        int l4 = c.l4state(ct) & 0xff;
        long tags = c.l4aux(ct);
        if ((st & CtStatus.CONFIRMED) == 0) {
            if (has(map0, CID_ABORT) || has(map0, CID_SHUTDOWN_COMPLETE) || has(map0, CID_COOKIE_ACK)) {
                return -Verdict.NF_ACCEPT; // out of the blue: discard (RFC 4960 8.4)
            }
            // sctp_new(): every chunk must be able to open an entry; the tags it announces
            l4 = 0;
            tags = 0;
            for (int off = h + 12; off + 4 <= end; ) {
                int type = b[off] & 0xff;
                int ns = next(0, NONE, type);
                if (ns == NONE || ns == IV) {
                    return -Verdict.NF_ACCEPT;
                }
                if (type == CID_INIT) {
                    if (vtag != 0 || off + 8 > end) {
                        return -Verdict.NF_ACCEPT;
                    }
                    tags = withTag(tags, 1, Ipv4.i32(b, off + 4));
                } else if (type == CID_HEARTBEAT) {
                    tags = withTag(tags, 0, vtag);
                } else if (type == CID_SHUTDOWN_ACK) {
                    tags = withTag(tags, 1, vtag);
                }
                off += (Ipv4.u16(b, off + 2) + 3) & ~3;
            }
        }
        // the verification tag (RFC 4960 8.5), unless a chunk with rules of its own is there
        if (!has(map0, CID_INIT) && !has(map0, CID_SHUTDOWN_COMPLETE) && !has(map0, CID_COOKIE_ECHO)
                && !has(map0, CID_ABORT) && !has(map0, CID_SHUTDOWN_ACK) && !has(map0, CID_HEARTBEAT)
                && !has(map0, CID_HEARTBEAT_ACK) && vtag != tag(tags, dir)) {
            return -Verdict.NF_ACCEPT;
        }
        int oldState = NONE;
        int newState = NONE;
        boolean ignore = false;
        int state = l4 & 0xf;
        boolean[] init = {(l4 & 0x10) != 0, (l4 & 0x20) != 0};
        boolean hbFailed = (l4 & 0x40) != 0;
        int lastDir = (l4 >>> 7) & 1;
        for (int off = h + 12; off + 4 <= end; ) {
            int type = b[off] & 0xff;
            int flags = b[off + 1] & 0xff;
            int next = off + ((Ipv4.u16(b, off + 2) + 3) & ~3);
            switch (type) {
                case CID_INIT -> {
                    if (vtag != 0) {
                        return -Verdict.NF_ACCEPT;
                    }
                }
                case CID_ABORT, CID_SHUTDOWN_COMPLETE -> {
                    int want = (flags & FLAG_T) == 0 ? tag(tags, dir) : tag(tags, 1 - dir);
                    if (vtag != want) {
                        return -Verdict.NF_ACCEPT;
                    }
                }
                case CID_COOKIE_ECHO -> {
                    if (vtag != tag(tags, dir)) {
                        return -Verdict.NF_ACCEPT;
                    }
                }
                case CID_COOKIE_ACK -> {
                    init[0] = false;
                    init[1] = false;
                }
                case CID_HEARTBEAT -> {
                    if (tag(tags, dir) == 0) {
                        tags = withTag(tags, dir, vtag);
                    } else if (vtag != tag(tags, dir)) {
                        if (has(map0, CID_DATA) || ignore) {
                            return -Verdict.NF_ACCEPT;
                        }
                        hbFailed = true;
                        lastDir = dir;
                        ignore = true;
                        off = next;
                        continue;
                    } else {
                        hbFailed = false;
                    }
                }
                case CID_HEARTBEAT_ACK -> {
                    if (tag(tags, dir) == 0) {
                        tags = withTag(tags, dir, vtag);
                    } else if (vtag != tag(tags, dir)) {
                        if (has(map0, CID_DATA) || ignore || !hbFailed || lastDir == dir) {
                            return -Verdict.NF_ACCEPT;
                        }
                        hbFailed = false;
                        tags = withTag(withTag(tags, dir, vtag), 1 - dir, 0);
                    } else {
                        hbFailed = false;
                    }
                }
                default -> { }
            }
            oldState = state;
            newState = next(dir, oldState, type);
            if (newState == IV) {
                return -Verdict.NF_ACCEPT;
            }
            if (type == CID_INIT) {
                if (off + 8 > end) {
                    return -Verdict.NF_ACCEPT;
                }
                int initTag = Ipv4.i32(b, off + 4);
                // a retransmitted or stale INIT carrying the peer's known tag is not recorded
                if (oldState == NONE || tag(tags, 1 - dir) != initTag) {
                    if (init[dir] && init[1 - dir]) {
                        init[1 - dir] = false;
                    }
                    init[dir] = true;
                }
                tags = withTag(tags, 1 - dir, initTag);
                // an INIT on a closed entry does not keep it (and its NAT) alive
                if (newState == CLOSED && oldState == CLOSED && (st & CtStatus.CONFIRMED) != 0) {
                    ignore = true;
                }
            } else if (type == CID_INIT_ACK) {
                if (off + 8 > end) {
                    return -Verdict.NF_ACCEPT;
                }
                int initTag = Ipv4.i32(b, off + 4);
                int peer = tag(tags, 1 - dir);
                if (!init[1 - dir] && peer != 0 && peer != initTag) {
                    return -Verdict.NF_ACCEPT;
                }
                if (init[dir] && init[1 - dir] && peer != initTag) {
                    return -Verdict.NF_ACCEPT; // collision
                }
                tags = withTag(tags, 1 - dir, initTag);
            }
            state = newState;
            if (oldState != newState) {
                c.eventCache(ct, CtEvent.PROTOINFO);
                if (newState == ESTABLISHED && (c.status(ct) & CtStatus.ASSURED) == 0) {
                    c.setStatus(ct, CtStatus.ASSURED);
                    c.eventCache(ct, CtEvent.ASSURED);
                }
            }
            off = next;
        }
        c.setL4state(ct, state | (init[0] ? 0x10 : 0) | (init[1] ? 0x20 : 0) | (hbFailed ? 0x40 : 0) | lastDir << 7);
        c.setL4aux(ct, tags);
        if (ignore) {
            return Verdict.NF_ACCEPT; // allowed, timeout not refreshed
        }
        c.refreshAcct(ct, ctinfo, skb, c.config.timeout(TIMEOUT[newState]));
        return Verdict.NF_ACCEPT;
    }

    private static boolean has(long map, int type) {
        return (map & 1L << type) != 0;
    }

    private static int tag(long tags, int dir) {
        return (int) (dir == 0 ? tags : tags >>> 32);
    }

    private static long withTag(long tags, int dir, int tag) {
        return dir == 0 ? tags & 0xffff_ffff_0000_0000L | tag & 0xffff_ffffL
                : tags & 0xffff_ffffL | (long) tag << 32;
    }

    /** the CRC32c over the packet with the checksum field as zero, stored little-endian */
    static boolean crcValid(byte[] b, int h, int end) {
        return Integer.reverseBytes(Ipv4.i32(b, h + 8)) == crc(b, h, end);
    }

    private static final byte[] ZERO = new byte[4];
    private static final ThreadLocal<java.util.zip.CRC32C> CRC = ThreadLocal.withInitial(java.util.zip.CRC32C::new);

    /** sctp_compute_cksum() */
    public static int crc(byte[] b, int h, int end) {
        java.util.zip.CRC32C c = CRC.get();
        c.reset();
        c.update(b, h, 8);
        c.update(ZERO, 0, 4);
        c.update(b, h + 12, end - h - 12);
        return (int) c.getValue();
    }
}
