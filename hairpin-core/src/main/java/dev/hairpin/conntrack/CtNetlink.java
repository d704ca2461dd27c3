package dev.hairpin.conntrack;

/**
 * What userspace may do to the table through ctnetlink (nf_conntrack_netlink.c): create an entry
 * from tuples ({@code conntrack -I}), change mark / status / timeout of a live one
 * ({@code conntrack -U}), and put back an entry saved with all its state (a lab state reload,
 * which the kernel has no equivalent for: it restores exactly what was saved and reports
 * nothing).
 */
public final class CtNetlink {
    private CtNetlink() {}

    /** errno values ctnetlink answers with */
    public static final int EEXIST = 17;
    public static final int ENOMEM = 12;

    /** IPS bits userspace may set (ctnetlink_change_status refuses the NAT/CONFIRMED/DYING ones) */
    static final int USER_SETTABLE = CtStatus.EXPECTED | CtStatus.SEEN_REPLY | CtStatus.ASSURED
            | CtStatus.FIXED_TIMEOUT | CtStatus.OFFLOAD | CtStatus.HW_OFFLOAD;

    /**
     * ctnetlink_create_conntrack(): a confirmed entry with the given tuples, status, timeout,
     * mark and (TCP) state, window tracking liberal as conntrack-tools asks. Returns the entry,
     * or a negative errno (-EEXIST when either tuple is taken, -ENOMEM when the table is full).
     */
    public static int create(Conntrack c, long k1, long k2, long rk1, long rk2, int status, long timeoutSeconds,
            int mark, int tcpState) {
        return create(c, k1, k2, rk1, rk2, status, timeoutSeconds, mark, tcpState, 0);
    }

    /**
     * {@link #create} with the NAT bits nf_nat_setup_info() sets when the request carried
     * CTA_NAT_SRC/CTA_NAT_DST (the caller has already mangled the reply tuple): both manips
     * run, so both *_NAT_DONE bits, and SRC_NAT/DST_NAT where the tuple changed.
     */
    public static int create(Conntrack c, long k1, long k2, long rk1, long rk2, int status, long timeoutSeconds,
            int mark, int tcpState, int natStatus) {
        if (c.findLive(k1, k2) >= 0 || c.findLive(rk1, rk2) >= 0) {
            return -EEXIST;
        }
        ConntrackTable t = c.table;
        if (c.config.max > 0 && t.count() + 1 > c.config.max) {
            return -ENOMEM;
        }
        int ct = t.alloc(k1, k2, rk1, rk2);
        if (t.protocol(ct) == 6) {
            TcpConn tc = t.newTcp(ct);
            int flags = TcpConn.FLAG_BE_LIBERAL | TcpConn.FLAG_SACK_PERM
                    | (tcpState >= TcpState.TIME_WAIT ? TcpConn.FLAG_CLOSE_INIT : 0);
            tc.seen[0].flags = flags;
            tc.seen[1].flags = flags;
            t.setL4state(ct, tcpState);
        } else if (t.protocol(ct) == 132) {
            t.setL4state(ct, tcpState); // SctpTracker's state bits (its vtags stay unknown: 0)
        }
        t.setStatus(ct, (status & USER_SETTABLE) | CtStatus.CONFIRMED | natStatus);
        t.putMark(ct, mark);
        t.putDeadline(ct, t.now() + timeoutNanos(timeoutSeconds));
        t.insert(ct);
        c.stats.insert++; // nf_conntrack_hash_check_insert() counts it (a packet's confirm does not)
        t.timerAdd(ct);
        // ctnetlink_create_conntrack() reports NEW with the REPLY, ASSURED, HELPER, PROTOINFO, SEQADJ,
        // MARK and SYNPROXY bits: the event carries the mark (mark=0 too) and the TCP state
        t.cacheEvent(ct, CtEvent.NEW | CtEvent.MARK | CtEvent.PROTOINFO);
        c.deliverCachedEvents(ct, true);
        return ct;
    }

    /**
     * ctnetlink_change_conntrack() on a live entry: new mark, extra status bits, timeout (any may
     * be null), then the UPDATE event the kernel reports for a userspace change.
     */
    public static void update(Conntrack c, int ct, Integer mark, Integer statusBits, Long timeoutSeconds) {
        ConntrackTable t = c.table;
        if (timeoutSeconds != null) {
            t.timerDel(ct);
            t.putDeadline(ct, t.now() + timeoutNanos(timeoutSeconds));
            t.timerAdd(ct);
        }
        if (statusBits != null) {
            t.setStatus(ct, statusBits & USER_SETTABLE);
        }
        if (mark != null) {
            t.putMark(ct, mark);
        }
        t.cacheEvent(ct, CtEvent.REPLY | CtEvent.ASSURED | CtEvent.PROTOINFO | CtEvent.MARK);
        c.deliverCachedEvents(ct, true);
    }

    /** Everything a saved entry carries; see {@link #restore}. */
    public record Saved(long k1, long k2, long rk1, long rk2, int status, int l4state, long deadline, int mark,
            long l4aux, int masqIndex, long[] acct, int[] tcp) {}

