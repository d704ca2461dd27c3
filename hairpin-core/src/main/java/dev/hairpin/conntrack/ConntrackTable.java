package dev.hairpin.conntrack;

import java.util.Arrays;

/**
 * The conntrack table: one compact entry per connection, found by either of its two tuples
 * (the kernel's single hash of {@code tuplehash[ORIGINAL]} and {@code tuplehash[REPLY]} nodes).
 *
 * <p>Entries are an array of structs: what a packet of an established flow reads and writes
 * (both tuples, status, deadline, the UDP stream timestamp, the masquerade device, the timer
 * tick) is one 64-byte run of {@link #slab}; what only creation, deletion and the timer wheel
 * touch is a 16-byte run of {@link #cold}:
 *
 * <pre>
 *  slab, 8 longs:  0 orig k1 | 1 orig k2 (l4state in bits 24..31) | 2 reply k1 | 3 reply k2
 *                  4 status (low 32) | mark (high 32)   5 deadline   6 l4aux
 *                  7 masqIndex (low 32) | wheel tick (high 32, -1 off the wheel)
 *  cold, 4 ints:   0 wheel next (free list next while free) | 1 wheel prev | 2 generation
 *                  3 NAT by-source next + 2 (0: in no chain)
 * </pre>
 * l4state sits in the 8 bits of the original k2 word that no tuple uses, so every read of that
 * word masks them off ({@link #KEY2}).
 *
 * <p>The index is an open-addressing table of ints with linear probing, at most 3/4 full, of any
 * size (a slot's home is the hash multiplied into the size, not masked), with backward-shift
 * deletion so no tombstones accumulate. A slot holds {@code node + 1} ({@code node = entry << 1
 * | dir}, 0 empty) in its low bits and, above, the slot's distance from its home (saturating)
 * and a tag of other hash bits: a probe rejects most foreign slots without reading their entry,
 * and deletion moves slots back without recomputing their homes.
 *
 * <p>Expiry: entries hang on a {@link #wheel timer wheel} by their deadline. Refreshing a timeout
 * (every packet) only stores the new deadline; the wheel re-files an entry lazily when its old
 * slot comes due, as an unexpired entry. Only a shortened deadline re-links at once.
 *
 * <p>Not thread-safe: a table belongs to one worker, as the design shards flows by worker.
 */
public final class ConntrackTable implements CtView {
    static final int NONE = -1;

    // ---- entries (struct nf_conn) ----
    /** longs per entry in {@link #slab} */
    static final int W = 8;
    /**
     * slab index of entry 0. A large slab is a G1 humongous object, which starts on a region
     * boundary; after its 16-byte header, 6 longs put every entry on a 64-byte line of its own.
     * (Elsewhere, or for a small slab, it only costs 48 bytes.)
     */
    static final int PAD = 6;
    static final int K1 = 0;
    static final int K2 = 1;
    static final int RK1 = 2;
    static final int RK2 = 3;
    /** status in the low 32 bits, mark in the high 32 */
    static final int STATUS = 4;
    /** absolute deadline (ns) once confirmed; the relative timeout before */
    static final int DEADLINE = 5;
    /** per-protocol extra: UDP stream_ts (ns) */
    static final int AUX = 6;
    /** MASQUERADE's out ifindex (nf_conn_nat.masq_index) in the low 32 bits, wheel tick in the high 32 */
    static final int MASQ_TICK = 7;
    /** l4state's place in the original k2 word */
    static final int L4_SHIFT = 24;
    /** the tuple bits of a k2 word (without l4state) */
    static final long KEY2 = ~(0xffL << L4_SHIFT);
    private static final long LOW = 0xffff_ffffL;
    private static final long HIGH = ~LOW;

    /** ints per entry in {@link #cold} */
    static final int C = 4;
    static final int WHEEL_NEXT = 0;
    static final int WHEEL_PREV = 1;
    static final int GEN = 2;
    static final int BYSRC = 3;

    /** slab indices stay ints and nodes (entry << 1 | dir) stay below 2^29 */
    static final int MAX_ENTRIES = (Integer.MAX_VALUE - 8 - PAD) / W;

