package dev.hairpin.conntrack.proto;

import static dev.hairpin.conntrack.TcpState.CLOSE;
import static dev.hairpin.conntrack.TcpState.CLOSE_WAIT;
import static dev.hairpin.conntrack.TcpState.ESTABLISHED;
import static dev.hairpin.conntrack.TcpState.FIN_WAIT;
import static dev.hairpin.conntrack.TcpState.LAST_ACK;
import static dev.hairpin.conntrack.TcpState.NONE;
import static dev.hairpin.conntrack.TcpState.SYN_RECV;
import static dev.hairpin.conntrack.TcpState.SYN_SENT;
import static dev.hairpin.conntrack.TcpState.SYN_SENT2;
import static dev.hairpin.conntrack.TcpState.TIME_WAIT;
import static dev.hairpin.conntrack.TcpConn.EXP_CHALLENGE_ACK;
import static dev.hairpin.conntrack.TcpConn.FLAG_BE_LIBERAL;
import static dev.hairpin.conntrack.TcpConn.FLAG_CLOSE_INIT;
import static dev.hairpin.conntrack.TcpConn.FLAG_DATA_UNACKNOWLEDGED;
import static dev.hairpin.conntrack.TcpConn.FLAG_MAXACK_SET;
import static dev.hairpin.conntrack.TcpConn.FLAG_SACK_PERM;
import static dev.hairpin.conntrack.TcpConn.FLAG_WINDOW_SCALE;
import static dev.hairpin.conntrack.TcpConn.SIMULTANEOUS_OPEN;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtTimeout;
import dev.hairpin.conntrack.TcpConn;
import dev.hairpin.conntrack.TcpState;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

/**
 * TCP connection tracking (net/netfilter/nf_conntrack_proto_tcp.c, Linux 6.18): validates each
 * segment ({@code tcp_error}), decides which first segments may make an entry ({@code tcp_new}),
 * walks the state table, checks that segments fall in the window each side advertised
 * ({@code tcp_in_window}, after Guido van Rooij's "Real Stateful TCP Packet Filtering") and picks
 * the timeout the new state arms.
 *
 * <p>Sequence numbers are u32 in the kernel: here they are ints compared with
 * {@link #before}/{@link #after} (serial arithmetic) and windows compared unsigned.
 *
 * <p>Not ported: NAT sequence adjustment ({@code nf_ct_seq_offset}, only non-zero with helpers
 * that resize payloads), SYN proxy, per-entry timeout policies, the
 * {@code nf_conntrack_tcp_no_window_check} sysctl and the log_invalid messages.
 */
public final class TcpTracker implements L4Tracker {
    /** enum tcp_bit_set: what a segment is, for the state table */
    static final int SYN_SET = 0;
    static final int SYNACK_SET = 1;
    static final int FIN_SET = 2;
    static final int ACK_SET = 3;
    static final int RST_SET = 4;
    static final int NONE_SET = 5;

    /** TCP_CONNTRACK_MAX in the table: the segment is invalid in that state */
    static final int IV = TcpState.MAX;
    /** TCP_CONNTRACK_IGNORE: let it pass, change nothing, remember it */
    static final int IG = TcpState.MAX + 1;

    private static final int NO = NONE;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int ES = ESTABLISHED;
    private static final int FW = FIN_WAIT;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int S2 = SYN_SENT2;

