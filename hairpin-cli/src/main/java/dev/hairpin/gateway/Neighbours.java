package dev.hairpin.gateway;

import java.util.Arrays;

/**
 * The IPv4 neighbour (ARP) cache of the gateway's devices, after net/core/neighbour.c with the
 * default timers: an unresolved next hop is INCOMPLETE and asked for by broadcast every
 * {@code retransNs} (mcast_solicit = 3 tries) while up to {@link #QUEUE} packets wait
 * (arp_queue); a confirmed entry is REACHABLE for {@code reachableNs} (base_reachable_time),
 * then STALE: still used, but the next use sends unicast probes (ucast_solicit = 3), and a
 * neighbour that answers none goes back to INCOMPLETE. PERMANENT entries (ip neigh ... PERMANENT
 * in the snapshot) never change. At most {@code capacity} entries (gc_thresh3); lookups of
 * resolved entries allocate nothing. Owned by the packet thread.
 */
final class Neighbours {
    static final int NONE = 0;
    static final int INCOMPLETE = 1;
    static final int REACHABLE = 2;
    static final int STALE = 3;
    static final int PERMANENT = 4;
    static final int FAILED = 5;
    static final String[] STATE_NAMES = {"NONE", "INCOMPLETE", "REACHABLE", "STALE", "PERMANENT", "FAILED"};
    static final int QUEUE = 3;
    static final int SOLICIT = 3;

    /** What the cache asks of the data plane. */
    interface Link {
        /** ARP request for {@code ip} on port {@code port}: broadcast when {@code mac} is -1, else unicast */
        void solicit(int port, int ip, long mac);

        /** a queued datagram can now go to {@code mac} */
        void release(int port, byte[] datagram, int len, long mac);

        /**
         * a queued datagram was dropped because the neighbour never answered (neigh_invalidate
         * → arp_error_report); {@code tag} is what {@link #enqueue} was given with it
         */
        void unresolved(int port, byte[] datagram, int len, long tag);
    }

    private final Link link;
    final int capacity;
    final long reachableNs;
    final long retransNs;
    private final long[] keys; // (port << 32 | ip) + 1, 0 = free
    private final int[] index; // entry for the key slot
    private final int mask;
    int size;
    final int[] port;
    final int[] ip;
    final long[] mac;
    final int[] state;
    final long[] confirmed;
    final long[] lastSolicit;
    final int[] probes;
    private final byte[][][] queue;
    private final int[][] queueLen;
    private final long[][] queueTag;
    private final int[] queued;
    long unresolvedDrops;
    long tableFullDrops;

    Neighbours(Link link, int capacity, long reachableNs, long retransNs) {
        this.link = link;
        this.capacity = capacity;
        this.reachableNs = reachableNs;
        this.retransNs = retransNs;
        int slots = Integer.highestOneBit(capacity * 2 - 1) << 1;
        keys = new long[slots];
        index = new int[slots];
        mask = slots - 1;
        port = new int[capacity];
        ip = new int[capacity];
        mac = new long[capacity];
        state = new int[capacity];
        confirmed = new long[capacity];
        lastSolicit = new long[capacity];
        probes = new int[capacity];
        queue = new byte[capacity][][];
        queueLen = new int[capacity][];
        queueTag = new long[capacity][];
        queued = new int[capacity];
    }

    private static long key(int port, int ip) {
        return (((long) port << 32) | (ip & 0xffffffffL)) + 1;
    }

    /** the entry for (port, ip), or -1 */
    int find(int port, int ip) {
        long k = key(port, ip);
        int h = (int) (k ^ (k >>> 29)) * 0x9e3779b9;
        for (int i = h & mask;; i = (i + 1) & mask) {
            long s = keys[i];
            if (s == 0) {
                return -1;
            }
            if (s == k) {
                return index[i];
            }
        }
    }