    /** the hot words of every entry, {@link #W} per entry from {@link #PAD} */
    long[] slab;
    /** the cold words, {@link #C} per entry */
    int[] cold;
    /** nf_conn_acct: packets, bytes per direction; null until accounting is turned on */
    private long[] acct;
    /** TCP tracking state per entry slot (allocated once per slot); null until a TCP entry exists */
    private TcpConn[] tcp;

    private int capacity;
    /** first free entry, its successors linked through their wheel-next word (LIFO); NONE when empty */
    private int freeHead = NONE;
    private int highWater;
    /** entries allocated (confirmed + unconfirmed): nf_conntrack_count */
    private int count;
    private int confirmed;

    // ---- index ----
    private int[] slots;
    /** a slot's low nodeBits hold node + 1 */
    private int nodeBits;
    private int nodeMask;
    /** the distance field's largest value, which stands for "this far or more" */
    private int distMax;
    private int tagShift;
    private int tagMask;
    private final long seed;
    /** helpers, related entries, expectations (few entries have them) */
    public final CtExt ext = new CtExt();

    // ---- the kernel's hash buckets, kept only once early_drop needed them ----
    /** first node of each of nf_conntrack_buckets chains (head insertion, newest first); null: not kept */
    private int[] chainHead;
    /** next node in its chain, per node (entry << 1 | dir) */
    private int[] chainNext;

    // ---- timer wheel ----
    static final int TICK_SHIFT = 27; // 134 ms
    static final int WHEEL_BITS = 14; // 16384 slots: a 36-minute turn
    private final int[] wheel = new int[1 << WHEEL_BITS];
    private long wheelNow; // last tick processed

    private final CtConfig config;
    private long nowNs;

    public ConntrackTable(CtConfig config, long seed) {
        this.config = config;
        this.seed = seed;
        Arrays.fill(wheel, NONE);
        slots = new int[4096];
        allocate(1024);
    }

    private void allocate(int cap) {
        slab = slab == null ? new long[PAD + cap * W] : Arrays.copyOf(slab, PAD + cap * W);
        cold = cold == null ? new int[cap * C] : Arrays.copyOf(cold, cap * C);
        if (acct != null) {
            acct = Arrays.copyOf(acct, cap * 4);
        }
        if (tcp != null) {
            tcp = Arrays.copyOf(tcp, cap);
        }
        if (chainNext != null) {
            chainNext = Arrays.copyOf(chainNext, cap * 2);
        }
        capacity = cap;
        if (nodeBitsFor(cap) != nodeBits) {
            rehash(slots.length); // wider nodes leave fewer tag bits
        }
    }

    /** bits for node + 1, which is at most 2 * cap */
    private static int nodeBitsFor(int cap) {
        return 32 - Integer.numberOfLeadingZeros(2 * cap);
    }

    /**
     * Sizes the table for {@code entries} entries up front (as nf_conntrack_buckets and the slab
     * are sized before traffic), so filling it never grows the arrays or rehashes the index on
     * the packet path. Changes no lookup result; only grows.
     */
    public void reserve(int entries) {
        if (entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("conntrack table: at most " + MAX_ENTRIES + " entries, not " + entries);
        }
        if (entries > capacity) {
            allocate(entries);
        }
        int size = (int) Math.min(Integer.MAX_VALUE - 8, ((long) entries * 8 + 2) / 3); // 2 nodes, ≤ 3/4 full
        if (size > slots.length) {
            rehash(size);
        }
    }

    public CtConfig config() {
        return config;
    }

    public void setNow(long now) {
        this.nowNs = now;
    }

    public long now() {
        return nowNs;
    }

    /**
     * The bytes this table's arrays hold (entries at their current capacity, index, timer wheel,
     * early_drop's bucket chains once kept; TCP state objects at the 136 bytes a TcpConn with its
     * two Seen takes under compact object headers), array headers left out: what an entry costs
     * all-in, without the JVM's heap-region rounding.
     */
    public long footprintBytes() {
        long b = (long) slab.length * 8 + (long) cold.length * 4 + (acct == null ? 0 : (long) acct.length * 8)
                + (long) slots.length * 4 + (long) wheel.length * 4
                + (chainHead == null ? 0 : (long) chainHead.length * 4 + (long) chainNext.length * 4);
        if (tcp != null) {
            b += (long) tcp.length * 4;
            for (int e = 0; e < highWater; e++) {
                if (tcp[e] != null) {
                    b += 136;
                }
            }
        }
        return b;
    }

