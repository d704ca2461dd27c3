package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ARP cache's state machine with neighbour.c's default timers (retrans 1 s, reachable 30 s, 3 solicits, 3 queued). */
class NeighboursTest {
    static final long S = 1_000_000_000L;
    static final int IP = 0x0a000102;
    static final long MAC = 0x02aabbccddeeL;

    final List<String> calls = new ArrayList<>();
    final Neighbours n = new Neighbours(new Neighbours.Link() {
        @Override
        public void solicit(int port, int ip, long mac) {
            calls.add("solicit " + port + " " + (mac < 0 ? "broadcast" : Long.toHexString(mac)));
        }

        @Override
        public void release(int port, byte[] d, int len, long mac) {
            calls.add("release " + d[0] + " to " + Long.toHexString(mac));
        }

        @Override
        public void unresolved(int port, byte[] d, int len, long tag) {
            calls.add("unresolved " + d[0] + " tag " + tag);
        }
    }, 4, 30 * S, 1 * S);

    @Test
    void unresolvedNextHopQueuesAsksByBroadcastAndReleasesOnTheAnswer() {
        assertThat(n.resolve(0, IP, 0)).isEqualTo(-1);
        n.enqueue(0, IP, new byte[] {1}, 0, 1, 5, 0);
        n.enqueue(0, IP, new byte[] {2}, 0, 1, 5, S / 2); // within retrans_time: no second request
        assertThat(calls).containsExactly("solicit 0 broadcast");
        n.confirm(0, IP, MAC, true, S / 2 + 1);
        assertThat(calls).containsExactly("solicit 0 broadcast", "release 1 to 2aabbccddee", "release 2 to 2aabbccddee");
        assertThat(n.resolve(0, IP, S)).isEqualTo(MAC);
    }

    @Test
    void aFullArpQueueDropsTheOldestAndThreeUnansweredRequestsFailTheRest() {
        for (int i = 1; i <= 4; i++) {
            n.enqueue(0, IP, new byte[] {(byte) i}, 0, 1, i * 10L, 0);
        }
        assertThat(n.unresolvedDrops).isEqualTo(1);
        n.tick(S);
        n.tick(2 * S);
        assertThat(calls).containsExactly("solicit 0 broadcast", "solicit 0 broadcast", "solicit 0 broadcast");
        n.tick(3 * S);
        assertThat(calls).endsWith("unresolved 2 tag 20", "unresolved 3 tag 30", "unresolved 4 tag 40"); // the oldest went silently
        assertThat(n.state[n.find(0, IP)]).isEqualTo(Neighbours.FAILED);
        assertThat(n.unresolvedDrops).isEqualTo(4);
    }

    @Test
    void staleEntriesAreUsedWhileUnicastProbesGoOutThenGiveUp() {
        n.confirm(0, IP, MAC, true, 0);
        assertThat(n.resolve(0, IP, 29 * S)).isEqualTo(MAC);
        assertThat(calls).isEmpty();
        assertThat(n.resolve(0, IP, 31 * S)).isEqualTo(MAC); // STALE: still used, probed by unicast
        assertThat(n.resolve(0, IP, 31 * S + 1)).isEqualTo(MAC); // one probe per retrans_time
        assertThat(n.resolve(0, IP, 32 * S + 1)).isEqualTo(MAC);
        assertThat(n.resolve(0, IP, 33 * S + 2)).isEqualTo(MAC);
        assertThat(calls).containsExactly("solicit 0 2aabbccddee", "solicit 0 2aabbccddee", "solicit 0 2aabbccddee");
        assertThat(n.resolve(0, IP, 34 * S + 3)).isEqualTo(-1); // never answered: resolve again
        n.confirm(0, IP, MAC + 1, false, 35 * S);
        assertThat(n.resolve(0, IP, 35 * S)).isEqualTo(MAC + 1);
    }

    @Test
    void permanentEntriesNeverChangeAndOnlyRequestsForUsCreateEntries() {
        n.addPermanent(1, IP, MAC);
        n.confirm(1, IP, MAC + 1, true, 0);
        assertThat(n.resolve(1, IP, 1000 * S)).isEqualTo(MAC);
        n.confirm(0, IP + 1, MAC, false, 0); // someone else's ARP: not learnt
        assertThat(n.find(0, IP + 1)).isEqualTo(-1);
        assertThat(calls).isEmpty();
    }

    @Test
    void aFullCacheRefusesNewNeighbours() {
        for (int i = 0; i < 4; i++) {
            n.confirm(0, IP + i, MAC, true, 0);
        }
        n.enqueue(0, IP + 10, new byte[] {9}, 0, 1, 5, 0);
        assertThat(calls).isEmpty(); // neigh_create failed: dropped without an ICMP error
        assertThat(n.tableFullDrops).isEqualTo(1);
        assertThat(n.resolve(0, IP + 3, 1)).isEqualTo(MAC);
    }
}