    /**
     * tcp_conntracks[dir][index][old state] of the modern kernel. Rows: syn, synack, fin, ack,
     * rst, none; columns: NO SS SR ES FW CW LA TW CL S2.
     */
    private static final byte[][][] TABLE = {
        { // ORIGINAL
            {SS, SS, IG, IG, IG, IG, IG, SS, SS, S2}, // syn: TW/CL -> SS is a reopen (RFC 1122)
            {IV, IV, SR, IV, IV, IV, IV, IV, IV, SR}, // synack: only in simultaneous open
            {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV}, // fin
            {ES, IV, ES, ES, CW, CW, TW, TW, CL, IV}, // ack: NO -> ES is a pickup
            {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL}, // rst
            {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}, // none
        },
        { // REPLY
            {IV, S2, IV, IV, IV, IV, IV, SS, IV, S2}, // syn: SS -> S2 simultaneous open; TW -> SS role switch
            {IV, SR, IG, IG, IG, IG, IG, IG, IG, SR}, // synack
            {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV}, // fin
            {IV, IG, SR, ES, CW, CW, TW, TW, CL, IG}, // ack: SS -> IG may be a half-open connection
            {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL}, // rst
            {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}, // none
        },
    };

    /** {@link #TABLE} flattened: [dir * 60 + index * 10 + state] */
    private static final byte[] TRANSITIONS = new byte[2 * 6 * TcpState.MAX];

    static {
        for (int dir = 0; dir < 2; dir++) {
            for (int index = 0; index < 6; index++) {
                System.arraycopy(TABLE[dir][index], 0, TRANSITIONS, (dir * 6 + index) * TcpState.MAX, TcpState.MAX);
            }
        }
    }

    private static int next(int dir, int index, int state) {
        return TRANSITIONS[(dir * 6 + index) * TcpState.MAX + state];
    }

    /**
     * tcp_valid_flags[]: bit n set when the flag byte n (with PSH, ECE and CWR masked out) is a
     * valid combination: SYN, SYN|URG, SYN|ACK, RST, RST|ACK, FIN|ACK, FIN|ACK|URG, ACK, ACK|URG.
     */
    private static final long VALID_FLAGS = bit(TcpHeader.SYN) | bit(TcpHeader.SYN | TcpHeader.URG)
            | bit(TcpHeader.SYN | TcpHeader.ACK) | bit(TcpHeader.RST) | bit(TcpHeader.RST | TcpHeader.ACK)
            | bit(TcpHeader.FIN | TcpHeader.ACK) | bit(TcpHeader.FIN | TcpHeader.ACK | TcpHeader.URG)
            | bit(TcpHeader.ACK) | bit(TcpHeader.ACK | TcpHeader.URG);

    private static long bit(int n) {
        return 1L << n;
    }

    /** MAXACKWINCONST */
    static final int MAX_ACK_WIN_CONST = 66000;
    /** nf_tcp_handle_invalid only shortens timeouts of at least this much */
    static final long HANDLE_INVALID_MIN_NS = 120 * CtConfig.NS;

    /** enum nf_ct_tcp_action */
    static final int ACT_IGNORE = 0;
    static final int ACT_INVALID = 1;
    static final int ACT_ACCEPT = 2;

    @Override
    public int protocol() {
        return Ipv4.PROTO_TCP;
    }

    @Override
    public String name() {
        return "tcp";
    }

    // ---------------------------------------------------------------- serial arithmetic

    /** before(a, b): a comes before b in 32-bit sequence space */
    static boolean before(int a, int b) {
        return a - b < 0;
    }

    static boolean after(int a, int b) {
        return b - a < 0;
    }

    /** get_conntrack_index() */
    static int index(int flags) {
        if ((flags & TcpHeader.RST) != 0) {
            return RST_SET;
        }
        if ((flags & TcpHeader.SYN) != 0) {
            return (flags & TcpHeader.ACK) != 0 ? SYNACK_SET : SYN_SET;
        }
        if ((flags & TcpHeader.FIN) != 0) {
            return FIN_SET;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            return ACK_SET;
        }
        return NONE_SET;
    }

    /** the state table, for tests and tools: -1 for invalid, -2 for ignore */
    static int transition(int dir, int index, int state) {
        int s = next(dir, index, state);
        return s == IV ? -1 : s == IG ? -2 : s;
    }

    /** segment_seq_plus_len(): seq + payload + one for SYN and one for FIN */
    private static int end(byte[] b, int th, int seq, int tcplen, int flags) {
        return seq + tcplen - TcpHeader.doffBytes(b, th) + (flags & TcpHeader.SYN) / TcpHeader.SYN
                + (flags & TcpHeader.FIN);
    }