    /** nf_conntrack_count: every allocated entry, confirmed or not */
    public int count() {
        return count;
    }

    public int confirmedCount() {
        return confirmed;
    }

    // ---------------------------------------------------------------- allocation

    /** slab index of an entry's first word */
    static int base(int e) {
        return PAD + (e << 3);
    }

    /** slab index of a node's k1 word (its k2 word follows) */
    private static int keyBase(int node) {
        return PAD + (node << 2) - ((node & 1) << 1);
    }

    /** Allocates an unconfirmed entry for an original tuple; the reply tuple is its inverse. */
    int alloc(long k1, long k2, long rk1, long rk2) {
        int e;
        if (freeHead != NONE) {
            e = freeHead;
            freeHead = cold[e * C + WHEEL_NEXT];
        } else {
            if (highWater == capacity) {
                if (capacity == MAX_ENTRIES) {
                    throw new IllegalStateException("conntrack table: " + MAX_ENTRIES + " entries is the most it holds");
                }
                allocate((int) Math.min(MAX_ENTRIES, capacity * 2L));
            }
            e = highWater++;
        }
        long[] w = slab;
        int b = base(e);
        w[b + K1] = k1;
        w[b + K2] = k2 & KEY2;
        w[b + RK1] = rk1;
        w[b + RK2] = rk2;
        w[b + STATUS] = 0;
        w[b + DEADLINE] = 0;
        w[b + AUX] = 0;
        w[b + MASQ_TICK] = HIGH; // masqIndex 0, off the wheel
        cold[e * C + GEN]++;
        if (config.acct) {
            if (acct == null) {
                acct = new long[capacity * 4];
            }
            Arrays.fill(acct, e << 2, (e << 2) + 4, 0);
            w[b + STATUS] = HAS_ACCT & LOW;
        }
        count++;
        return e;
    }

    /** status word layout: IPS bits 0..15, cached IPCT event bits 16..30, accounting flag 31 */
    static final int EVENT_SHIFT = 16;
    /** the entry was created while nf_conntrack_acct was on (the kernel adds the acct extension then) */
    static final int HAS_ACCT = 1 << 31;

    void free(int e) {
        if (ext.used) {
            ext.free(e);
        }
        slab[(e << 3) + (PAD + STATUS)] &= HIGH;
        cold[e * C + WHEEL_NEXT] = freeHead;
        freeHead = e;
        count--;
    }

    // ---------------------------------------------------------------- index

    /** A 64-bit mix of a tuple: its high half places it in the index, its low half gives the tag. */
    private long hash(long k1, long k2) {
        return Tuple.hash64(k1, k2, seed);
    }

    /** multiply-shift range reduction: the slot the high 32 hash bits fall on */
    private static int home(long h, int size) {
        return (int) (((h >>> 32) * size) >>> 32);
    }

    /** Finds a confirmed entry's node ({@code entry << 1 | dir}) by tuple, -1 when none. */
    public int find(long k1, long k2) {
        return findHashed(hash(k1, k2), k1, k2);
    }

    /** {@link #find} of a tuple whose {@link #hashOf} the caller has computed (and may keep for {@link #insert(int, long)}) */
    public int findHashed(long h, long k1, long k2) {
        int[] s = slots;
        int n = s.length;
        int i = home(h, n);
        int tag = (int) h & tagMask;
        int ts = tagShift;
        long[] w = slab;
        while (true) {
            int v = s[i];
            if (v == 0) {
                return NONE;
            }
            if (v >>> ts == tag) {
                int node = (v & nodeMask) - 1;
                int b = keyBase(node);
                if (w[b] == k1 && (w[b + 1] & KEY2) == k2) {
                    return node;
                }
            }
            if (++i == n) {
                i = 0;
            }
        }
    }

