package dev.hairpin.rules.matches;

import java.util.HashMap;
import java.util.Map;

/**
 * One {@code struct xt_hashlimit_htable}: the flows of a --hashlimit-name in one network
 * namespace, with the configuration of the rule that made it (rules that name an existing table
 * share it, settings and all, as the kernel's htable_find_get() does). Flow keys map to entries
 * in an open-addressing table; the garbage collection runs every gcinterval, in place.
 */
final class HashlimitTable {
    /** rateinfo fields of an entry (one long[] per flow) */
    static final int PREV = 0;
    static final int CREDIT = 1;
    static final int CREDIT_CAP = 2;
    static final int COST = 3;
    static final int EXPIRES = 4;
    static final int PREV_WINDOW = 5;
    static final int CURRENT_RATE = 6;
    static final int RATE = 7;
    static final int BURST = 8;
    static final int INTERVAL = 9;
    static final int FIELDS = 10;

    final HashlimitMatch.Cfg cfg;
    /** cfg.max as htable_create() settles it */
    final int max;
    int refcnt;
    private long[] keys = new long[64];
    private long[][] vals = new long[64][];
    private int size;
    private long lastGc = Long.MIN_VALUE;

    HashlimitTable(HashlimitMatch.Cfg cfg) {
        this.cfg = cfg;
        // htable_create(): 8192 buckets by default on a machine of over 1 GB
        int sz = cfg.size() != 0 ? Math.min(cfg.size(), 1 << 20) : 8192;
        int m = Integer.compareUnsigned(cfg.max(), 1 << 20) > 0 ? 1 << 20 : cfg.max();
        this.max = m == 0 ? 8 * sz : Math.max(m, sz);
    }

    /** the tables of one namespace by name */
    static final class Registry {
        private final Map<String, HashlimitTable> byName = new HashMap<>();

        synchronized HashlimitTable acquire(String name, HashlimitMatch.Cfg cfg) {
            HashlimitTable t = byName.computeIfAbsent(name, n -> new HashlimitTable(cfg));
            t.refcnt++;
            return t;
        }

        /** htable_put(): the last rule gone, the table goes */
        synchronized void release(String name) {
            HashlimitTable t = byName.get(name);
            if (t != null && --t.refcnt <= 0) {
                byName.remove(name);
            }
        }
    }

    int size() {
        return size;
    }

    private static int slot(long k, int n) {
        long h = k * 0x9e3779b97f4a7c15L;
        return (int) (h ^ h >>> 32) & (n - 1);
    }

    long[] get(long k) {
        int n = keys.length;
        for (int i = slot(k, n); vals[i] != null; i = (i + 1) & (n - 1)) {
            if (keys[i] == k) {
                return vals[i];
            }
        }
        return null;
    }

    void put(long k, long[] v) {
        if ((size + 1) * 2 > keys.length) {
            grow(keys.length * 2);
        }
        int n = keys.length;
        int i = slot(k, n);
        while (vals[i] != null) {
            i = (i + 1) & (n - 1);
        }
        keys[i] = k;
        vals[i] = v;
        size++;
    }

    private void grow(int n) {
        long[] ok = keys;
        long[][] ov = vals;
        keys = new long[n];
        vals = new long[n][];
        for (int i = 0; i < ok.length; i++) {
            if (ov[i] != null) {
                int j = slot(ok[i], n);
                while (vals[j] != null) {
                    j = (j + 1) & (n - 1);
                }
                keys[j] = ok[i];
                vals[j] = ov[i];
            }
        }
    }

    /**
     * Empties slot {@code i} and moves later entries of its probe run back so every entry stays
     * reachable from its home slot (deletion under linear probing, without tombstones).
     */
    private void delete(int i) {
        int n = keys.length - 1;
        vals[i] = null;
        size--;
        for (int j = (i + 1) & n; vals[j] != null; j = (j + 1) & n) {
            int home = slot(keys[j], n + 1);
            // move j back to i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays) {
                keys[i] = keys[j];
                vals[i] = vals[j];
                vals[j] = null;
                i = j;
            }
        }
    }

    /**
     * htable_gc(): every gcinterval, free the entries whose expiry has come
     * ({@code time_after_eq(jiffies, expires)}). A shifted entry may wait for the next round.
     */
    void gc(long now, long hz) {
        long every = Math.max(1, cfg.gcInterval() * hz / 1000);
        if (lastGc != Long.MIN_VALUE && now - lastGc < every) {
            return;
        }
        lastGc = now;
        for (int i = 0; i < keys.length; i++) {
            while (vals[i] != null && now - vals[i][EXPIRES] >= 0) {
                delete(i);
            }
        }
    }
}