    // ---------------------------------------------------------------- tcp_error

    /** tcp_error(): true when the segment is malformed (truncated, bad checksum, bad flags) */
    static boolean error(Conntrack c, Skb skb, int tcplen, int hook) {
        byte[] b = skb.buf;
        int th = skb.l4;
        int doff = TcpHeader.doffBytes(b, th);
        if (doff < TcpHeader.MIN_LEN || tcplen < doff) {
            return true; // truncated packet
        }
        if (c.config.checksum && hook == Hooks.PRE_ROUTING && !skb.csumValid && !skb.csumPartial
                && !Checksum.verifyTransport(b, skb.l3, th, tcplen)) {
            return true; // bad checksum
        }
        int flags = TcpHeader.flags(b, th) & ~(TcpHeader.ECE | TcpHeader.CWR | TcpHeader.PSH);
        return (VALID_FLAGS & bit(flags)) == 0; // invalid tcp flag combination
    }

    // ---------------------------------------------------------------- tcp_new

    /**
     * tcp_new(): may this first segment make an entry? A SYN opens (SYN_SENT); with
     * nf_conntrack_tcp_loose an ACK picks a connection up in the middle, window tracking
     * liberal in both directions since its history (and window scale) is unknown.
     */
    private static boolean tcpNew(Conntrack c, TcpConn t, Skb skb, int tcplen) {
        byte[] b = skb.buf;
        int th = skb.l4;
        int flags = TcpHeader.flags(b, th);
        int newState = next(0, index(flags), NONE);
        if (newState >= TcpState.MAX) {
            return false; // invalid new
        }
        TcpConn.Seen s0 = t.seen[0];
        if (newState == SYN_SENT) {
            t.reset();
            s0.tdEnd = end(b, th, TcpHeader.seq(b, th), tcplen, flags);
            s0.tdMaxWin = Math.max(1, TcpHeader.window(b, th));
            s0.tdMaxEnd = s0.tdEnd;
            applyOptions(s0, TcpHeader.options(b, th));
        } else if (!c.config.tcpLoose) {
            return false; // don't pick up connections
        } else {
            t.reset();
            s0.tdEnd = end(b, th, TcpHeader.seq(b, th), tcplen, flags);
            s0.tdMaxWin = Math.max(1, TcpHeader.window(b, th));
            s0.tdMaxEnd = s0.tdEnd + s0.tdMaxWin;
            s0.flags = FLAG_SACK_PERM | FLAG_BE_LIBERAL;
            t.seen[1].flags = FLAG_SACK_PERM | FLAG_BE_LIBERAL;
        }
        t.lastIndex = NONE_SET; // the packet path sets it
        return true;
    }

    /** stores what {@link TcpHeader#options} found; no options leave the state as it was */
    private static void applyOptions(TcpConn.Seen s, int opts) {
        if (opts < 0) {
            return;
        }
        s.tdScale = opts >>> 8;
        s.flags = (s.flags & FLAG_BE_LIBERAL) | (opts & (FLAG_WINDOW_SCALE | FLAG_SACK_PERM));
    }

    // ---------------------------------------------------------------- nf_conntrack_tcp_packet

