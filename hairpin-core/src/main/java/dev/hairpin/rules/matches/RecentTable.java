package dev.hairpin.rules.matches;

/**
 * One named list of {@code -m recent} ({@code struct recent_table} of xt_recent.c): at most
 * {@link #LIST_TOT} addresses, found by hash, kept in an LRU list that only a set or an update
 * moves (a check does not), each with a ring of timestamps. The oldest entry makes room for a new
 * one. Nothing here allocates once the list is full: evicted entries are reused.
 */
final class RecentTable {
    /** ip_list_tot, the module's default number of addresses per list */
    static final int LIST_TOT = 100;
    private static final int BUCKETS = 128;

    /** One address: {@code struct recent_entry}. */
    static final class Entry {
        int addr;
        int ttl;
        /** the timestamp ring (nanoseconds); {@code index} is where the next one goes */
        long[] stamps;
        int index;
        int nstamps;
        Entry hashNext;
        Entry lruPrev;
        Entry lruNext;
    }

    final int mask;
    /** how many installed rules use the list */
    int refcnt;
    /** nstamps_max_mask + 1: timestamps per address, a power of two */
    int nstamps;
    private final Entry[] buckets = new Entry[BUCKETS];
    /** sentinel of the LRU list: lru.lruNext is the oldest entry */
    private final Entry lru = new Entry();
    private int entries;
    private Entry spare;

    RecentTable(int mask, int nstamps) {
        this.mask = mask;
        this.nstamps = nstamps;
        lru.lruNext = lru;
        lru.lruPrev = lru;
    }

    private static int hash(int addr) {
        int h = addr * 0x9E3779B9;
        return (h ^ h >>> 16) & (BUCKETS - 1);
    }

    /** recent_entry_lookup(): ttl 0 matches any entry, as does an entry stored with ttl 0 */
    Entry lookup(int addr, int ttl) {
        for (Entry e = buckets[hash(addr)]; e != null; e = e.hashNext) {
            if (e.addr == addr && (ttl == e.ttl || ttl == 0 || e.ttl == 0)) {
                return e;
            }
        }
        return null;
    }

    /** recent_entry_init(): a new newest entry with one timestamp, evicting the oldest if full */
    Entry init(int addr, int ttl, long now) {
        if (entries >= LIST_TOT) {
            remove(lru.lruNext);
        }
        Entry e = spare;
        if (e != null && e.stamps.length == nstamps) {
            spare = null;
        } else {
            e = new Entry();
            e.stamps = new long[nstamps];
        }
        e.addr = addr;
        e.ttl = ttl;
        e.stamps[0] = now;
        e.nstamps = 1;
        e.index = 1;
        int h = hash(addr);
        e.hashNext = buckets[h];
        buckets[h] = e;
        linkNewest(e);
        entries++;
        return e;
    }

    /** recent_entry_update(): one more timestamp (overwriting the oldest), and newest in LRU */
    void update(Entry e, long now) {
        e.index &= nstamps - 1;
        e.stamps[e.index++] = now;
        if (e.index > e.nstamps) {
            e.nstamps = e.index;
        }
        unlinkLru(e);
        linkNewest(e);
    }

    /**
     * recent_entry_reap(): drop the oldest entry when even its latest timestamp is before
     * {@code time}, unless it is {@code working} and about to be updated.
     */
    void reap(long time, Entry working, boolean update) {
        Entry e = lru.lruNext;
        if (e == lru || e == working && update) {
            return;
        }
        if (time - e.stamps[(e.index - 1) & (nstamps - 1)] > 0) {
            remove(e);
        }
    }

    void remove(Entry e) {
        int h = hash(e.addr);
        if (buckets[h] == e) {
            buckets[h] = e.hashNext;
        } else {
            Entry p = buckets[h];
            while (p.hashNext != e) {
                p = p.hashNext;
            }
            p.hashNext = e.hashNext;
        }
        e.hashNext = null;
        unlinkLru(e);
        entries--;
        spare = e;
    }

    /** recent_table_flush(), and a new number of timestamps per address */
    void flush(int newNstamps) {
        while (lru.lruNext != lru) {
            remove(lru.lruNext);
        }
        nstamps = newNstamps;
        spare = null;
    }

    int size() {
        return entries;
    }

    private void linkNewest(Entry e) {
        e.lruPrev = lru.lruPrev;
        e.lruNext = lru;
        lru.lruPrev.lruNext = e;
        lru.lruPrev = e;
    }

    private static void unlinkLru(Entry e) {
        e.lruPrev.lruNext = e.lruNext;
        e.lruNext.lruPrev = e.lruPrev;
        e.lruPrev = null;
        e.lruNext = null;
    }
}