    /** CTA_PROTOINFO_SCTP's verification tags of a created entry (SctpTracker keeps them in l4aux, original low) */
    public static void sctpTags(Conntrack c, int ct, int origVtag, int replyVtag) {
        c.table.setL4aux(ct, Integer.toUnsignedLong(origVtag) | (long) replyVtag << 32);
    }

    /** the kernel's HZ on the recording host (a -t beyond INT_MAX jiffies showed 8589934 s) */
    static final long HZ = 250;

    /**
     * CTA_TIMEOUT as ctnetlink takes it: seconds times HZ, capped at INT_MAX jiffies (so a
     * huge -t, such as -5 read as 4294967291, lives 8589934 s with HZ 250).
     */
    static long timeoutNanos(long seconds) {
        long jiffies = Math.min(seconds * HZ, Integer.MAX_VALUE);
        return jiffies * (CtConfig.NS / HZ);
    }

    /** The full state of a confirmed entry, for saving. */
    public static Saved save(Conntrack c, int ct) {
        ConntrackTable t = c.table;
        long[] acct = t.hasAcct(ct) ? new long[] {t.packets(ct, 0), t.bytes(ct, 0), t.packets(ct, 1), t.bytes(ct, 1)} : null;
        int[] tcp = null;
        TcpConn tc = t.tcp(ct);
        if (t.protocol(ct) == 6 && tc != null) {
            tcp = new int[21];
            int i = 0;
            for (TcpConn.Seen s : tc.seen) {
                tcp[i++] = s.tdEnd;
                tcp[i++] = s.tdMaxEnd;
                tcp[i++] = s.tdMaxWin;
                tcp[i++] = s.tdMaxAck;
                tcp[i++] = s.tdScale;
                tcp[i++] = s.flags;
            }
            tcp[i++] = tc.lastDir;
            tcp[i++] = tc.lastIndex;
            tcp[i++] = tc.lastSeq;
            tcp[i++] = tc.lastAck;
            tcp[i++] = tc.lastEnd;
            tcp[i++] = tc.lastWin;
            tcp[i++] = tc.lastWscale;
            tcp[i++] = tc.lastFlags;
            tcp[i] = tc.retrans;
        }
        return new Saved(t.k1(ct, 0), t.k2(ct, 0), t.k1(ct, 1), t.k2(ct, 1), t.status(ct), t.l4state(ct),
                t.deadline(ct), t.mark(ct), t.l4aux(ct), t.masqIndex(ct), acct, tcp);
    }

    /**
     * Puts back a saved entry exactly (absolute deadline, counters, TCP window state), without
     * events. Returns the entry, or -EEXIST when its tuples are taken.
     */
    public static int restore(Conntrack c, Saved s) {
        if (c.findLive(s.k1(), s.k2()) >= 0 || c.findLive(s.rk1(), s.rk2()) >= 0) {
            return -EEXIST;
        }
        ConntrackTable t = c.table;
        int ct = t.alloc(s.k1(), s.k2(), s.rk1(), s.rk2());
        t.setStatus(ct, (s.status() & 0xffff) | CtStatus.CONFIRMED); // alloc left no IPS or event bit
        t.restoreAcct(ct, s.acct());
        t.setL4state(ct, s.l4state());
        t.putDeadline(ct, s.deadline());
        t.putMark(ct, s.mark());
        t.setL4aux(ct, s.l4aux());
        t.setMasqIndex(ct, s.masqIndex());
        if (t.protocol(ct) == 6) {
            TcpConn tc = t.newTcp(ct);
            int[] v = s.tcp();
            if (v != null) {
                int i = 0;
                for (TcpConn.Seen x : tc.seen) {
                    x.tdEnd = v[i++];
                    x.tdMaxEnd = v[i++];
                    x.tdMaxWin = v[i++];
                    x.tdMaxAck = v[i++];
                    x.tdScale = v[i++];
                    x.flags = v[i++];
                }
                tc.lastDir = v[i++];
                tc.lastIndex = v[i++];
                tc.lastSeq = v[i++];
                tc.lastAck = v[i++];
                tc.lastEnd = v[i++];
                tc.lastWin = v[i++];
                tc.lastWscale = v[i++];
                tc.lastFlags = v[i++];
                tc.retrans = v[i];
            }
        }
        t.insert(ct);
        t.timerAdd(ct);
        return ct;
    }

    /** Reports an entry's events to the listeners now (a lab replaying kept events). */
    public static void report(Conntrack c, int ct, int events, boolean userspace) {
        c.table.clearStatus(ct, CtStatus.DYING);
        c.table.cacheEvent(ct, events);
        c.deliverCachedEvents(ct, userspace);
    }

    /** Takes an entry out of the table without any event (the counterpart of restore). */
    public static void forget(Conntrack c, int ct) {
        ConntrackTable t = c.table;
        t.timerDel(ct);
        t.unlink(ct);
        t.free(ct);
    }
}