    @Override
    public int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook) {
        byte[] b = skb.buf;
        int th = skb.l4;
        int tcplen = skb.len - (skb.l4 - skb.l3);
        if (tcplen < TcpHeader.MIN_LEN) {
            return -Verdict.NF_ACCEPT; // no whole header to read
        }
        if (error(c, skb, tcplen, hook)) {
            return -Verdict.NF_ACCEPT;
        }
        TcpConn t = c.tcp(ct);
        if (!c.isConfirmed(ct) && !tcpNew(c, t, skb, tcplen)) {
            return -Verdict.NF_ACCEPT;
        }
        int flags = TcpHeader.flags(b, th);
        int state = c.l4state(ct);
        int oldState = state;
        int dir = CtInfo.dir(ctinfo);
        int index = index(flags);
        int newState = next(dir, index, oldState);
        boolean skipWindow = false;

        switch (newState) {
            case SYN_SENT:
                if (oldState < TIME_WAIT) {
                    break;
                }
                // reopen from TIME_WAIT/CLOSE (RFC 1122), or a client that aborted and starts over
                if (((t.seen[dir].flags | t.seen[1 - dir].flags) & FLAG_CLOSE_INIT) != 0
                        || (t.lastDir == dir && t.lastIndex == RST_SET)) {
                    // delete this entry and look the packet up again, when we can kill it
                    return c.delete(ct, false) ? -Verdict.NF_REPEAT : Verdict.NF_DROP;
                }
                // fall through
            case IG:
                if (index == SYNACK_SET && t.lastIndex == SYN_SET && t.lastDir != dir
                        && TcpHeader.ackSeq(b, th) == t.lastEnd) {
                    // this SYN/ACK answers a SYN we ignored: both ends are in sync, we are not;
                    // take the ignored SYN's values as the opening
                    oldState = SYN_SENT;
                    newState = SYN_RECV;
                    TcpConn.Seen last = t.seen[t.lastDir];
                    last.tdEnd = t.lastEnd;
                    last.tdMaxEnd = t.lastEnd;
                    last.tdMaxWin = t.lastWin == 0 ? 1 : t.lastWin;
                    last.tdScale = t.lastWscale;
                    t.lastFlags &= ~EXP_CHALLENGE_ACK;
                    last.flags = t.lastFlags;
                    stateReset(t.seen[dir]);
                    break;
                }
                ignore(t, b, th, tcplen, flags, index, dir, oldState);
                return Verdict.NF_ACCEPT;
            case IV:
                return -Verdict.NF_ACCEPT; // invalid in this state
            case TIME_WAIT:
                // an RFC 5961 challenge ACK drawn by a SYN we ignored in LAST_ACK does not ack the FIN
                if (oldState == LAST_ACK && index == ACK_SET && t.lastDir != dir && t.lastIndex == SYN_SET
                        && (t.lastFlags & EXP_CHALLENGE_ACK) != 0) {
                    t.lastFlags &= ~EXP_CHALLENGE_ACK;
                    return Verdict.NF_ACCEPT; // challenge-ack ignored, state unchanged
                }
                break;
            case SYN_SENT2:
                t.lastFlags |= SIMULTANEOUS_OPEN; // the table alone can't follow simultaneous open
                break;
            case SYN_RECV:
                if (dir == 1 && index == ACK_SET && (t.lastFlags & SIMULTANEOUS_OPEN) != 0) {
                    newState = ESTABLISHED;
                }
                break;
            case CLOSE:
                if (index != RST_SET) {
                    break;
                }
                if (canEarlyDrop(state)) {
                    // closing: the tuple may be in use again, the sequence data is stale
                    skipWindow = true;
                    break;
                }
                TcpConn.Seen peer = t.seen[1 - dir];
                // td_maxack may be stale if a SYN went through earlier
                if ((peer.flags & FLAG_MAXACK_SET) != 0 && t.lastIndex != SYN_SET) {
                    int seq = TcpHeader.seq(b, th);
                    boolean established = state == ESTABLISHED && (c.status(ct) & CtStatus.ASSURED) != 0;
                    if (seq == 0 && !established) {
                        break; // most likely the answer to a SYN we let through
                    }
                    if (before(seq, peer.tdMaxAck) && !c.config.tcpIgnoreInvalidRst) {
                        return -Verdict.NF_ACCEPT; // invalid rst
                    }
                    if (!established || seq == peer.tdMaxAck) {
                        break;
                    }
                    // a RST right after data in the same direction ends a train: take it
                    if (t.lastIndex == ACK_SET && t.lastDir == dir && seq == t.lastEnd) {
                        break;
                    }
                    // the RST's seq is not exact: stay, the peer may answer with a challenge ACK
                    newState = oldState;
                }
                int st = c.status(ct);
                if ((((st & CtStatus.SEEN_REPLY) != 0 && t.lastIndex == SYN_SET)
                        || ((st & CtStatus.ASSURED) == 0 && t.lastIndex == ACK_SET))
                        && TcpHeader.ackSeq(b, th) == t.lastEnd) {
                    // RST to a SYN or ACK we let through (ignored SYN, half-open connection): it
                    // may ack segments we ignored, so no window check
                    skipWindow = true;
                    break;
                }
                if (oldState == SYN_SENT && t.lastIndex == ACK_SET && t.lastDir == 1
                        && TcpHeader.seq(b, th) == t.lastAck) {
                    skipWindow = true; // reset answering a challenge ACK we let through
                }
                break;
            default:
                break;
        }

        if (!skipWindow) {
            int res = inWindow(c, t, dir, index, skb, tcplen, state);
            if (res == ACT_IGNORE) {
                return Verdict.NF_ACCEPT;
            }
            if (res == ACT_INVALID) {
                handleInvalid(c, ct, t, dir, index);
                return -Verdict.NF_ACCEPT;
            }
        }
        // in-window from here on
        t.lastIndex = index;
        t.lastDir = dir;
        c.setL4state(ct, newState);
        if (oldState != newState && newState == FIN_WAIT) {
            t.seen[dir].flags |= FLAG_CLOSE_INIT;
        }

        CtConfig cfg = c.config;
        long stateTimeout = cfg.timeout(CtTimeout.tcp(newState));
        long retransTimeout = cfg.timeout(CtTimeout.TCP_RETRANS);
        long unackTimeout = cfg.timeout(CtTimeout.TCP_UNACK);
        long timeout;
        if (t.retrans >= cfg.tcpMaxRetrans && stateTimeout > retransTimeout) {
            timeout = retransTimeout;
        } else if (index == RST_SET) {
            timeout = cfg.timeout(CtTimeout.TCP_CLOSE);
        } else if (((t.seen[0].flags | t.seen[1].flags) & FLAG_DATA_UNACKNOWLEDGED) != 0
                && stateTimeout > unackTimeout) {
            timeout = unackTimeout;
        } else if (t.lastWin == 0 && stateTimeout > retransTimeout) {
            timeout = retransTimeout;
        } else {
            timeout = stateTimeout;
        }

        if (newState != oldState) {
            c.eventCache(ct, CtEvent.PROTOINFO);
        }

        int status = c.status(ct);
        if ((status & CtStatus.SEEN_REPLY) == 0) {
            if ((flags & TcpHeader.RST) != 0) {
                // the only answer is a RST: no connection, delete it now
                c.killAcct(ct, ctinfo, skb);
                return Verdict.NF_ACCEPT;
            }
            if (index == SYN_SET && oldState == SYN_SENT) {
                // a retransmitted SYN keeps the timer, else port reuse keeps the entry alive
                return Verdict.NF_ACCEPT;
            }
            // picked up mid-stream (loose), unanswered: no 5-day timeout
            if (newState == ESTABLISHED && timeout > unackTimeout) {
                timeout = unackTimeout;
            }
        } else if ((status & CtStatus.ASSURED) == 0 && (oldState == SYN_RECV || oldState == ESTABLISHED)
                && newState == ESTABLISHED) {
            // the handshake's last ACK, or a valid answer on a picked-up connection
            if (c.setStatus(ct, CtStatus.ASSURED)) {
                c.eventCache(ct, CtEvent.ASSURED);
            }
        }
        c.refreshAcct(ct, ctinfo, skb, timeout);
        return Verdict.NF_ACCEPT;
    }

    /** Remembers an ignored segment, so a later SYN/ACK or RST can be matched against it. */
    private static void ignore(TcpConn t, byte[] b, int th, int tcplen, int flags, int index, int dir, int oldState) {
        int seq = TcpHeader.seq(b, th);
        t.lastIndex = index;
        t.lastDir = dir;
        t.lastSeq = seq;
        t.lastEnd = end(b, th, seq, tcplen, flags);
        t.lastWin = TcpHeader.window(b, th);
        if (index == SYN_SET && dir == 0) {
            // a SYN in ORIGINAL: keep its options for a re-sync on the SYN/ACK
            t.lastFlags = 0;
            t.lastWscale = 0;
            int opts = TcpHeader.options(b, th);
            if (opts >= 0) {
                if ((opts & FLAG_WINDOW_SCALE) != 0) {
                    t.lastFlags |= FLAG_WINDOW_SCALE;
                    t.lastWscale = opts >>> 8;
                }
                if ((opts & FLAG_SACK_PERM) != 0) {
                    t.lastFlags |= FLAG_SACK_PERM;
                }
            }
            // in LAST_ACK the peer may answer with a challenge ACK, not the ACK of our FIN
            if (oldState == LAST_ACK) {
                t.lastFlags |= EXP_CHALLENGE_ACK;
            }
        }
        if (oldState == SYN_SENT && index == ACK_SET && dir == 1) {
            t.lastAck = TcpHeader.ackSeq(b, th); // possible challenge ACK answering the SYN
        }
    }

    /** nf_ct_tcp_state_reset(): forget a direction's window data, keep BE_LIBERAL */
    private static void stateReset(TcpConn.Seen s) {
        s.tdEnd = 0;
        s.tdMaxEnd = 0;
        s.tdMaxWin = 0;
        s.tdMaxAck = 0;
        s.tdScale = 0;
        s.flags &= FLAG_BE_LIBERAL;
    }

    /** tcp_can_early_drop(): the closing states */
    static boolean canEarlyDrop(int state) {
        return state == FIN_WAIT || state == LAST_ACK || state == TIME_WAIT || state == CLOSE || state == CLOSE_WAIT;
    }

    // ---------------------------------------------------------------- tcp_in_window

    /** MAXACKWINDOW(sender) */
    private static int maxAckWindow(TcpConn.Seen sender) {
        return Integer.compareUnsigned(sender.tdMaxWin, MAX_ACK_WIN_CONST) > 0 ? sender.tdMaxWin : MAX_ACK_WIN_CONST;
    }

    /** tcp_init_sender(): a SYN/ACK answering the SYN, or a SYN from the reply side */
    private static void initSender(TcpConn.Seen sender, TcpConn.Seen receiver, byte[] b, int th, int end, int win,
            int dir) {
        sender.tdEnd = end;
        sender.tdMaxEnd = end;
        sender.tdMaxWin = win == 0 ? 1 : win;
        applyOptions(sender, TcpHeader.options(b, th));
        // RFC 7323: scaling only when both sides sent the option
        if (dir == 1 && !((sender.flags & FLAG_WINDOW_SCALE) != 0 && (receiver.flags & FLAG_WINDOW_SCALE) != 0)) {
            sender.tdScale = 0;
            receiver.tdScale = 0;
        }
    }

    /** nf_tcp_log_invalid(): a liberal sender (flag or sysctl) has its window failures accepted */
    private static int windowFailure(Conntrack c, TcpConn.Seen sender, int action) {
        if ((sender.flags & FLAG_BE_LIBERAL) != 0 || c.config.tcpBeLiberal) {
            return ACT_ACCEPT;
        }
        return action;
    }

    /**
     * tcp_in_window(): is the segment inside what the receiver can take and does it ack only
     * what was sent? Updates both directions' window data when it is.
     *
     * <pre>
     *   I.   seq &lt;= sender.td_maxend                       (else INVALID, or IGNORE for a small overshoot)
     *   II.  sack &lt;= receiver.td_end                       (else INVALID)
     *   III. end &gt;= sender.td_end - receiver.td_maxwin     (else IGNORE: old data retransmitted)
     *   IV.  sack &gt;= receiver.td_end - MAXACKWINDOW(sender) (else IGNORE: overly delayed ACK)
     * </pre>
     *
     * @param state the entry's TCP state before this packet
     */
    private static int inWindow(Conntrack c, TcpConn t, int dir, int index, Skb skb, int tcplen, int state) {
        byte[] b = skb.buf;
        int th = skb.l4;
        TcpConn.Seen sender = t.seen[dir];
        TcpConn.Seen receiver = t.seen[1 - dir];
        int flags = TcpHeader.flags(b, th);
        boolean syn = (flags & TcpHeader.SYN) != 0;
        boolean ackFlag = (flags & TcpHeader.ACK) != 0;

        int seq = TcpHeader.seq(b, th);
        int ack = TcpHeader.ackSeq(b, th);
        int sack = ack;
        int winRaw = TcpHeader.window(b, th);
        int win = winRaw;
        int end = end(b, th, seq, tcplen, flags);
        if ((receiver.flags & FLAG_SACK_PERM) != 0) {
            sack = TcpHeader.sack(b, th, sack);
        }
        // a helper's resizing of the receiver's stream (nf_ct_seq_offset): acks back in its view
        if ((c.status(skb.ct) & CtStatus.SEQ_ADJUST) != 0) {
            int off = c.table.ext.seqOffset(skb.ct, 1 - dir, ack - 1);
            ack -= off;
            sack -= off;
        }

        if (sender.tdMaxWin == 0) {
            if (syn) {
                initSender(sender, receiver, b, th, end, win, dir);
                if (!ackFlag) {
                    return ACT_ACCEPT; // simultaneous open
                }
            } else {
                // the middle of a connection whose history we lost: learn from the packet
                sender.tdEnd = end;
                int swin = win << sender.tdScale;
                sender.tdMaxWin = swin == 0 ? 1 : swin;
                sender.tdMaxEnd = end + sender.tdMaxWin;
                if (receiver.tdMaxWin == 0) {
                    // nothing seen the other way yet: let checks II and IV pass until then
                    receiver.tdEnd = sack;
                    receiver.tdMaxEnd = sack;
                } else if (sack == receiver.tdEnd + 1) {
                    receiver.tdEnd++; // likely the answer to a keepalive
                }
            }
        } else if (syn && after(end, sender.tdEnd) && (state == SYN_SENT || state == SYN_RECV)) {
            // a reinitialised TCP may reopen with higher sequence numbers (RFC 793): start over
            initSender(sender, receiver, b, th, end, win, dir);
            if (dir == 1 && !ackFlag) {
                return ACT_ACCEPT;
            }
        }

        if (!ackFlag) {
            ack = sack = receiver.tdEnd; // no ACK: pretend it was set and fine
        } else if ((flags & (TcpHeader.ACK | TcpHeader.RST)) == (TcpHeader.ACK | TcpHeader.RST) && ack == 0) {
            ack = sack = receiver.tdEnd; // broken stacks send RST|ACK with ack 0
        }

        if ((flags & TcpHeader.RST) != 0 && seq == 0 && state == SYN_SENT) {
            seq = end = sender.tdEnd; // RST answering the SYN
        }

        if (!before(seq, sender.tdMaxEnd + 1)) {
            int overshot = end - sender.tdMaxEnd + 1;
            boolean ackOk = after(sack, receiver.tdEnd - maxAckWindow(sender) - 1);
            boolean inRecvWin = receiver.tdMaxWin != 0 && after(end, sender.tdEnd - receiver.tdMaxWin - 1);
            if (inRecvWin && ackOk && Integer.compareUnsigned(overshot, receiver.tdMaxWin) <= 0
                    && before(sack, receiver.tdEnd + 1)) {
                // a sender that overruns the window a little: record the data so its ACK passes
                sender.tdEnd = end;
                sender.flags |= FLAG_DATA_UNACKNOWLEDGED;
                return windowFailure(c, sender, ACT_IGNORE); // "%u bytes more than expected"
            }
            return windowFailure(c, sender, ACT_INVALID); // SEQ is over upper bound
        }
        if (!before(sack, receiver.tdEnd + 1)) {
            return windowFailure(c, sender, ACT_INVALID); // ACK is over upper bound (ACKed data not seen yet)
        }
        if (!(receiver.tdMaxWin == 0 || after(end, sender.tdEnd - receiver.tdMaxWin - 1))) {
            return windowFailure(c, sender, ACT_IGNORE); // SEQ is under lower bound (old data retransmitted)
        }
        if (!after(sack, receiver.tdEnd - maxAckWindow(sender) - 1)) {
            return windowFailure(c, sender, ACT_IGNORE); // ignored ACK under lower bound (overly delayed)
        }

        if (!syn) {
            win <<= sender.tdScale; // RFC 7323: SYN windows are never scaled
        }

        // update the sender
        int swin = win + (sack - ack);
        if (Integer.compareUnsigned(sender.tdMaxWin, swin) < 0) {
            sender.tdMaxWin = swin;
        }
        if (after(end, sender.tdEnd)) {
            sender.tdEnd = end;
            sender.flags |= FLAG_DATA_UNACKNOWLEDGED;
        }
        if (ackFlag) {
            if ((sender.flags & FLAG_MAXACK_SET) == 0) {
                sender.tdMaxAck = ack;
                sender.flags |= FLAG_MAXACK_SET;
            } else if (after(ack, sender.tdMaxAck)) {
                sender.tdMaxAck = ack;
            }
        }

        // update the receiver
        if (receiver.tdMaxWin != 0 && after(end, sender.tdMaxEnd)) {
            receiver.tdMaxWin += end - sender.tdMaxEnd;
        }
        if (after(sack + win, receiver.tdMaxEnd - 1)) {
            receiver.tdMaxEnd = sack + win;
            if (win == 0) {
                receiver.tdMaxEnd++;
            }
        }
        if (ack == receiver.tdEnd) {
            receiver.flags &= ~FLAG_DATA_UNACKNOWLEDGED;
        }

        // count retransmissions: the same bare ACK again
        if (index == ACK_SET) {
            if (t.lastDir == dir && t.lastSeq == seq && t.lastAck == ack && t.lastEnd == end && t.lastWin == winRaw) {
                t.retrans = (t.retrans + 1) & 0xff; // u8
            } else {
                t.lastDir = dir;
                t.lastSeq = seq;
                t.lastAck = ack;
                t.lastEnd = end;
                t.lastWin = winRaw;
                t.retrans = 0;
            }
        }
        return ACT_ACCEPT;
    }

    /**
     * nf_tcp_handle_invalid(): an out-of-window FIN or RST on an assured entry, answering a
     * FIN/RST from the other side, means both ends consider the connection gone while we don't:
     * cut a long timeout to UNACK.
     */
    private static void handleInvalid(Conntrack c, int ct, TcpConn t, int dir, int index) {
        int st = c.status(ct);
        if ((st & CtStatus.ASSURED) == 0 || (st & CtStatus.FIXED_TIMEOUT) != 0) {
            return;
        }
        if (index != RST_SET && index != FIN_SET) {
            return;
        }
        if (t.lastDir != dir && (t.lastIndex == FIN_SET || t.lastIndex == RST_SET)) {
            long expires = c.table.expiresNanos(ct);
            if (expires < HANDLE_INVALID_MIN_NS) {
                return;
            }
            long timeout = c.config.timeout(CtTimeout.TCP_UNACK);
            if (expires > timeout) {
                c.refresh(ct, timeout); // lower timeout to UNACK
            }
        } else {
            t.lastIndex = index;
            t.lastDir = dir;
        }
    }
}