    /**
     * Reads the index slot the tuple whose {@link #hashOf} is {@code h} hashes to (the first slot
     * of its probe run with the tuple's tag) and the entry run it names, and nothing else: a batch does this for all its packets
     * before processing any, so their cache misses overlap instead of queueing one after another
     * (plain loads; Java has no prefetch). The result means nothing; it only keeps the loads.
     */
    public int touchHashed(long h) { // 0 when the probe run has no slot with the tag
        int v = firstTagged(h);
        if (v == 0) {
            return 0;
        }
        int b = base(((v & nodeMask) - 1) >>> 1);
        return (int) slab[b] + (int) slab[b + W - 1]; // first and last word: the run's line(s)
    }

    /** Reads only the index slot of the tuple whose {@link #hashOf} is {@code h} (a batch's pass before {@link #touchHashed}). */
    public int touchHomeHashed(long h) {
        int[] s = slots;
        return s[home(h, s.length)];
    }

    /** the hash the index places a tuple by: a batch's touch passes compute it once for all three */
    public long hashOf(long k1, long k2) {
        return hash(k1, k2);
    }

    private int firstTagged(long h) {
        int[] s = slots;
        int n = s.length;
        int i = home(h, n);
        int tag = (int) h & tagMask;
        int v;
        while ((v = s[i]) != 0 && v >>> tagShift != tag) {
            if (++i == n) {
                i = 0;
            }
        }
        return v;
    }

    /**
     * Reads the index slot a lookup of a tuple that is probably absent starts at (a new flow's
     * reply): its home, whose cache line mostly holds the whole probe run, and all {@link #find}
     * reads of a tuple in no entry unless a tag matches by chance (then its entry's key, which
     * this leaves to the lookup). For a batch to overlap the misses. The result means nothing.
     */
    public int touchIndex(long k1, long k2) {
        return touchHomeHashed(hash(k1, k2));
    }

    /** entries inserted into the index so far: a tuple looked up in vain stays absent until this moves */
    public long inserts() {
        return inserts;
    }

    private long inserts;

    void insert(int e) {
        int r = (e << 1) | 1;
        int kb = keyBase(r);
        insert(e, hash(slab[kb], slab[kb + 1] & KEY2));
    }

    /**
     * {@link #insert(int)} given the {@link #hashOf} of the entry's reply tuple (a new flow's
     * reply was just looked up in vain by NAT's used-tuple check, which hashed it).
     */
    void insert(int e, long replyHash) {
        inserts++;
        if ((confirmed + 1) * 8L > slots.length * 3L) {
            rehash((int) Math.min(Integer.MAX_VALUE - 8, slots.length * 2L));
        }
        put(e << 1);
        putHashed((e << 1) | 1, replyHash);
        confirmed++;
        if (chainHead != null) {
            chain(e << 1);
            chain((e << 1) | 1);
        }
    }

    private void put(int node) {
        int kb = keyBase(node);
        putHashed(node, hash(slab[kb], slab[kb + 1] & KEY2));
    }

    private void putHashed(int node, long h) {
        int[] s = slots;
        int n = s.length;
        int i = home(h, n);
        int d = 0;
        while (s[i] != 0) {
            if (++i == n) {
                i = 0;
            }
            d++;
        }
        s[i] = (node + 1) | Math.min(d, distMax) << nodeBits | ((int) h & tagMask) << tagShift;
    }

    void unlink(int e) {
        remove(e << 1);
        remove((e << 1) | 1);
        confirmed--;
        if (chainHead != null) {
            unchain(e << 1);
            unchain((e << 1) | 1);
        }
    }