    /** the entry for (port, ip), created as NONE when missing; -1 when the table is full */
    int findOrCreate(int p, int a) {
        int e = find(p, a);
        if (e >= 0) {
            return e;
        }
        if (size == capacity) {
            tableFullDrops++;
            return -1;
        }
        e = size++;
        port[e] = p;
        ip[e] = a;
        state[e] = NONE;
        long k = key(p, a);
        int h = (int) (k ^ (k >>> 29)) * 0x9e3779b9;
        int i = h & mask;
        while (keys[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        index[i] = e;
        return e;
    }

    void addPermanent(int p, int a, long m) {
        int e = findOrCreate(p, a);
        if (e >= 0) {
            mac[e] = m;
            state[e] = PERMANENT;
        }
    }

    /**
     * neigh_resolve_output(): the MAC for sending to {@code a} on port {@code p} at {@code now},
     * or -1 when the datagram must wait ({@link #enqueue}) or be dropped.
     */
    long resolve(int p, int a, long now) {
        int e = find(p, a);
        if (e >= 0) {
            int st = state[e];
            if (st == REACHABLE) {
                if (now - confirmed[e] < reachableNs) {
                    return mac[e];
                }
                state[e] = STALE;
                st = STALE;
                probes[e] = 0;
            }
            if (st == PERMANENT) {
                return mac[e];
            }
            if (st == STALE) {
                if (probes[e] < SOLICIT) {
                    if (now - lastSolicit[e] >= retransNs) {
                        lastSolicit[e] = now;
                        probes[e]++;
                        link.solicit(p, a, mac[e]);
                    }
                    return mac[e];
                }
                state[e] = INCOMPLETE; // never answered: ask everyone again
                probes[e] = 0;
                lastSolicit[e] = Long.MIN_VALUE / 2;
            }
        }
        return -1;
    }

    /**
     * Keeps a copy of an unresolved datagram (the oldest goes when full, silently, as
     * __neigh_event_send drops it) and asks for its MAC. {@code tag} comes back with the datagram
     * if it fails. A full cache drops the datagram silently too (neigh_create fails).
     */
    void enqueue(int p, int a, byte[] buf, int off, int len, long tag, long now) {
        int e = findOrCreate(p, a);
        if (e < 0) {
            return;
        }
        if (state[e] == NONE || state[e] == FAILED) {
            state[e] = INCOMPLETE;
            probes[e] = 0;
            lastSolicit[e] = Long.MIN_VALUE / 2;
        }
        if (queue[e] == null) {
            queue[e] = new byte[QUEUE][];
            queueLen[e] = new int[QUEUE];
            queueTag[e] = new long[QUEUE];
        }
        if (queued[e] == QUEUE) { // arp_queue full: drop the oldest
            unresolvedDrops++;
            System.arraycopy(queue[e], 1, queue[e], 0, QUEUE - 1);
            System.arraycopy(queueLen[e], 1, queueLen[e], 0, QUEUE - 1);
            System.arraycopy(queueTag[e], 1, queueTag[e], 0, QUEUE - 1);
            queued[e]--;
        }
        queue[e][queued[e]] = Arrays.copyOfRange(buf, off, off + len);
        queueLen[e][queued[e]] = len;
        queueTag[e][queued[e]] = tag;
        queued[e]++;
        if (now - lastSolicit[e] >= retransNs) {
            solicit(e, now);
        }
    }

    private void solicit(int e, long now) {
        lastSolicit[e] = now;
        probes[e]++;
        link.solicit(port[e], ip[e], -1);
    }

    /**
     * arp_process(): {@code a} on port {@code p} has {@code m}. Creates the entry when
     * {@code create} (a request addressed to us, or an answer we asked for), else only updates.
     */
    void confirm(int p, int a, long m, boolean create, long now) {
        int e = create ? findOrCreate(p, a) : find(p, a);
        if (e < 0 || state[e] == PERMANENT) {
            return;
        }
        mac[e] = m;
        state[e] = REACHABLE;
        confirmed[e] = now;
        probes[e] = 0;
        for (int i = 0; i < queued[e]; i++) {
            link.release(p, queue[e][i], queueLen[e][i], m);
            queue[e][i] = null;
        }
        queued[e] = 0;
    }

    /** neigh_timer_handler() for INCOMPLETE entries: ask again, or give up and drop what waits. */
    void tick(long now) {
        for (int e = 0; e < size; e++) {
            if (state[e] != INCOMPLETE || now - lastSolicit[e] < retransNs) {
                continue;
            }
            if (probes[e] < SOLICIT) {
                solicit(e, now);
                continue;
            }
            state[e] = FAILED;
            for (int i = 0; i < queued[e]; i++) {
                unresolvedDrops++;
                link.unresolved(port[e], queue[e][i], queueLen[e][i], queueTag[e][i]);
                queue[e][i] = null;
            }
            queued[e] = 0;
        }
    }

    static long macOf(byte[] b, int off) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (b[off + i] & 0xff);
        }
        return m;
    }

    static String macString(long m) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (m >>> (i * 8)) & 0xff));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
