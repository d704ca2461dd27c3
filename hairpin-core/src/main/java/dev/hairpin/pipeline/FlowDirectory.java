package dev.hairpin.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The flows whose replies cannot be made home ({@link Workers}): reply tuple → the worker that
 * owns the entry, for the few bindings NAT could not steer (DNAT to a fixed address:port, a
 * one-port --to-ports, a null binding kept after a destination manip, a protocol without ports,
 * a port range with no free home port). Written by the owner when it binds such a flow and when
 * it frees it; read by the worker the reply is dispatched to, only when that worker has such
 * flows pointing at it and only where it would otherwise make a new entry. Lock-free reads
 * ({@link ConcurrentHashMap#get} with the reader's own reusable key: no allocation).
 */
final class FlowDirectory {
    private final ConcurrentHashMap<Key, Integer> owners = new ConcurrentHashMap<>();
    /** per worker: entries whose reply is dispatched to it */
    private final AtomicIntegerArray towards;

    FlowDirectory(int workers) {
        towards = new AtomicIntegerArray(workers);
    }

    /** a reply tuple as a map key; a reader's probe is mutable and reused */
    static final class Key {
        long k1;
        long k2;

        Key() {}

        Key(long k1, long k2) {
            this.k1 = k1;
            this.k2 = k2;
        }

        Key set(long k1, long k2) {
            this.k1 = k1;
            this.k2 = k2;
            return this;
        }

        @Override
        public int hashCode() {
            return dev.hairpin.conntrack.Tuple.hash(k1, k2, 0x0d1eL);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.k1 == k1 && k.k2 == k2;
        }
    }

    /** the reply tuple (k1, k2), dispatched to worker {@code target}, belongs to {@code owner} */
    void put(long k1, long k2, int owner, int target) {
        if (owners.put(new Key(k1, k2), owner) == null) {
            towards.incrementAndGet(target);
        }
    }

    /** the owner's entry with that reply tuple is gone (another worker's registration of it stays) */
    void remove(long k1, long k2, int owner, int target) {
        if (owners.remove(new Key(k1, k2), owner)) {
            towards.decrementAndGet(target);
        }
    }

    /** the owner of reply tuple {@code probe}'s flow, or -1 */
    int owner(Key probe) {
        Integer o = owners.get(probe);
        return o == null ? -1 : o;
    }

    /** how many registered replies are dispatched to worker {@code w} (0: it need not look) */
    int towards(int w) {
        return towards.get(w);
    }

    int size() {
        return owners.size();
    }
}
