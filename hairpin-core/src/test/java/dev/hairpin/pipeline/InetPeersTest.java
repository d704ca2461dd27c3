package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** inet_peer_gc()'s rule: unused peers go after a TTL that shrinks as the pool fills */
class InetPeersTest {
    static final long S = 1_000_000_000L;

    @Test
    void aNewPeerStartsFullAndKeepsItsState() {
        InetPeers p = new InetPeers();
        long[] a = p.get(1, 100 * S);
        assertThat(a[1]).isEqualTo(40 * S); // rate_last 60 s in the past
        a[0] = 7;
        assertThat(p.get(1, 101 * S)[0]).isEqualTo(7);
    }

    @Test
    void peersIdleForTheTtlAreForgottenWhenThePoolHasGrown() {
        InetPeers p = new InetPeers();
        for (int i = 0; i < 1024; i++) {
            p.get(i, 0);
        }
        p.get(5, 500 * S); // used since: kept
        // 1,024 peers: ttl = 600 s - (480 * 1024 / 65664 = 7) s = 593 s (integer steps, as the kernel's)
        p.get(5000, 592 * S);
        assertThat(p.size()).isEqualTo(1025); // nobody idle 593 s yet
        InetPeers q = new InetPeers();
        for (int i = 0; i < 1024; i++) {
            q.get(i, 0);
        }
        q.get(5, 500 * S);
        q.get(5000, 593 * S);
        assertThat(q.size()).isEqualTo(2); // peer 5 and the new one
    }

    @Test
    void fromTheThresholdOnEveryUnusedPeerGoes() {
        InetPeers p = new InetPeers();
        long now = 0;
        while (p.size() < InetPeers.THRESHOLD) {
            p.get(p.size() + 1, now += 1);
        }
        p.gc(now + 1);
        assertThat(p.size()).isZero();
    }

    @Test
    void theTtlFallsTowardsTheMinimumAsThePoolFills() {
        InetPeers p = new InetPeers();
        for (int i = 0; i < 60_000; i++) {
            p.get(i, 0);
        }
        // ttl = 600 - 480 * 60000 / 65664 = 600 - 438 = 162 s
        p.gc(161 * S);
        assertThat(p.size()).isEqualTo(60_000);
        p.gc(162 * S);
        assertThat(p.size()).isZero();
    }
}
