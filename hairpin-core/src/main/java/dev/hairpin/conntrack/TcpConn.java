package dev.hairpin.conntrack;

/**
 * TCP tracking state of one entry ({@code struct ip_ct_tcp}): per-direction window data and the
 * memory of the last packet used by the IGNORE re-sync and retransmission counting. One object
 * per entry slot, reused when the slot is reused; {@link #reset()} clears it for a new entry.
 */
public final class TcpConn {
    /** {@link Seen#flags} and {@link #lastFlags} bits: IP_CT_TCP_FLAG_* (uapi nf_conntrack_tcp.h) */
    public static final int FLAG_WINDOW_SCALE = 0x01;
    public static final int FLAG_SACK_PERM = 0x02;
    /** this sender sent the first FIN */
    public static final int FLAG_CLOSE_INIT = 0x04;
    public static final int FLAG_BE_LIBERAL = 0x08;
    public static final int FLAG_DATA_UNACKNOWLEDGED = 0x10;
    /** td_maxack holds a value */
    public static final int FLAG_MAXACK_SET = 0x20;
    /** IP_CT_EXP_CHALLENGE_ACK: an ignored SYN in LAST_ACK may draw an RFC 5961 challenge ACK */
    public static final int EXP_CHALLENGE_ACK = 0x40;
    /** IP_CT_TCP_SIMULTANEOUS_OPEN */
    public static final int SIMULTANEOUS_OPEN = 0x80;

    /** per direction: struct ip_ct_tcp_state */
    public final Seen[] seen = {new Seen(), new Seen()};
    public int lastDir;
    public int lastIndex;
    public int lastSeq;
    public int lastAck;
    public int lastEnd;
    public int lastWin;
    public int lastWscale;
    public int lastFlags;
    public int retrans;

    public void reset() {
        seen[0].reset();
        seen[1].reset();
        lastDir = lastIndex = lastSeq = lastAck = lastEnd = lastWin = lastWscale = lastFlags = retrans = 0;
    }

    /** struct ip_ct_tcp_state */
    public static final class Seen {
        public int tdEnd;
        public int tdMaxEnd;
        public int tdMaxWin;
        public int tdMaxAck;
        public int tdScale;
        public int flags;

        void reset() {
            tdEnd = tdMaxEnd = tdMaxWin = tdMaxAck = tdScale = flags = 0;
        }
    }
}