    private void remove(int node) {
        int[] s = slots;
        int n = s.length;
        int kb = keyBase(node);
        int i = home(hash(slab[kb], slab[kb + 1] & KEY2), n);
        int want = node + 1;
        while ((s[i] & nodeMask) != want) {
            if (s[i] == 0) {
                throw new IllegalStateException("conntrack index lost node " + node);
            }
            if (++i == n) {
                i = 0;
            }
        }
        // backward-shift deletion: pull later members of the probe run into the hole
        int hole = i;
        int j = i;
        int distField = distMax << nodeBits;
        while (true) {
            if (++j == n) {
                j = 0;
            }
            int v = s[j];
            if (v == 0) {
                break;
            }
            int d = (v & distField) >>> nodeBits;
            if (d == distMax) { // saturated: the exact distance from the entry's keys
                int nb = keyBase((v & nodeMask) - 1);
                d = j - home(hash(slab[nb], slab[nb + 1] & KEY2), n);
                if (d < 0) {
                    d += n;
                }
            }
            int gap = j - hole;
            if (gap < 0) {
                gap += n;
            }
            // move v to the hole when its home is not cyclically in (hole, j]
            if (d >= gap) {
                s[hole] = v & ~distField | Math.min(d - gap, distMax) << nodeBits;
                hole = j;
            }
        }
        s[hole] = 0;
    }

    /** Rebuilds the index at {@code newSize} slots with the slot layout the capacity asks for. */
    private void rehash(int newSize) {
        int[] old = slots;
        int oldMask = nodeMask;
        nodeBits = nodeBitsFor(capacity);
        nodeMask = (1 << nodeBits) - 1;
        int distBits = Math.min(4, (32 - nodeBits) / 2);
        distMax = (1 << distBits) - 1;
        tagShift = nodeBits + distBits;
        tagMask = (int) ((1L << (32 - tagShift)) - 1);
        slots = new int[newSize];
        for (int v : old) {
            if (v != 0) {
                put((v & oldMask) - 1);
            }
        }
    }

    /** Replaces the reply tuple of an unconfirmed entry (nf_conntrack_alter_reply). */
    public void alterReplyPublic(int e, long rk1, long rk2) {
        if (isConfirmed(e)) {
            throw new IllegalStateException("alter_reply on a confirmed entry");
        }
        alterReply(e, rk1, rk2);
    }

    /**
     * {@link #alterReplyPublic} for a caller that has just read the entry's status and found it
     * unconfirmed (NAT's setup_info), without reading it again
     */
    public void alterReplyOfNew(int e, long rk1, long rk2) {
        alterReply(e, rk1, rk2);
    }

    void alterReply(int e, long rk1, long rk2) {
        slab[(e << 3) + (PAD + RK1)] = rk1;
        slab[(e << 3) + (PAD + RK2)] = rk2;
    }

    // ---------------------------------------------------------------- timers

    private static long tick(long ns) {
        return ns >> TICK_SHIFT;
    }

    /** the tick the entry is filed under on the wheel, -1 when it is on none */
    private int wheelTick(int e) {
        return (int) (slab[(e << 3) + (PAD + MASQ_TICK)] >>> 32);
    }

    private void setWheelTick(int e, int t) {
        int b = (e << 3) + (PAD + MASQ_TICK);
        slab[b] = slab[b] & LOW | (long) t << 32;
    }

    void timerAdd(int e) {
        long t = tick(deadline(e));
        if (t <= wheelNow) {
            t = wheelNow + 1;
        }
        int slot = (int) t & (wheel.length - 1);
        setWheelTick(e, (int) t);
        int head = wheel[slot];
        cold[e * C + WHEEL_NEXT] = head;
        cold[e * C + WHEEL_PREV] = NONE;
        if (head != NONE) {
            cold[head * C + WHEEL_PREV] = e;
        }
        wheel[slot] = e;
    }

    void timerDel(int e) {
        int tick = wheelTick(e);
        if (tick < 0) {
            return;
        }
        int slot = tick & (wheel.length - 1);
        int p = cold[e * C + WHEEL_PREV];
        int n = cold[e * C + WHEEL_NEXT];
        if (p != NONE) {
            cold[p * C + WHEEL_NEXT] = n;
        } else {
            wheel[slot] = n;
        }
        if (n != NONE) {
            cold[n * C + WHEEL_PREV] = p;
        }
        setWheelTick(e, -1);
    }

