package dev.hairpin.rules.nft;

import java.util.Arrays;

/**
 * A map from long keys to values, open addressing with linear probing and backward-shift
 * deletion: a dynamic set's lookups box nothing (rules with a set run for every packet).
 */
final class LongMap<V> {
    private long[] keys = new long[16];
    private Object[] vals = new Object[16];
    private int size;

    int size() {
        return size;
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 32) & (keys.length - 1);
    }

    @SuppressWarnings("unchecked")
    V get(long k) {
        for (int i = slot(k); vals[i] != null; i = i + 1 & keys.length - 1) {
            if (keys[i] == k) {
                return (V) vals[i];
            }
        }
        return null;
    }

    void put(long k, V v) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(k);
        for (; vals[i] != null; i = i + 1 & keys.length - 1) {
            if (keys[i] == k) {
                vals[i] = v;
                return;
            }
        }
        keys[i] = k;
        vals[i] = v;
        size++;
    }

    void remove(long k) {
        int mask = keys.length - 1;
        int i = slot(k);
        for (; vals[i] != null; i = i + 1 & mask) {
            if (keys[i] == k) {
                break;
            }
        }
        if (vals[i] == null) {
            return;
        }
        vals[i] = null;
        size--;
        for (int j = i + 1 & mask; vals[j] != null; j = j + 1 & mask) { // shift back what probed past i
            int home = slot(keys[j]);
            if ((j - home & mask) >= (j - i & mask)) {
                keys[i] = keys[j];
                vals[i] = vals[j];
                vals[j] = null;
                i = j;
            }
        }
    }

    /** the keys, sorted unsigned (as nft lists a set's elements) */
    long[] sortedKeys() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (vals[i] != null) {
                out[n++] = keys[i] ^ Long.MIN_VALUE;
            }
        }
        Arrays.sort(out);
        for (int i = 0; i < n; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        return out;
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new Object[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ov[i] != null) {
                @SuppressWarnings("unchecked")
                V v = (V) ov[i];
                put(ok[i], v);
            }
        }
    }
}
