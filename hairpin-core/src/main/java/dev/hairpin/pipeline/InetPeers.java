package dev.hairpin.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * inetpeer.c's store of per-address state that outlives routes: ICMP error and redirect rate
 * limiting keep their token bucket here (rate_tokens, rate_last, n_redirects). Like the
 * kernel's, it forgets peers nobody used for a while, so a long-running gateway facing many
 * addresses does not grow without bound: inet_peer_gc() frees an unused peer whose last use
 * (dtime) is at least a TTL old, the TTL falling from inet_peer_maxttl (10 min) towards
 * inet_peer_minttl (2 min) as the pool fills, and 0 (every unused peer) from
 * inet_peer_threshold on. The kernel collects along a creation's tree walk; here a creation
 * sweeps the whole pool whenever it has doubled since the last sweep, the same rule applied to
 * all peers at once. Forgetting is invisible to the buckets' arithmetic in practice: a new
 * peer starts full (60 s in the past), which any peer idle for 2 min already is at the
 * default rates.
 */
final class InetPeers {
    /** inet_peer_threshold (65536 + 128), inet_peer_minttl (120 s), inet_peer_maxttl (600 s) */
    static final int THRESHOLD = 65536 + 128;
    static final long MIN_TTL = 120_000_000_000L;
    static final long MAX_TTL = 600_000_000_000L;
    /** a new peer's rate_last: 60 s in the past (its bucket full) */
    private static final long NEW_PAST = 60_000_000_000L;
    private static final int FIRST_SWEEP = 1024;

    /** per address: rate_tokens, rate_last, n_redirects, dtime (the last lookup) */
    private final Map<Integer, long[]> peers = new HashMap<>();
    private int sweepAt = FIRST_SWEEP;

    /** inet_getpeer(create): the address's peer, made (full) if it has none; its use is now */
    long[] get(int addr, long now) {
        long[] p = peers.get(addr);
        if (p == null) {
            if (peers.size() >= sweepAt) {
                gc(now);
            }
            p = new long[] {0, now - NEW_PAST, 0, now};
            peers.put(addr, p);
        }
        p[3] = now;
        return p;
    }

    /** inet_peer_gc() over the whole pool */
    void gc(long now) {
        int total = peers.size();
        long ttl = total >= THRESHOLD ? 0 : MAX_TTL - (MAX_TTL - MIN_TTL) / 1_000_000_000L * total / THRESHOLD * 1_000_000_000L;
        peers.values().removeIf(p -> now - p[3] >= ttl);
        sweepAt = Math.max(FIRST_SWEEP, peers.size() * 2);
    }

    int size() {
        return peers.size();
    }
}