    /** Sets a confirmed entry's deadline; re-files it only when the deadline moved earlier. */
    void setDeadline(int e, long when) {
        int b = (e << 3) + PAD;
        slab[b + DEADLINE] = when;
        int t = (int) (slab[b + MASQ_TICK] >>> 32);
        if (t >= 0 && when >> TICK_SHIFT < (t & 0xffffffffL)) { // tick(when)
            timerDel(e);
            timerAdd(e);
        }
    }

    /** Callback for entries whose deadline has passed. */
    interface Expiry {
        void expired(int e);
    }

    /**
     * Walks the wheel slots whose time has fully passed up to {@code now}, handing every entry
     * whose deadline is due to {@code expiry} and re-filing the others. Returns the number
     * expired.
     */
    int runTimers(long now, Expiry expiry) {
        long target = tick(now) - 1;
        if (target <= wheelNow) {
            return 0;
        }
        long from = wheelNow + 1;
        if (target - from >= wheel.length) {
            from = target - wheel.length + 1;
        }
        int n = 0;
        for (long t = from; t <= target; t++) {
            wheelNow = t;
            int slot = (int) t & (wheel.length - 1);
            int e = wheel[slot];
            wheel[slot] = NONE;
            while (e != NONE) {
                int next = cold[e * C + WHEEL_NEXT];
                setWheelTick(e, -1);
                if (deadline(e) <= now) {
                    expiry.expired(e);
                    n++;
                } else {
                    timerAdd(e);
                }
                e = next;
            }
        }
        wheelNow = target;
        return n;
    }

    // ---------------------------------------------------------------- iteration

    /** Calls {@code f} for each confirmed entry (in index order, like the kernel's bucket order). */
    public void forEach(java.util.function.IntConsumer f) {
        int[] s = slots.clone();
        int mask = nodeMask;
        for (int v : s) {
            int node = (v & mask) - 1;
            if (v != 0 && (node & 1) == 0) {
                f.accept(node >>> 1);
            }
        }
    }

    // ---------------------------------------------------------------- the kernel's buckets

    /**
     * Keeps the kernel's bucket chains from now on ({@code buckets} = nf_conntrack_buckets; a
     * different count rebuilds them, as a resize rehashes). Only early_drop walks them, so a
     * table that never filled up pays nothing.
     */
    void ensureChains(int buckets) {
        if (chainHead != null && chainHead.length == buckets) {
            return;
        }
        chainHead = new int[buckets];
        Arrays.fill(chainHead, NONE);
        chainNext = new int[capacity * 2];
        for (int v : slots) {
            if (v != 0) {
                chain((v & nodeMask) - 1);
            }
        }
    }

    /** the nodes of bucket {@code b}, newest first, NONE-terminated (an O(chain) walk) */
    int[] chain(int b, int[] into) {
        int n = 0;
        for (int node = chainHead[b]; node != NONE; node = chainNext[node]) {
            if (n + 1 >= into.length) {
                into = Arrays.copyOf(into, into.length * 2);
            }
            into[n++] = node;
        }
        into[n] = NONE;
        return into;
    }

    private int bucketOfNode(int node) {
        int kb = keyBase(node);
        return bucketOf(slab[kb], slab[kb + 1] & KEY2, chainHead.length);
    }

    private void chain(int node) {
        int b = bucketOfNode(node);
        chainNext[node] = chainHead[b];
        chainHead[b] = node;
    }

    private void unchain(int node) {
        int b = bucketOfNode(node);
        int prev = NONE;
        for (int n = chainHead[b]; n != NONE; prev = n, n = chainNext[n]) {
            if (n == node) {
                if (prev == NONE) {
                    chainHead[b] = chainNext[n];
                } else {
                    chainNext[prev] = chainNext[n];
                }
                return;
            }
        }
        throw new IllegalStateException("conntrack bucket " + b + " lost node " + node);
    }

    /** reciprocal_scale(hash, buckets): the kernel's bucket of a tuple */
    int bucketOf(long k1, long k2, int buckets) {
        return (int) (((Tuple.hash(k1, k2, seed) & 0xffffffffL) * buckets) >>> 32);
    }

    // ---------------------------------------------------------------- CtView and entry fields

