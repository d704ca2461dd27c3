package dev.hairpin.conntrack;

/**
 * TCP tracking state of one entry ({@code struct ip_ct_tcp}): per-direction window data and the
 * memory of the last packet used by the IGNORE re-sync and retransmission counting. One object
 * per entry slot, reused when the slot is reused; {@link #reset()} clears it for a new entry.
 */
public final class TcpConn {
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
