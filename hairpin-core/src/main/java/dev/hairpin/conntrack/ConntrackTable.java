package dev.hairpin.conntrack;

import java.util.Arrays;

/**
 * The conntrack table: one compact entry per connection, found by either of its two tuples
 * (the kernel's single hash of {@code tuplehash[ORIGINAL]} and {@code tuplehash[REPLY]} nodes).
 *
 * <p>Storage is a struct-of-arrays slab indexed by entry number; the index is an open-addressing
 * table of ints ({@code entry << 1 | dir}, -1 empty) with linear probing, kept at most half full,
 * and backward-shift deletion so no tombstones accumulate. Both tuples of an entry sit in one
 * 32-byte run of {@link #keys}, so a lookup touches the index slot and one cache line.
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
    /** 4 longs per entry: original k1, k2, reply k1, k2 */
    long[] keys;
    /** IPS_* bits in the low 16, cached IPCT_* event bits in the high 16 */
    int[] status;
    /** the L4 tracker's state (TCP conntrack state) */
    byte[] l4state;
    /** absolute deadline (ns) once confirmed; the relative timeout before */
    long[] deadline;
    int[] mark;
    /** per-protocol extra: UDP stream_ts (ns) */
    long[] l4aux;
    /** MASQUERADE's out ifindex (nf_conn_nat.masq_index), 0 otherwise */
    int[] masqIndex;
    /** nf_conn_acct: packets, bytes per direction; null until accounting is turned on */
    long[] acct;
    /** timer wheel links */
    int[] wheelNext;
    int[] wheelPrev;
    int[] wheelTick;
    /** entry's slot generation, for a stable conntrack id */
    int[] gen;
    /** TCP tracking state, one reusable object per entry slot (allocated once per slot) */
    public TcpConn[] tcp;

    private int capacity;
    private int[] freeList;
    private int freeTop;
    private int highWater;
    /** entries allocated (confirmed + unconfirmed): nf_conntrack_count */
    private int count;
    private int confirmed;

    // ---- index ----
    private int[] slots;
    private int slotMask;
    private final long seed;

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
        allocate(1024);
        slots = new int[4096];
        Arrays.fill(slots, NONE);
        slotMask = slots.length - 1;
    }

    private void allocate(int cap) {
        keys = keys == null ? new long[cap * 4] : Arrays.copyOf(keys, cap * 4);
        status = grow(status, cap);
        l4state = l4state == null ? new byte[cap] : Arrays.copyOf(l4state, cap);
        deadline = deadline == null ? new long[cap] : Arrays.copyOf(deadline, cap);
        mark = grow(mark, cap);
        l4aux = l4aux == null ? new long[cap] : Arrays.copyOf(l4aux, cap);
        masqIndex = grow(masqIndex, cap);
        if (acct != null) {
            acct = Arrays.copyOf(acct, cap * 4);
        }
        wheelNext = grow(wheelNext, cap);
        wheelPrev = grow(wheelPrev, cap);
        wheelTick = grow(wheelTick, cap);
        gen = grow(gen, cap);
        tcp = tcp == null ? new TcpConn[cap] : Arrays.copyOf(tcp, cap);
        freeList = freeList == null ? new int[cap] : Arrays.copyOf(freeList, cap);
        if (chainNext != null) {
            chainNext = Arrays.copyOf(chainNext, cap * 2);
        }
        capacity = cap;
    }

    /**
     * Sizes the table for {@code entries} entries up front (as nf_conntrack_buckets and the slab
     * are sized before traffic), so filling it never doubles the arrays or rehashes the index on
     * the packet path. Changes no lookup result; only grows.
     */
    public void reserve(int entries) {
        int cap = Integer.highestOneBit(Math.max(1, entries - 1)) << 1;
        if (cap > capacity) {
            allocate(cap);
        }
        int size = Integer.highestOneBit(Math.max(1, entries * 4 - 1)) << 1; // index ≤ 50 % full
        if (size > slots.length) {
            rehash(size);
        }
    }

    private static int[] grow(int[] a, int cap) {
        return a == null ? new int[cap] : Arrays.copyOf(a, cap);
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
     * The bytes this table's arrays hold (entries at their current capacity, index, timer wheel;
     * TCP state objects at the 136 bytes a TcpConn with its two Seen takes under compact object
     * headers), array headers left out: what an entry costs
     * all-in, without the JVM's heap-region rounding.
     */
    public long footprintBytes() {
        long b = (long) keys.length * 8 + (long) status.length * 4 + l4state.length + (long) deadline.length * 8
                + (long) mark.length * 4 + (long) l4aux.length * 8 + (long) masqIndex.length * 4
                + (acct == null ? 0 : (long) acct.length * 8) + (long) wheelNext.length * 4 + (long) wheelPrev.length * 4
                + (long) wheelTick.length * 4 + (long) gen.length * 4 + (long) tcp.length * 4 + (long) freeList.length * 4
                + (long) slots.length * 4 + (long) wheel.length * 4;
        for (int e = 0; e < highWater; e++) {
            if (tcp[e] != null) {
                b += 136;
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

    /** Allocates an unconfirmed entry for an original tuple; the reply tuple is its inverse. */
    int alloc(long k1, long k2, long rk1, long rk2) {
        int e;
        if (freeTop > 0) {
            e = freeList[--freeTop];
        } else {
            if (highWater == capacity) {
                allocate(capacity * 2);
            }
            e = highWater++;
        }
        int b = e << 2;
        keys[b] = k1;
        keys[b + 1] = k2;
        keys[b + 2] = rk1;
        keys[b + 3] = rk2;
        status[e] = 0;
        l4state[e] = 0;
        deadline[e] = 0;
        mark[e] = 0;
        l4aux[e] = 0;
        masqIndex[e] = 0;
        wheelTick[e] = -1;
        gen[e]++;
        if (config.acct) {
            if (acct == null) {
                acct = new long[capacity * 4];
            }
            Arrays.fill(acct, b, b + 4, 0);
            status[e] |= HAS_ACCT;
        }
        count++;
        return e;
    }

    /** status word layout: IPS bits 0..15, cached IPCT event bits 16..30, accounting flag 31 */
    static final int EVENT_SHIFT = 16;
    /** the entry was created while nf_conntrack_acct was on (the kernel adds the acct extension then) */
    static final int HAS_ACCT = 1 << 31;

    void free(int e) {
        status[e] = 0;
        freeList[freeTop++] = e;
        count--;
    }

    // ---------------------------------------------------------------- index

    private int home(long k1, long k2) {
        return Tuple.hash(k1, k2, seed) & slotMask;
    }

    /** Finds a confirmed entry's node ({@code entry << 1 | dir}) by tuple, -1 when none. */
    public int find(long k1, long k2) {
        int i = home(k1, k2);
        int[] s = slots;
        long[] k = keys;
        while (true) {
            int node = s[i];
            if (node == NONE) {
                return NONE;
            }
            int b = (node >>> 1 << 2) + ((node & 1) << 1);
            if (k[b] == k1 && k[b + 1] == k2) {
                return node;
            }
            i = (i + 1) & slotMask;
        }
    }

    /**
     * Reads the index slot a tuple hashes to and the hot fields of the entry found there, and
     * nothing else: a batch does this for all its packets before processing any, so their cache
     * misses overlap instead of queueing one after another (plain loads; Java has no prefetch).
     * The result means nothing; it only keeps the loads from being optimised away.
     */
    public int touch(long k1, long k2) {
        int node = slots[home(k1, k2)];
        if (node == NONE) {
            return 0;
        }
        int e = node >>> 1;
        return (int) keys[e << 2] + status[e] + (int) deadline[e] + masqIndex[e] + (int) l4aux[e] + wheelTick[e];
    }

    /**
     * Reads the index slot a tuple hashes to and the key of the entry found there: what a
     * lookup of a tuple that is probably absent reads first (a new flow's reply), for a batch
     * to overlap the misses ({@link #touch} reads an entry's hot fields as well). The result
     * means nothing.
     */
    public int touchIndex(long k1, long k2) {
        int node = slots[home(k1, k2)];
        return node == NONE ? 0 : (int) keys[(node >>> 1 << 2) + ((node & 1) << 1)];
    }

    void insert(int e) {
        if ((confirmed + 1) * 4 > slots.length) {
            rehash(slots.length * 2);
        }
        int b = e << 2;
        put(keys[b], keys[b + 1], e << 1);
        put(keys[b + 2], keys[b + 3], (e << 1) | 1);
        confirmed++;
        if (chainHead != null) {
            chain(e << 1);
            chain((e << 1) | 1);
        }
    }

    private void put(long k1, long k2, int node) {
        int i = home(k1, k2);
        while (slots[i] != NONE) {
            i = (i + 1) & slotMask;
        }
        slots[i] = node;
    }

    void unlink(int e) {
        int b = e << 2;
        remove(keys[b], keys[b + 1], e << 1);
        remove(keys[b + 2], keys[b + 3], (e << 1) | 1);
        confirmed--;
        if (chainHead != null) {
            unchain(e << 1);
            unchain((e << 1) | 1);
        }
    }

    private void remove(long k1, long k2, int node) {
        int i = home(k1, k2);
        while (slots[i] != node) {
            if (slots[i] == NONE) {
                throw new IllegalStateException("conntrack index lost node " + node);
            }
            i = (i + 1) & slotMask;
        }
        // backward-shift deletion: pull later members of the probe run into the hole
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & slotMask;
            int n = slots[j];
            if (n == NONE) {
                break;
            }
            int kb = (n >>> 1 << 2) + ((n & 1) << 1);
            int h = home(keys[kb], keys[kb + 1]);
            // move n to the hole when its home is not cyclically in (hole, j]
            if (((j - h) & slotMask) >= ((j - hole) & slotMask)) {
                slots[hole] = n;
                hole = j;
            }
        }
        slots[hole] = NONE;
    }

    private void rehash(int newSize) {
        int[] old = slots;
        slots = new int[newSize];
        Arrays.fill(slots, NONE);
        slotMask = newSize - 1;
        for (int n : old) {
            if (n != NONE) {
                int kb = (n >>> 1 << 2) + ((n & 1) << 1);
                put(keys[kb], keys[kb + 1], n);
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

    void alterReply(int e, long rk1, long rk2) {
        keys[(e << 2) + 2] = rk1;
        keys[(e << 2) + 3] = rk2;
    }

    // ---------------------------------------------------------------- timers

    private static long tick(long ns) {
        return ns >> TICK_SHIFT;
    }

    void timerAdd(int e) {
        long t = tick(deadline[e]);
        if (t <= wheelNow) {
            t = wheelNow + 1;
        }
        int slot = (int) t & (wheel.length - 1);
        wheelTick[e] = (int) t;
        int head = wheel[slot];
        wheelNext[e] = head;
        wheelPrev[e] = NONE;
        if (head != NONE) {
            wheelPrev[head] = e;
        }
        wheel[slot] = e;
    }

    void timerDel(int e) {
        if (wheelTick[e] < 0) {
            return;
        }
        int slot = wheelTick[e] & (wheel.length - 1);
        int p = wheelPrev[e];
        int n = wheelNext[e];
        if (p != NONE) {
            wheelNext[p] = n;
        } else {
            wheel[slot] = n;
        }
        if (n != NONE) {
            wheelPrev[n] = p;
        }
        wheelTick[e] = -1;
    }

    /** Sets a confirmed entry's deadline; re-files it only when the deadline moved earlier. */
    void setDeadline(int e, long when) {
        deadline[e] = when;
        if (wheelTick[e] >= 0 && tick(when) < (wheelTick[e] & 0xffffffffL)) {
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
                int next = wheelNext[e];
                wheelTick[e] = -1;
                if (deadline[e] <= now) {
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
        for (int n : s) {
            if (n != NONE && (n & 1) == 0) {
                f.accept(n >>> 1);
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
        for (int n : slots) {
            if (n != NONE) {
                chain(n);
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
        int kb = (node >>> 1 << 2) + ((node & 1) << 1);
        return bucketOf(keys[kb], keys[kb + 1], chainHead.length);
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

    // ---------------------------------------------------------------- CtView

    public boolean isConfirmed(int e) {
        return (status[e] & CtStatus.CONFIRMED) != 0;
    }

    public long origK1(int e) {
        return keys[e << 2];
    }

    public long origK2(int e) {
        return keys[(e << 2) + 1];
    }

    public long replyK1(int e) {
        return keys[(e << 2) + 2];
    }

    public long replyK2(int e) {
        return keys[(e << 2) + 3];
    }

    public long k1(int e, int dir) {
        return keys[(e << 2) + (dir << 1)];
    }

    public long k2(int e, int dir) {
        return keys[(e << 2) + (dir << 1) + 1];
    }

    @Override
    public int status(int e) {
        return status[e] & 0xffff;
    }

    void setStatus(int e, int bits) {
        status[e] |= bits & 0xffff;
    }

    void clearStatus(int e, int bits) {
        status[e] &= ~(bits & 0xffff);
    }

    boolean hasAcct(int e) {
        return (status[e] & HAS_ACCT) != 0;
    }

    public long packets(int e, int dir) {
        return acct == null || !hasAcct(e) ? -1 : acct[(e << 2) + (dir << 1)];
    }

    public long bytes(int e, int dir) {
        return acct == null || !hasAcct(e) ? -1 : acct[(e << 2) + (dir << 1) + 1];
    }

    void account(int e, int dir, int len) {
        if ((status[e] & HAS_ACCT) != 0) {
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

    /** cached events (IPCT bits) */
    int events(int e) {
        return status[e] >>> EVENT_SHIFT & 0x7fff;
    }

    void cacheEvent(int e, int ev) {
        status[e] |= (ev & 0x7fff) << EVENT_SHIFT;
    }

    int takeEvents(int e) {
        int ev = events(e);
        if (ev != 0) { // most packets cache none: no store then
            status[e] &= ~(0x7fff << EVENT_SHIFT);
        }
        return ev;
    }

    @Override
    public int protocol(int e) {
        return Tuple.proto(keys[(e << 2) + 1]);
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
    public int mark(int e) {
        return mark[e];
    }

    @Override
    public void setMark(int e, int m) {
        if (mark[e] != m) {
            mark[e] = m;
            cacheEvent(e, CtEvent.MARK);
        }
    }

    /** nf_ct_expires() in ns: remaining time of a confirmed entry (0 when due) */
    public long expiresNanos(int e) {
        if (!isConfirmed(e)) {
            return deadline[e];
        }
        return Math.max(0, deadline[e] - nowNs);
    }

    @Override
    public long expiresSeconds(int e) {
        return expiresNanos(e) / CtConfig.NS;
    }

    public long deadline(int e) {
        return deadline[e];
    }

    @Override
    public int tcpState(int e) {
        return protocol(e) == 6 ? l4state[e] : 0;
    }

    public int l4state(int e) {
        return l4state[e];
    }

    void setL4state(int e, int state) {
        l4state[e] = (byte) state;
    }

    /** the L4 tracker's extra word: UDP stream_ts (ns) */
    public long l4aux(int e) {
        return l4aux[e];
    }

    void setL4aux(int e, long v) {
        l4aux[e] = v;
    }

    /** stores a deadline (or an unconfirmed entry's relative timeout) without touching the wheel */
    void putDeadline(int e, long v) {
        deadline[e] = v;
    }

    /** sets ct->mark without an event (ctnetlink reports its own) */
    void putMark(int e, int m) {
        mark[e] = m;
    }

    /** the entry's TCP state, null when it never was a TCP entry */
    public TcpConn tcp(int e) {
        return tcp[e];
    }

    /** a cleared TCP state for a new TCP entry: the slot's object reset, or a new one */
    TcpConn newTcp(int e) {
        TcpConn t = tcp[e];
        if (t == null) {
            return tcp[e] = new TcpConn();
        }
        t.reset();
        return t;
    }

    /** puts back saved counters (packets, bytes per direction) or none, with the HAS_ACCT flag */
    void restoreAcct(int e, long[] saved) {
        if (saved != null) {
            if (acct == null) {
                acct = new long[capacity * 4];
            }
            status[e] |= HAS_ACCT;
            System.arraycopy(saved, 0, acct, e << 2, 4);
        } else {
            status[e] &= ~HAS_ACCT;
        }
    }

    @Override
    public int zone(int e) {
        return Tuple.zone(keys[(e << 2) + 1]);
    }

    public int masqIndex(int e) {
        return masqIndex[e];
    }

    public void setMasqIndex(int e, int ifindex) {
        masqIndex[e] = ifindex;
    }

    /** A stable 32-bit id for the entry ({@code conntrack -o id}). */
    public int id(int e) {
        return Tuple.hash(e, gen[e], seed);
    }
}