    public boolean isConfirmed(int e) {
        return ((int) slab[(e << 3) + (PAD + STATUS)] & CtStatus.CONFIRMED) != 0;
    }

    public long origK1(int e) {
        return slab[(e << 3) + (PAD + K1)];
    }

    public long origK2(int e) {
        return slab[(e << 3) + (PAD + K2)] & KEY2;
    }

    public long replyK1(int e) {
        return slab[(e << 3) + (PAD + RK1)];
    }

    public long replyK2(int e) {
        return slab[(e << 3) + (PAD + RK2)];
    }

    public long k1(int e, int dir) {
        return slab[(e << 3) + (dir << 1) + PAD];
    }

    public long k2(int e, int dir) {
        return slab[(e << 3) + (dir << 1) + (PAD + 1)] & KEY2;
    }

    @Override
    public int status(int e) {
        return (int) slab[(e << 3) + (PAD + STATUS)] & 0xffff;
    }

    /** the status word's low half whole: IPS bits, cached events, HAS_ACCT (the sign) */
    int statusWord(int e) {
        return (int) slab[(e << 3) + (PAD + STATUS)];
    }

    void setStatus(int e, int bits) {
        slab[(e << 3) + (PAD + STATUS)] |= bits & 0xffff;
    }

    void clearStatus(int e, int bits) {
        slab[(e << 3) + (PAD + STATUS)] &= ~(long) (bits & 0xffff);
    }

    boolean hasAcct(int e) {
        return (int) slab[(e << 3) + (PAD + STATUS)] < 0; // HAS_ACCT is the sign bit
    }

    public long packets(int e, int dir) {
        return acct == null || !hasAcct(e) ? -1 : acct[(e << 2) + (dir << 1)];
    }

    public long bytes(int e, int dir) {
        return acct == null || !hasAcct(e) ? -1 : acct[(e << 2) + (dir << 1) + 1];
    }

    void account(int e, int dir, int len) {
        account(e, statusWord(e), dir, len);
    }

    /** {@link #account} given the entry's {@link #statusWord} */
    void account(int e, int word, int dir, int len) {
        if (word < 0) { // HAS_ACCT
            int b = (e << 2) + (dir << 1);
            acct[b]++;
            acct[b + 1] += len;
        }
    }

    /** zero the counters (conntrack -Z) */
    public void zeroCounters(int e) {
        if (hasAcct(e)) {
            Arrays.fill(acct, e << 2, (e << 2) + 4, 0);
        }
    }

    /** puts back saved counters (packets, bytes per direction) or none, with the HAS_ACCT flag */
    void restoreAcct(int e, long[] saved) {
        if (saved != null) {
            if (acct == null) {
                acct = new long[capacity * 4];
            }
            slab[(e << 3) + (PAD + STATUS)] |= HAS_ACCT & LOW;
            System.arraycopy(saved, 0, acct, e << 2, 4);
        } else {
            slab[(e << 3) + (PAD + STATUS)] &= ~(HAS_ACCT & LOW);
        }
    }

    /** cached events (IPCT bits) */
    int events(int e) {
        return (int) slab[(e << 3) + (PAD + STATUS)] >>> EVENT_SHIFT & 0x7fff;
    }

    void cacheEvent(int e, int ev) {
        slab[(e << 3) + (PAD + STATUS)] |= (ev & 0x7fff) << EVENT_SHIFT;
    }

    /** sets CONFIRMED and clears the cached events in one store (no listener to deliver them to) */
    void confirmDroppingEvents(int e) {
        int b = (e << 3) + (PAD + STATUS);
        slab[b] = (slab[b] | CtStatus.CONFIRMED) & ~((long) 0x7fff << EVENT_SHIFT);
    }

    int takeEvents(int e) {
        int ev = events(e);
        if (ev != 0) { // most packets cache none: no store then
            slab[(e << 3) + (PAD + STATUS)] &= ~((long) 0x7fff << EVENT_SHIFT);
        }
        return ev;
    }

    @Override
    public int protocol(int e) {
        return (int) (slab[(e << 3) + (PAD + K2)] >>> 16) & 0xff; // Tuple.proto
    }

