package dev.hairpin.conntrack;

import dev.hairpin.conntrack.proto.GenericTracker;
import dev.hairpin.conntrack.proto.IcmpTracker;
import dev.hairpin.conntrack.proto.L4Tracker;
import dev.hairpin.conntrack.proto.TcpTracker;
import dev.hairpin.conntrack.proto.UdpTracker;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Connection tracking (net/netfilter/nf_conntrack_core.c): attaches an entry and a ctinfo to
 * every packet at the conntrack hooks ({@link #in}), inserts new entries into the table at the
 * last hook ({@link #confirm}), expires and deletes them, and raises events.
 *
 * <p>An entry made for a packet is <em>unconfirmed</em>: it is in no index and only the packet
 * holds it. If the packet is dropped before the confirm hook, the entry vanishes without a trace
 * ({@link #put}), as the kernel frees it with the skb.
 */
public final class Conntrack {
    public final ConntrackTable table;
    public final CtConfig config;
    public final CtStats stats = new CtStats();
    private final L4Tracker[] trackers = new L4Tracker[256];
    private final L4Tracker generic = new GenericTracker();
    private final List<CtEvent.Listener> listeners = new ArrayList<>();
    private final List<IntConsumer> freeHooks = new ArrayList<>();
    private final ConntrackTable.Expiry expiry = this::expired;
    /** what to log ("nf_conntrack: table full, dropping packet") */
    public java.util.function.Consumer<String> kernelLog = s -> {};

    /** entries held by packets in flight (skb->_nfct references); a killed one is freed on put */
    private final int[] held = new int[8];
    private int heldTop;

    public Conntrack(CtConfig config, long seed) {
        this.config = config;
        this.table = new ConntrackTable(config, seed);
        register(new TcpTracker());
        register(new UdpTracker());
        register(new IcmpTracker());
        register(new dev.hairpin.conntrack.proto.GreTracker());
        register(new dev.hairpin.conntrack.proto.SctpTracker());
        register(new dev.hairpin.conntrack.proto.UdpLiteTracker());
    }

    public void register(L4Tracker t) {
        trackers[t.protocol()] = t;
        stockUdp = trackers[Ipv4.PROTO_UDP] instanceof UdpTracker;
    }

    /** UDP is tracked by {@link UdpTracker} (what {@link #refreshRepliedUdp} stands for) */
    private boolean stockUdp;

    /** the status bits {@link #refreshRepliedUdp} reads: confirmed, replied, and none that changes the steps */
    private static final int REPLIED_MASK = CtStatus.CONFIRMED | CtStatus.SEEN_REPLY | CtStatus.DYING
            | CtStatus.FIXED_TIMEOUT | CtStatus.NAT_CLASH;
    private static final int REPLIED = CtStatus.CONFIRMED | CtStatus.SEEN_REPLY;

    /**
     * {@link #track} of a valid UDP datagram (udp_error passed: length and checksum) of a
     * confirmed, replied entry that is either within its stream delay or already assured: all
     * {@link UdpTracker#packet} and nf_conntrack_in then do is nf_ct_refresh_acct() with the
     * unreplied or the stream timeout. Does that and answers the entry's status bits; for any
     * other entry (the one packet that assures a stream among them) changes nothing and answers
     * -1: the tracker proper decides.
     */
    public int refreshRepliedUdp(int ct, int dir, int len) {
        ConntrackTable t = table;
        int word = t.statusWord(ct);
        if ((word & REPLIED_MASK) != REPLIED || !stockUdp) {
            return -1;
        }
        long now = t.now();
        boolean stream = now > t.l4aux(ct);
        if (stream && (word & CtStatus.ASSURED) == 0) {
            return -1;
        }
        t.setDeadline(ct, now + config.timeout(stream ? CtTimeout.UDP_REPLIED : CtTimeout.UDP_UNREPLIED));
        t.account(ct, word, dir, len);
        return word & 0xffff;
    }

    public L4Tracker tracker(int proto) {
        L4Tracker t = trackers[proto];
        return t != null ? t : generic;
    }

    public void addListener(CtEvent.Listener l) {
        listeners.add(l);
    }

    public void removeListener(CtEvent.Listener l) {
        listeners.remove(l);
    }

    /** called with the entry index before an entry's slot is reused (NAT by-source cleanup) */
    public void addFreeHook(IntConsumer h) {
        freeHooks.add(h);
    }

    public long now() {
        return table.now();
    }

    /**
     * GC_SCAN_INTERVAL_MAX: the kernel has no timer per entry; an expired entry stays until a
     * lookup meets it, a dump ({@link #snapshot}) or the GC worker reaps it, and the worker (one
     * per host, every ~60 s with few entries, at a phase no recording shows) scans at least this
     * often. Recorded (timeouts-midrun, udp-timeout-expiry): DESTROY events of expired entries come
     * with the next {@code conntrack -L}, after the events of packets in between.
     */
    static final long GC_INTERVAL_MAX = 60_000_000_000L;

    /**
     * Moves the clock and reaps entries expired for longer than {@link #GC_INTERVAL_MAX} (the
     * latest the GC worker would have); the others are reaped when met, as the kernel does.
     */
    public void advance(long now) {
        if (now > table.now()) {
            table.setNow(now);
        }
        table.runTimers(table.now() - GC_INTERVAL_MAX, expiry);
    }

    private void expired(int e) {
        delete(e, false);
    }

    // ---------------------------------------------------------------- nf_conntrack_in

    /**
     * nf_conntrack_in() for PRE_ROUTING and LOCAL_OUT: finds or creates the entry, runs the
     * protocol tracker, sets skb.ct / skb.ctinfo. Returns a verdict.
     */
    public int in(Skb skb, int hook) {
        if (skb.ct >= 0 || skb.ctinfo == CtInfo.UNTRACKED) {
            return Verdict.NF_ACCEPT; // previously seen (loopback) or untracked
        }
        int proto = skb.protocol();
        if (proto == Ipv4.PROTO_ICMP) {
            int r = IcmpTracker.error(this, skb, hook);
            if (r <= 0) {
                stats.error++;
                return -r;
            }
            if (skb.ct >= 0) {
                return Verdict.NF_ACCEPT; // RELATED to the connection the error quotes
            }
        }
        while (true) {
            int v = trackResolved(skb, resolveNormalCt(skb, proto), proto, hook);
            if (v != REPEAT) {
                return v;
            }
        }
    }

    /**
     * What follows resolve_normal_ct() (its answer {@code r}): a failed allocation drops the
     * packet, a packet left without an entry is INVALID, else the protocol tracker ({@link #track}).
     */
    private int trackResolved(Skb skb, int r, int proto, int hook) {
        if (r < 0) {
            stats.drop++;
            return Verdict.NF_DROP;
        }
        int ct = skb.ct;
        if (ct < 0) {
            stats.invalid++;
            return Verdict.NF_ACCEPT;
        }
        return track(skb, ct, proto, hook);
    }

    /** {@link #track}'s answer when the tracker killed the entry and the packet must be looked up again */
    public static final int REPEAT = -1;

    /**
     * nf_conntrack_handle_packet() and what follows it in nf_conntrack_in(): the protocol tracker
     * on the entry attached to the packet ({@link #attach}). Returns a verdict, or {@link #REPEAT}
     * (the entry is gone, the packet detached: resolve it again). An invalid packet leaves
     * detached with NF_ACCEPT.
     */
    public int track(Skb skb, int ct, int proto, int hook) {
        int ret = tracker(proto).packet(this, ct, skb, skb.ctinfo, hook);
        if (ret <= 0) {
            put(skb);
            if (ret == -Verdict.NF_REPEAT) {
                return REPEAT;
            }
            stats.invalid++;
            if (ret == Verdict.NF_DROP) {
                stats.drop++;
            }
            return -ret;
        }
        if (skb.ctinfo == CtInfo.ESTABLISHED_REPLY && (table.status(ct) & CtStatus.SEEN_REPLY) == 0) {
            table.setStatus(ct, CtStatus.SEEN_REPLY);
            table.cacheEvent(ct, CtEvent.REPLY);
        }
        return Verdict.NF_ACCEPT;
    }

    /** the most datagrams {@link #prefetch(Skb[], int, int)} takes at once */
    public static final int PREFETCH_BATCH = 64;
    private final long[] batchK1 = new long[PREFETCH_BATCH];
    private final long[] batchK2 = new long[PREFETCH_BATCH];
    private final long[] batchHash = new long[PREFETCH_BATCH];

    /**
     * Touches what {@link #in} will read for datagrams {@code from..from+n-1} (at most
     * {@link #PREFETCH_BATCH}) in three passes, so that each pass's cache misses are independent
     * of one another and its loop is short enough for the CPU to have them all in flight at once
     * (an out-of-order window holds a few hundred instructions: a few packets' worth of a whole
     * lookup, all of a batch's worth of one load each): the tuples and their hashes (the packets
     * alone), every home index slot, then every entry ({@link ConntrackTable#touchHashed}; for a
     * tuple in no entry, what a new flow reads next).
     * Changes nothing; the result only keeps the loads.
     */
    public int prefetch(Skb[] skbs, int from, int n) {
        long[] k1s = batchK1;
        long[] k2s = batchK2;
        long[] hs = batchHash;
        for (int k = 0; k < n; k++) {
            Skb skb = skbs[from + k];
            long k2 = touchK2(skb);
            k2s[k] = k2;
            if (k2 != -1) {
                long k1 = Tuple.k1(skb.saddr(), skb.daddr());
                k1s[k] = k1;
                hs[k] = table.hashOf(k1, k2);
            }
        }
        int x = 0;
        for (int k = 0; k < n; k++) {
            if (k2s[k] != -1) {
                x += table.touchHomeHashed(hs[k]);
            }
        }
        for (int k = 0; k < n; k++) {
            if (k2s[k] != -1) {
                int v = table.touchHashed(hs[k]);
                x += v == 0 ? touchNew(k1s[k], k2s[k]) : v;
            }
        }
        return x;
    }

    /** the second key word of a TCP or UDP datagram's tuple for the touch passes; -1: no such datagram */
    private static long touchK2(Skb skb) {
        if (skb.len < Ipv4.MIN_HEADER) {
            return -1; // not yet through ip_rcv: a runt has no protocol byte to read
        }
        int proto = skb.protocol();
        if ((proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) || skb.l3 + skb.len - skb.l4 < 4) {
            return -1;
        }
        return Tuple.k2(Ipv4.u16(skb.buf, skb.l4), Ipv4.u16(skb.buf, skb.l4 + 2), proto, skb.zone);
    }

    /**
     * An empty home slot: the tuple is in no entry (or, rarely, the loads summed to 0), so its
     * packet makes a new one and next looks up its reply tuple (the null binding's used-tuple
     * check) and what NAT reads. Only loads: a wrong guess costs time.
     */
    private int touchNew(long k1, long k2) {
        int x = table.touchIndex(Tuple.invertK1(k1), Tuple.invertK2(k2));
        NewFlowPrefetch p = newFlowPrefetch;
        if (p != null) {
            x += p.touch(k1, k2);
        }
        return x;
    }

    /** Touches what a new flow with this original tuple will read beyond the conntrack index. */
    public interface NewFlowPrefetch {
        int touch(long k1, long k2);
    }

    /** set by NAT (its by-source table); null: nothing beyond the index */
    public NewFlowPrefetch newFlowPrefetch;

    /** Reads the tuple of the packet's own headers; false when they are truncated. */
    public boolean tupleOf(Skb skb, long[] out) {
        return tupleOf(skb, skb.protocol(), out);
    }

    private boolean tupleOf(Skb skb, int proto, long[] out) {
        // the raw table's CT --zone template enters the key
        long k2 = Tuple.k2Of(skb.buf, skb.l4, skb.l3 + skb.len - skb.l4, proto, skb.zone);
        if (k2 == -1) {
            return false;
        }
        long k1 = Tuple.k1(skb.saddr(), skb.daddr());
        if (proto == 47 && !table.ext.greKeymaps.isEmpty() && Tuple.pptpGre(skb.buf, skb.l4, skb.l3 + skb.len - skb.l4)) {
            // gre_keymap_lookup(): a PPTP call's source key, known from its control connection
            k2 = Tuple.k2(table.ext.greSrcKey(k1, Tuple.dport(k2)), Tuple.dport(k2), proto, skb.zone);
        }
        out[0] = k1;
        out[1] = k2;
        return true;
    }

    private final long[] tup = new long[2];

    /** resolve_normal_ct(): returns &lt;0 when the table is full (packet dropped). */
    private int resolveNormalCt(Skb skb, int proto) {
        if (!tupleOf(skb, proto, tup)) {
            return 0;
        }
        return resolveTuple(skb, tup[0], tup[1]);
    }

    /**
     * {@link #in} for a TCP or UDP datagram whose tuple (zone 0) was the last one {@link #noteMiss}
     * was told of, by a lookup of this very packet with nothing inserted since (FastPath's, before
     * any table could set a zone): the tuple is not read from the headers again.
     */
    public int inNoted(Skb skb, int hook) {
        if (skb.ct >= 0 || skb.ctinfo == CtInfo.UNTRACKED) {
            return Verdict.NF_ACCEPT;
        }
        int v = trackResolved(skb, resolveTuple(skb, missK1, missK2), Tuple.proto(missK2), hook);
        return v != REPEAT ? v : in(skb, hook);
    }

    /** resolve_normal_ct() from the packet's tuple on */
    private int resolveTuple(Skb skb, long k1, long k2) {
        // the same tuple just looked up in vain (nothing inserted since): still absent
        int node = findUnlessAbsent(k1, k2);
        int ct;
        int dir;
        if (node < 0) {
            noteMiss(k1, k2); // confirm's clash check need not look again
            long rk2 = Tuple.invertK2(k2);
            if (rk2 == -1) {
                return 0;
            }
            if (skb.zone >>> 16 != (skb.zone & 0xffff)) { // the reply tuple in its own zone (--zone-orig/-reply)
                rk2 = rk2 & ~0xffffL | skb.zone >>> 16;
            }
            ct = initConntrack(k1, k2, Tuple.invertK1(k1), rk2);
            if (ct < 0) {
                return -1;
            }
            boolean help = skb.helper != 0 || table.ext.used;
            if (help) {
                initHelp(skb, ct);
            }
            if (skb.ctEvents != 0 || table.ext.masked) { // the template's --ctevents (nf_ct_ecache_ext_add)
                table.ext.setEventMask(ct, skb.ctEvents);
            }
            if (!help) {
                attach(skb, ct, CtInfo.NEW); // neither replied nor expected: no status to read
                return 0;
            }
            dir = 0;
        } else {
            ct = node >>> 1;
            dir = node & 1;
        }
        int ctinfo;
        if (dir == 1) {
            ctinfo = CtInfo.ESTABLISHED_REPLY;
        } else {
            int st = table.status(ct);
            if ((st & CtStatus.SEEN_REPLY) != 0) {
                ctinfo = CtInfo.ESTABLISHED;
            } else if ((st & CtStatus.EXPECTED) != 0) {
                ctinfo = CtInfo.RELATED;
            } else {
                ctinfo = CtInfo.NEW;
            }
        }
        attach(skb, ct, ctinfo);
        return 0;
    }

    /**
     * Remembers that a lookup of this tuple found nothing (FastPath's, made before the full path
     * looks the packet up again): the full path's lookup is then spared while no entry has been
     * inserted, since deletions cannot make an absent tuple present.
     */
    public void noteMiss(long k1, long k2) {
        missK1 = k1;
        missK2 = k2;
        missInserts = table.inserts();
        missesNoted++;
    }

    /** how many misses {@link #noteMiss} was told of (a caller sees whether a call in between noted one) */
    public long missesNoted() {
        return missesNoted;
    }

    private long missesNoted;

    private long missK1;
    private long missK2;
    private long missInserts = -1;

    /** the last tuple {@link #tupleTaken} found in no entry, its hash, and the insert count then */
    private long freeK1;
    private long freeK2;
    private long freeHash;
    private long freeInserts = -1;

    /**
     * Whether a lookup of this tuple is known to find nothing: it was the packet's own tuple
     * looked up in vain ({@link #noteMiss}) or the last used-tuple check's free tuple, and no
     * entry was inserted since.
     */
    private boolean knownAbsent(long k1, long k2) {
        return missInserts == table.inserts() && k1 == missK1 && k2 == missK2 || knownFree(k1, k2);
    }

    /** the last used-tuple check's free tuple, no entry inserted since (its hash is {@link #freeHash}) */
    private boolean knownFree(long k1, long k2) {
        return freeInserts == table.inserts() && k1 == freeK1 && k2 == freeK2;
    }

    /** {@link #findLive}, or -1 at once for a tuple {@link #knownAbsent} */
    private int findUnlessAbsent(long k1, long k2) {
        return knownAbsent(k1, k2) ? -1 : findLive(k1, k2);
    }

    /** Lookup that reaps an expired entry it meets (the kernel's lazy GC on lookup). */
    public int findLive(long k1, long k2) {
        return live(table.find(k1, k2));
    }

    /** {@link #findLive} of a tuple whose {@link ConntrackTable#hashOf} the caller computed */
    private int findLiveHashed(long h, long k1, long k2) {
        return live(table.findHashed(h, k1, k2));
    }

    /** a found node, or -1 (and the entry reaped) when its deadline has passed */
    private int live(int node) {
        if (node >= 0) {
            int ct = node >>> 1;
            if (table.deadline(ct) <= table.now()) {
                delete(ct, false);
                return -1;
            }
        }
        return node;
    }

    /** init_conntrack() / __nf_conntrack_alloc(): allocation with the nf_conntrack_max check. */
    private int initConntrack(long k1, long k2, long rk1, long rk2) {
        if (config.max > 0 && table.count() + 1 > config.max) {
            if (!earlyDrop(k1, k2)) {
                kernelLog.accept("nf_conntrack: table full, dropping packet");
                return -1;
            }
        }
        int ct = table.alloc(k1, k2, rk1, rk2);
        if (Tuple.proto(k2) == Ipv4.PROTO_TCP) {
            table.newTcp(ct);
        }
        return ct;
    }

    /**
     * the expectation's function for an entry that fulfils it: NAT's nf_nat_follow_master() or
     * PPTP's pptp_expectfn() (NAT and helpers live above conntrack: the stack sets it)
     */
    public java.util.function.ObjIntConsumer<CtExt.Expect> expectFn;

    /**
     * init_conntrack()'s expectation lookup (nf_ct_find_expectation: the master confirmed, the
     * source address and port under the expectation's masks; the expectation is used up) and,
     * for an unexpected entry, the helper the raw table's CT template named
     * (__nf_ct_try_assign_helper). An expected entry is EXPECTED (its first packet RELATED),
     * holds its master and takes its mark.
     */
    private void initHelp(Skb skb, int ct) {
        CtExt x = table.ext;
        if (!x.expects.isEmpty()) {
            long k1 = table.origK1(ct);
            long k2 = table.origK2(ct);
            long now = table.now();
            for (int i = x.expects.size() - 1; i >= 0; i--) {
                CtExt.Expect e = x.expects.get(i);
                if (e.deadline <= now) {
                    x.unlink(e); // its timer would have removed it
                    continue;
                }
                if ((Tuple.src(k1) & e.srcMask) == e.src && Tuple.dst(k1) == e.dst && Tuple.dport(k2) == e.dport
                        && (Tuple.sport(k2) & e.sportMask) == e.sport
                        && Tuple.proto(k2) == e.proto && Tuple.zone(k2) == e.zone && table.isConfirmed(e.master)
                        && (table.status(e.master) & CtStatus.DYING) == 0) {
                    x.unlink(e);
                    x.expectNew++;
                    table.setStatus(ct, CtStatus.EXPECTED);
                    x.setMaster(ct, e.master);
                    table.putMark(ct, table.mark(e.master));
                    if ((e.natFollow || e.pptp) && expectFn != null) {
                        expectFn.accept(e, ct);
                    }
                    return;
                }
            }
        }
        if (skb.helper != 0) {
            x.addHelp(ct, skb.helper);
            table.setStatus(ct, CtStatus.HELPER);
        }
    }

    /** NF_CT_EVICTION_RANGE */
    static final int EVICTION_RANGE = 8;

    /**
     * early_drop(): from the new tuple's bucket on, walks up to 8 of the kernel's hash buckets
     * (O(chain) each) and deletes every unassured confirmed entry of the first bucket that has
     * one; expired entries met on the way are reaped and not counted.
     */
    private boolean earlyDrop(long k1, long k2) {
        int buckets = Math.max(1, config.buckets);
        table.ensureChains(buckets);
        int b = table.bucketOf(k1, k2, buckets);
        for (int i = 0; i < EVICTION_RANGE; i++, b = (b + 1) % buckets) {
            // the chain as RCU iteration sees it: deleting does not cut the walk short
            chainBuf = table.chain(b, chainBuf);
            int drops = 0;
            for (int j = 0; chainBuf[j] != ConntrackTable.NONE; j++) {
                int ct = chainBuf[j] >>> 1;
                if (table.deadline(ct) <= table.now()) {
                    delete(ct, false);
                    continue;
                }
                int st = table.status(ct);
                if ((st & (CtStatus.ASSURED | CtStatus.DYING)) != 0 || !table.isConfirmed(ct)) {
                    continue;
                }
                if (delete(ct, false)) {
                    drops++;
                }
            }
            if (drops > 0) {
                stats.earlyDrop += drops;
                return true;
            }
        }
        return false;
    }

    private int[] chainBuf = new int[16];

    // ---------------------------------------------------------------- skb references

    /** nf_ct_set(): attach an entry to a packet */
    public void attach(Skb skb, int ct, int ctinfo) {
        skb.ct = ct;
        skb.ctinfo = ctinfo;
        if (heldTop < held.length) {
            held[heldTop++] = ct;
        }
    }

    /**
     * nf_ct_put() when a packet is done (sent, delivered or dropped): an entry that was never
     * confirmed, or was killed while the packet held it, is freed now.
     */
    public void put(Skb skb) {
        int ct = skb.ct;
        skb.ct = -1;
        if (ct < 0) {
            return;
        }
        if (heldTop == 1 && held[0] == ct) { // the one packet in flight (every FastPath packet)
            heldTop = 0;
        } else {
            for (int i = heldTop - 1; i >= 0; i--) {
                if (held[i] == ct) {
                    held[i] = held[--heldTop];
                    break;
                }
            }
            if (isHeld(ct)) {
                return;
            }
        }
        int st = table.status(ct);
        if ((st & CtStatus.CONFIRMED) == 0 || (st & CtStatus.DYING) != 0) {
            freeEntry(ct);
        }
    }

    private boolean isHeld(int ct) {
        for (int i = 0; i < heldTop; i++) {
            if (held[i] == ct) {
                return true;
            }
        }
        return false;
    }

    private void freeEntry(int ct) {
        for (IntConsumer h : freeHooks) {
            h.accept(ct);
        }
        table.free(ct);
    }

    // ---------------------------------------------------------------- protocol tracker services

    /** nf_ct_refresh_acct(): new timeout (relative) and the packet counted in its direction */
    public void refreshAcct(int ct, int ctinfo, Skb skb, long timeoutNs) {
        int word = table.statusWord(ct); // read once: neither step changes it
        refresh(ct, word, timeoutNs);
        table.account(ct, word, CtInfo.dir(ctinfo), skb.len);
    }

    /** nf_ct_refresh(): timeout only */
    public void refresh(int ct, long timeoutNs) {
        refresh(ct, table.statusWord(ct), timeoutNs);
    }

    private void refresh(int ct, int word, long timeoutNs) {
        if ((word & CtStatus.FIXED_TIMEOUT) != 0) {
            return;
        }
        if ((word & CtStatus.CONFIRMED) == 0) {
            table.putDeadline(ct, timeoutNs);
        } else {
            table.setDeadline(ct, table.now() + timeoutNs);
        }
    }

    /** nf_ct_kill_acct(): count the packet, then delete the entry */
    public void killAcct(int ct, int ctinfo, Skb skb) {
        table.account(ct, CtInfo.dir(ctinfo), skb.len);
        delete(ct, false);
    }

    public void eventCache(int ct, int event) {
        table.cacheEvent(ct, event);
    }

    /** a helper given to an entry after its lookup (nft's `ct helper set`): the help extension and IPS_HELPER */
    public void addHelper(int ct, int helper) {
        table.ext.addHelp(ct, helper);
        table.setStatus(ct, CtStatus.HELPER);
    }

    public boolean isConfirmed(int ct) {
        return table.isConfirmed(ct);
    }

    public int status(int ct) {
        return table.status(ct);
    }

    /** sets IPS bits; returns true when any was newly set (test_and_set_bit) */
    public boolean setStatus(int ct, int bits) {
        boolean fresh = (table.status(ct) & bits) != bits;
        table.setStatus(ct, bits);
        return fresh;
    }

    /** sets IPS bits (setStatus without its answer) */
    public void addStatus(int ct, int bits) {
        table.setStatus(ct, bits);
    }

    public void clearStatus(int ct, int bits) {
        table.clearStatus(ct, bits);
    }

    public int l4state(int ct) {
        return table.l4state(ct);
    }

    public void setL4state(int ct, int state) {
        table.setL4state(ct, state);
    }

    public long l4aux(int ct) {
        return table.l4aux(ct);
    }

    public void setL4aux(int ct, long v) {
        table.setL4aux(ct, v);
    }

    public TcpConn tcp(int ct) {
        return table.tcp(ct);
    }

    // ---------------------------------------------------------------- confirm

    /**
     * nf_conntrack_confirm() at the last hook (POST_ROUTING, LOCAL_IN): inserts a new entry into
     * the table, or drops the packet when its tuples clash; then delivers cached events.
     */
    public int confirm(Skb skb) {
        int ct = skb.ct;
        if (ct < 0) {
            return Verdict.NF_ACCEPT;
        }
        int word = table.statusWord(ct);
        if ((word & (CtStatus.CONFIRMED | CACHED_EVENTS)) == CtStatus.CONFIRMED) {
            return Verdict.NF_ACCEPT; // confirmed, no event cached: nothing to deliver
        }
        int st = word & 0xffff;
        if ((st & CtStatus.CONFIRMED) == 0) {
            if (CtInfo.dir(skb.ctinfo) != 0) {
                return Verdict.NF_ACCEPT; // REJECT's replies ride an unconfirmed entry
            }
            int ret = confirmNew(skb, ct, st);
            if (ret == INSERTED_QUIET) {
                return Verdict.NF_ACCEPT;
            }
            if (ret != Verdict.NF_ACCEPT) {
                return ret;
            }
            ct = skb.ct;
        }
        deliverCachedEvents(ct);
        return Verdict.NF_ACCEPT;
    }

    /**
     * {@link #confirmNew}'s answer for an entry inserted while nobody hears events: its cached
     * events were cleared with the confirmation, all {@link #deliverCachedEvents} would do
     */
    private static final int INSERTED_QUIET = -2;

    /** the status word's cached event bits (ConntrackTable's layout) */
    private static final int CACHED_EVENTS = 0x7fff << ConntrackTable.EVENT_SHIFT;

    /** {@code st}: the entry's status word (nothing below changes it before the insert) */
    private int confirmNew(Skb skb, int ct, int st) {
        if ((st & CtStatus.DYING) != 0) {
            stats.insertFailed++;
            stats.drop++;
            return Verdict.NF_DROP;
        }
        // a new flow's two tuples were just looked up in vain (nf_conntrack_in, NAT's
        // used-tuple check): only an insert since could make them clash
        int clash = findUnlessAbsent(table.origK1(ct), table.origK2(ct));
        if (clash >= 0) {
            return resolveClash(skb, ct, clash);
        }
        long rk1 = table.replyK1(ct);
        long rk2 = table.replyK2(ct);
        long rh;
        if (knownFree(rk1, rk2)) {
            rh = freeHash; // the used-tuple check's miss: absent, and hashed there
        } else {
            rh = table.hashOf(rk1, rk2);
            clash = findLiveHashed(rh, rk1, rk2);
            if (clash >= 0) {
                return resolveClash(skb, ct, clash);
            }
        }
        table.putDeadline(ct, table.deadline(ct) + table.now());
        table.insert(ct, rh);
        table.timerAdd(ct);
        if (listeners.isEmpty() || config.events == 0) {
            // nobody to deliver to: NEW and any event cached before it are dropped at once
            table.confirmDroppingEvents(ct);
            return INSERTED_QUIET;
        }
        table.setStatus(ct, CtStatus.CONFIRMED);
        table.cacheEvent(ct, (st & CtStatus.EXPECTED) != 0 ? CtEvent.RELATED : CtEvent.NEW);
        return Verdict.NF_ACCEPT;
    }

    /**
     * nf_ct_resolve_clash(): two packets made the same flow. UDP (allow_clash) with an identical
     * entry takes the winner's entry; otherwise the packet is dropped (insert_failed).
     */
    private int resolveClash(Skb skb, int loser, int node) {
        int winner = node >>> 1;
        int proto = table.protocol(loser);
        if (proto == Ipv4.PROTO_UDP) {
            boolean same = table.origK1(loser) == table.origK1(winner) && table.origK2(loser) == table.origK2(winner)
                    && table.replyK1(loser) == table.replyK1(winner) && table.replyK2(loser) == table.replyK2(winner);
            if (same) {
                int ctinfo = skb.ctinfo;
                put(skb);
                attach(skb, winner, ctinfo);
                stats.clashResolve++;
                return Verdict.NF_ACCEPT;
            }
        }
        stats.insertFailed++;
        stats.drop++;
        return Verdict.NF_DROP;
    }

    /** nf_ct_deliver_cached_events() */
    public void deliverCachedEvents(int ct) {
        deliverCachedEvents(ct, false);
    }

    /** the same, for a change a userspace request made (ctnetlink reports its portid) */
    public void deliverCachedEvents(int ct, boolean userspace) {
        int ev = table.takeEvents(ct);
        if ((table.status(ct) & CtStatus.DYING) != 0) {
            return; // killed while a packet held it (TCP RST): DESTROY was the last word
        }
        if (ev == 0 || listeners.isEmpty() || config.events == 0 || !eventWanted(ct, ev)) {
            return;
        }
        for (CtEvent.Listener l : listeners) {
            l.event(table, ct, ev, userspace);
        }
    }

    /**
     * __nf_conntrack_eventmask_report(): an entry with a template's event mask reports the
     * events cached for it, all of them, only when one of them is in its mask
     */
    private boolean eventWanted(int ct, int ev) {
        if (!table.ext.masked) {
            return true;
        }
        int m = table.ext.eventMask(ct);
        return m < 0 || (ev & m) != 0;
    }

    /** whether a ctnetlink event listener is registered (nf_ctnetlink_has_listener) */
    public boolean hasListener() {
        return !listeners.isEmpty();
    }

    // ---------------------------------------------------------------- deletion

    /**
     * nf_ct_delete(): marks the entry dying, reports DESTROY, removes both tuples and frees the
     * slot (later, if a packet still holds it). Returns false when it was already dying.
     */
    public boolean delete(int ct, boolean userspace) {
        int st = table.status(ct);
        if ((st & CtStatus.DYING) != 0) {
            return false;
        }
        table.setStatus(ct, CtStatus.DYING);
        if ((st & CtStatus.CONFIRMED) == 0) {
            return true; // unconfirmed: the packet holding it frees it
        }
        if (config.events != 0 && eventWanted(ct, CtEvent.DESTROY)) {
            for (CtEvent.Listener l : listeners) {
                l.event(table, ct, CtEvent.DESTROY, userspace);
            }
        }
        if (helperDestroy != null && table.ext.used) {
            helperDestroy.accept(ct); // nf_ct_delete_from_lists(): nf_ct_helper_destroy() first
        }
        table.timerDel(ct);
        table.unlink(ct);
        if (!isHeld(ct)) {
            freeEntry(ct);
        }
        return true;
    }

    /** a helper's destroy function (PPTP's kills its call's GRE), run when an entry is deleted; set by the stack */
    public IntConsumer helperDestroy;

    /** conntrack -F: deletes every confirmed entry; returns how many */
    public int flush() {
        int[] all = snapshot();
        int n = 0;
        for (int ct : all) {
            if (delete(ct, true)) {
                n++;
            }
        }
        return n;
    }

    /** Confirmed, unexpired entries (expired ones met on the way are reaped, as a dump does). */
    public int[] snapshot() {
        int[] out = new int[Math.max(16, table.confirmedCount())];
        int[] n = {0};
        int[] dead = new int[16];
        int[] nd = {0};
        table.forEach(ct -> {
            if (table.deadline(ct) <= table.now()) {
                if (nd[0] == dead.length) {
                    return;
                }
                dead[nd[0]++] = ct;
                return;
            }
            out[n[0]++] = ct;
        });
        for (int i = 0; i < nd[0]; i++) {
            delete(dead[i], false);
        }
        if (nd[0] == dead.length) {
            return snapshot();
        }
        return java.util.Arrays.copyOf(out, n[0]);
    }

    /**
     * nf_conntrack_tuple_taken(): is there a live entry with this tuple in either direction,
     * other than {@code ignored}? Counts {@code found}.
     */
    public boolean tupleTaken(long k1, long k2, int ignored) {
        long h = table.hashOf(k1, k2);
        int node = findLiveHashed(h, k1, k2);
        if (node < 0) {
            freeK1 = k1; // most often the tuple NAT picks: confirm need not look it up again,
            freeK2 = k2; // and its insert need not hash it again
            freeHash = h;
            freeInserts = table.inserts();
            return false;
        }
        int ct = node >>> 1;
        if (ct == ignored) {
            return false;
        }
        // a retransmit that raced its own unconfirmed twin: same original tuple is not a clash
        if ((node & 1) == 0 && ignored >= 0 && table.origK1(ct) == table.origK1(ignored)
                && table.origK2(ct) == table.origK2(ignored)) {
            return false;
        }
        stats.found++;
        return true;
    }
}