    @Override
    public int src(int e, int dir) {
        return Tuple.src(k1(e, dir));
    }

    @Override
    public int dst(int e, int dir) {
        return Tuple.dst(k1(e, dir));
    }

    @Override
    public int sport(int e, int dir) {
        return Tuple.sport(k2(e, dir));
    }

    @Override
    public int dport(int e, int dir) {
        return Tuple.dport(k2(e, dir));
    }

    @Override
    public String masterHelper(int e) {
        int m = ext.used ? ext.master(e) : -1;
        return m < 0 ? null : ext.helperName(m);
    }

    @Override
    public int mark(int e) {
        return (int) (slab[(e << 3) + (PAD + STATUS)] >>> 32);
    }

    @Override
    public void setMark(int e, int m) {
        if (mark(e) != m) {
            putMark(e, m);
            cacheEvent(e, CtEvent.MARK);
        }
    }

    /** sets ct->mark without an event (ctnetlink reports its own) */
    void putMark(int e, int m) {
        int b = (e << 3) + (PAD + STATUS);
        slab[b] = slab[b] & LOW | (long) m << 32;
    }

    /** nf_ct_expires() in ns: remaining time of a confirmed entry (0 when due) */
    public long expiresNanos(int e) {
        if (!isConfirmed(e)) {
            return deadline(e);
        }
        return Math.max(0, deadline(e) - nowNs);
    }

    @Override
    public long expiresSeconds(int e) {
        return expiresNanos(e) / CtConfig.NS;
    }

    public long deadline(int e) {
        return slab[(e << 3) + (PAD + DEADLINE)];
    }

    /** stores a deadline (or an unconfirmed entry's relative timeout) without touching the wheel */
    void putDeadline(int e, long v) {
        slab[(e << 3) + (PAD + DEADLINE)] = v;
    }

    @Override
    public int tcpState(int e) {
        return protocol(e) == 6 ? l4state(e) : 0;
    }

    /** the L4 tracker's state (TCP conntrack state), a signed byte */
    public int l4state(int e) {
        return (byte) (slab[(e << 3) + (PAD + K2)] >>> L4_SHIFT);
    }

    void setL4state(int e, int state) {
        int b = (e << 3) + (PAD + K2);
        slab[b] = slab[b] & KEY2 | (long) (state & 0xff) << L4_SHIFT;
    }

    /** the L4 tracker's extra word: UDP stream_ts (ns) */
    public long l4aux(int e) {
        return slab[(e << 3) + (PAD + AUX)];
    }

    void setL4aux(int e, long v) {
        slab[(e << 3) + (PAD + AUX)] = v;
    }

    @Override
    public int zone(int e) {
        return Tuple.zone(origK2(e));
    }

    public int masqIndex(int e) {
        return (int) slab[(e << 3) + (PAD + MASQ_TICK)];
    }

    public void setMasqIndex(int e, int ifindex) {
        int b = (e << 3) + (PAD + MASQ_TICK);
        slab[b] = slab[b] & HIGH | ifindex & LOW;
    }

    /** the entry's TCP state, null when it never was a TCP entry */
    public TcpConn tcp(int e) {
        return tcp == null ? null : tcp[e];
    }

    /** a cleared TCP state for a new TCP entry: the slot's object reset, or a new one */
    TcpConn newTcp(int e) {
        if (tcp == null) {
            tcp = new TcpConn[capacity];
        }
        TcpConn t = tcp[e];
        if (t == null) {
            return tcp[e] = new TcpConn();
        }
        t.reset();
        return t;
    }

    /**
     * NAT's by-source chain link (the kernel's {@code nf_conn.nat_bysource} node): the next entry
     * of the entry's chain, -1 at its end, -2 when the entry is in no chain.
     */
    public int bysrcNext(int e) {
        return cold[e * C + BYSRC] - 2;
    }

    public void setBysrcNext(int e, int next) {
        cold[e * C + BYSRC] = next + 2;
    }

    /** A stable 32-bit id for the entry ({@code conntrack -o id}). */
    public int id(int e) {
        return Tuple.hash(e, cold[e * C + GEN], seed);
    }
}
