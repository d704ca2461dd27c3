package dev.hairpin.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The table against plain models: a {@link HashMap} from tuple to node for the index, a stack for
 * the free list (the last entry freed is the next one allocated), a per-slot allocation count for
 * the ids, and the fields an entry carries, over random sequences of creation, deletion,
 * unconfirmed entries dropped, lookups, field writes and reservations, long enough to grow the
 * entry slab and the index past their first sizes.
 */
class ConntrackTableModelTest {
    private static final long SEED = 7;

    record Key(long k1, long k2) {}

    /** what the model knows of one allocated entry */
    static final class Entry {
        long k1;
        long k2;
        long rk1;
        long rk2;
        boolean confirmed;
        int mark;
        int masq;
        int l4state;
        long l4aux;
        long deadline;
        int status;
    }

    static final class Model {
        final Map<Key, Integer> index = new HashMap<>();
        final Map<Integer, Entry> live = new HashMap<>();
        final ArrayDeque<Integer> free = new ArrayDeque<>();
        final Map<Integer, Integer> gen = new HashMap<>();
        int highWater;

        int nextAlloc() {
            return free.isEmpty() ? highWater : free.peek();
        }
    }

    private static long randomK1(SplittableRandom r) {
        return Tuple.k1(0x0a000000 | r.nextInt(16), 0xc6336400 | r.nextInt(4));
    }

    private static long randomK2(SplittableRandom r, int ports) {
        return Tuple.k2(1024 + r.nextInt(ports), r.nextBoolean() ? 53 : 80, r.nextBoolean() ? 17 : 6, r.nextInt(8) == 0 ? 1 : 0);
    }

    @Property(tries = 60)
    void indexFreeListIdsAndFieldsAgreeWithAModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7000) int steps,
            @ForAll @IntRange(min = 4, max = 400) int ports) {
        SplittableRandom r = new SplittableRandom(seed);
        CtConfig cfg = new CtConfig();
        ConntrackTable t = new ConntrackTable(cfg, SEED);
        Model m = new Model();
        List<Integer> pending = new ArrayList<>(); // allocated, never confirmed
        for (int step = 0; step < steps; step++) {
            int op = r.nextInt(100);
            if (op < 50) { // a new connection: alloc, maybe NAT its reply, confirm
                long k1 = randomK1(r);
                long k2 = randomK2(r, ports);
                long rk1 = Tuple.invertK1(k1);
                long rk2 = Tuple.invertK2(k2);
                if (r.nextInt(3) == 0) { // source NAT: the reply goes to another port
                    rk2 = Tuple.k2(Tuple.sport(rk2), 1024 + r.nextInt(60000), Tuple.proto(rk2), Tuple.zone(rk2));
                }
                Key o = new Key(k1, k2);
                Key rep = new Key(rk1, rk2);
                if (m.index.containsKey(o) || m.index.containsKey(rep) || o.equals(rep)) {
                    assertThat(t.find(k1, k2)).isEqualTo(m.index.getOrDefault(o, -1));
                    continue;
                }
                int e = alloc(t, m, k1, k2, Tuple.invertK1(k1), Tuple.invertK2(k2));
                if (rk2 != Tuple.invertK2(k2)) {
                    t.alterReplyPublic(e, rk1, rk2);
                    m.live.get(e).rk2 = rk2;
                }
                t.setStatus(e, CtStatus.CONFIRMED);
                t.insert(e);
                Entry x = m.live.get(e);
                x.confirmed = true;
                x.status |= CtStatus.CONFIRMED;
                m.index.put(o, e << 1);
                m.index.put(rep, (e << 1) | 1);
            } else if (op < 70) { // delete a confirmed entry
                List<Integer> conf = confirmedOf(m);
                if (conf.isEmpty()) {
                    continue;
                }
                int e = conf.get(r.nextInt(conf.size()));
                Entry x = m.live.remove(e);
                t.unlink(e);
                t.free(e);
                m.index.remove(new Key(x.k1, x.k2));
                m.index.remove(new Key(x.rk1, x.rk2));
                m.free.push(e);
                assertThat(t.find(x.k1, x.k2)).isEqualTo(-1);
                assertThat(t.find(x.rk1, x.rk2)).isEqualTo(-1);
            } else if (op < 76) { // a packet's entry that is dropped before confirmation
                if (!pending.isEmpty() && r.nextBoolean()) {
                    int e = pending.remove(r.nextInt(pending.size()));
                    m.live.remove(e);
                    t.free(e);
                    m.free.push(e);
                } else {
                    long k1 = randomK1(r);
                    long k2 = randomK2(r, ports);
                    pending.add(alloc(t, m, k1, k2, Tuple.invertK1(k1), Tuple.invertK2(k2)));
                }
            } else if (op < 90) { // lookups, present or not
                long k1 = randomK1(r);
                long k2 = randomK2(r, ports);
                assertThat(t.find(k1, k2)).isEqualTo(m.index.getOrDefault(new Key(k1, k2), -1));
                Key any = anyKey(m, r);
                if (any != null) {
                    assertThat(t.find(any.k1(), any.k2())).isEqualTo(m.index.get(any));
                }
            } else if (op < 99) { // field writes on a live entry
                if (m.live.isEmpty()) {
                    continue;
                }
                List<Integer> all = new ArrayList<>(m.live.keySet());
                int e = all.get(r.nextInt(all.size()));
                Entry x = m.live.get(e);
                switch (r.nextInt(6)) {
                    case 0 -> t.setL4state(e, x.l4state = (byte) r.nextInt(256));
                    case 1 -> t.putMark(e, x.mark = r.nextInt());
                    case 2 -> t.setMasqIndex(e, x.masq = r.nextInt());
                    case 3 -> t.setL4aux(e, x.l4aux = r.nextLong());
                    case 4 -> t.putDeadline(e, x.deadline = r.nextLong());
                    default -> {
                        int bits = r.nextInt(1 << 16) & ~CtStatus.CONFIRMED;
                        t.setStatus(e, bits);
                        x.status |= bits;
                    }
                }
            } else { // an operator sizes the table (any size, not only powers of two)
                t.reserve(t.count() + r.nextInt(5000));
            }
            if (step % 500 == 499) {
                checkAll(t, m);
            }
        }
        checkAll(t, m);
    }

    /**
     * Growth without reservation (entry slab and index doubling, slot layout widening as the
     * entry count passes powers of two), then churn at the index's fullest: probe runs long
     * enough that slots' distances saturate and deletion must read the keys to move them.
     */
    @Property(tries = 30)
    void growthAndChurnAtFullLoadKeepEveryTupleFindable(@ForAll long seed, @ForAll @IntRange(min = 1000, max = 9000) int size) {
        SplittableRandom r = new SplittableRandom(seed);
        ConntrackTable t = new ConntrackTable(new CtConfig(), SEED);
        Map<Key, Integer> index = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        int[] next = {r.nextInt(1 << 20)};
        if (r.nextBoolean()) { // packets in flight grew the slab, not the index: high entries, few nodes
            int[] held = new int[size];
            for (int i = 0; i < size; i++) {
                held[i] = t.alloc(Tuple.k1(0x0a000009, 0xc6336401), Tuple.k2(i, 7, 17, 0), 0, 0);
            }
            for (int e : held) {
                t.free(e);
            }
        }
        while (live.size() < size) {
            if (r.nextInt(10) == 0 && !live.isEmpty()) {
                delete(t, index, live, r);
            } else {
                add(t, index, live, next);
            }
        }
        // the index holds 2 * size nodes; fill it to just under its 3/4 limit by churning at size
        for (int i = 0; i < 4 * size; i++) {
            delete(t, index, live, r);
            add(t, index, live, next);
            if (i % 1000 == 0) {
                index.forEach((k, node) -> assertThat(t.find(k.k1(), k.k2())).isEqualTo(node));
            }
        }
        index.forEach((k, node) -> assertThat(t.find(k.k1(), k.k2())).isEqualTo(node));
        assertThat(t.confirmedCount()).isEqualTo(live.size());
    }

    private static void add(ConntrackTable t, Map<Key, Integer> index, List<Integer> live, int[] next) {
        int n = next[0]++;
        long k1 = Tuple.k1(0x0a000000 | (n >>> 16), 0xc6336401);
        long k2 = Tuple.k2(n & 0xffff, 443, 6, 0);
        long rk1 = Tuple.invertK1(k1);
        long rk2 = Tuple.invertK2(k2);
        int e = t.alloc(k1, k2, rk1, rk2);
        t.setStatus(e, CtStatus.CONFIRMED);
        t.setL4state(e, n); // any byte in the l4state bits changes no lookup
        t.insert(e);
        index.put(new Key(k1, k2), e << 1);
        index.put(new Key(rk1, rk2), (e << 1) | 1);
        live.add(e);
    }

    private static void delete(ConntrackTable t, Map<Key, Integer> index, List<Integer> live, SplittableRandom r) {
        int i = r.nextInt(live.size());
        int e = live.get(i);
        live.set(i, live.getLast());
        live.removeLast();
        index.remove(new Key(t.origK1(e), t.origK2(e)));
        index.remove(new Key(t.replyK1(e), t.replyK2(e)));
        t.unlink(e);
        t.free(e);
    }

    private static int alloc(ConntrackTable t, Model m, long k1, long k2, long rk1, long rk2) {
        int want = m.nextAlloc();
        int e = t.alloc(k1, k2, rk1, rk2);
        assertThat(e).as("the free list is last in, first out").isEqualTo(want);
        if (!m.free.isEmpty()) {
            m.free.pop();
        } else {
            m.highWater++;
        }
        m.gen.merge(e, 1, Integer::sum);
        Entry x = new Entry();
        x.k1 = k1;
        x.k2 = k2;
        x.rk1 = rk1;
        x.rk2 = rk2;
        m.live.put(e, x);
        return e;
    }

    private static List<Integer> confirmedOf(Model m) {
        List<Integer> out = new ArrayList<>();
        m.live.forEach((e, x) -> {
            if (x.confirmed) {
                out.add(e);
            }
        });
        out.sort(null);
        return out;
    }

    private static Key anyKey(Model m, SplittableRandom r) {
        if (m.index.isEmpty()) {
            return null;
        }
        int skip = r.nextInt(m.index.size());
        for (Key k : m.index.keySet()) {
            if (skip-- == 0) {
                return k;
            }
        }
        return null;
    }

    private static void checkAll(ConntrackTable t, Model m) {
        m.index.forEach((k, node) -> assertThat(t.find(k.k1(), k.k2())).as("find %s", k).isEqualTo(node));
        assertThat(t.count()).isEqualTo(m.live.size());
        assertThat(t.confirmedCount()).isEqualTo(m.index.size() / 2);
        List<Integer> seen = new ArrayList<>();
        t.forEach(seen::add);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(Set.copyOf(confirmedOf(m)));
        m.live.forEach((e, x) -> {
            assertThat(t.origK1(e)).isEqualTo(x.k1);
            assertThat(t.origK2(e)).isEqualTo(x.k2);
            assertThat(t.replyK1(e)).isEqualTo(x.rk1);
            assertThat(t.replyK2(e)).isEqualTo(x.rk2);
            assertThat(t.k2(e, 0)).isEqualTo(x.k2);
            assertThat(t.k2(e, 1)).isEqualTo(x.rk2);
            assertThat(t.protocol(e)).isEqualTo(Tuple.proto(x.k2));
            assertThat(t.zone(e)).isEqualTo(Tuple.zone(x.k2));
            assertThat(t.isConfirmed(e)).isEqualTo(x.confirmed);
            assertThat(t.status(e)).isEqualTo(x.status);
            assertThat(t.mark(e)).isEqualTo(x.mark);
            assertThat(t.masqIndex(e)).isEqualTo(x.masq);
            assertThat(t.l4state(e)).isEqualTo(x.l4state);
            assertThat(t.l4aux(e)).isEqualTo(x.l4aux);
            assertThat(t.deadline(e)).isEqualTo(x.deadline);
            assertThat(t.events(e)).isZero();
            assertThat(t.id(e)).as("id of entry %d after %d allocations", e, m.gen.get(e))
                    .isEqualTo(Tuple.hash(e, m.gen.get(e), SEED));
        });
    }

    /**
     * The timer wheel with its links and ticks packed into the entries: over random deadlines,
     * refreshes (later, or earlier: re-filed at once), deletions and clock moves of up to more
     * than one turn, no entry expires before its deadline, none outlives the tick after it, and
     * each expires once.
     */
    @Property(tries = 60)
    void theWheelExpiresEveryEntryOnceNeitherEarlyNorLate(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        ConntrackTable t = new ConntrackTable(new CtConfig(), SEED);
        long now = r.nextLong(1L << 40);
        t.setNow(now);
        Set<Integer> live = new HashSet<>();
        Set<Integer> expiredNow = new HashSet<>();
        int port = 0;
        for (int step = 0; step < steps; step++) {
            int op = r.nextInt(100);
            if (op < 45) {
                long k1 = Tuple.k1(0x0a000002, 0xc6336401);
                long k2 = Tuple.k2(port & 0xffff, port >>> 16, 17, 0);
                port++;
                int e = t.alloc(k1, k2, Tuple.invertK1(k1), Tuple.invertK2(k2));
                t.setStatus(e, CtStatus.CONFIRMED);
                t.putDeadline(e, now + timeout(r));
                t.insert(e);
                t.timerAdd(e);
                live.add(e);
            } else if (op < 70 && !live.isEmpty()) {
                int e = pick(live, r);
                t.setDeadline(e, now + timeout(r)); // nf_ct_refresh: later or earlier, never in the past
            } else if (op < 78 && !live.isEmpty()) {
                int e = pick(live, r);
                t.timerDel(e);
                t.unlink(e);
                t.free(e);
                live.remove(e);
            } else {
                now += r.nextInt(10) == 0 ? r.nextLong(3L * 3600 * CtConfig.NS) : r.nextLong(5L * CtConfig.NS);
                t.setNow(now);
                expiredNow.clear();
                long at = now;
                t.runTimers(now, e -> {
                    assertThat(live).as("expires once").contains(e);
                    assertThat(t.deadline(e)).as("never early").isLessThanOrEqualTo(at);
                    assertThat(expiredNow.add(e)).isTrue();
                    t.unlink(e);
                    t.free(e);
                    live.remove(e);
                });
                for (int e : live) {
                    assertThat(t.deadline(e) >> ConntrackTable.TICK_SHIFT).as("never a tick late")
                            .isGreaterThanOrEqualTo(now >> ConntrackTable.TICK_SHIFT);
                }
            }
        }
        assertThat(t.confirmedCount()).isEqualTo(live.size());
    }

    private static long timeout(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong(CtConfig.NS); // under a second
            case 1 -> 30 * CtConfig.NS; // UDP unreplied
            case 2 -> 120 * CtConfig.NS; // UDP stream
            default -> r.nextLong(5L * 86400 * CtConfig.NS); // up to TCP established's five days
        };
    }

    private static int pick(Set<Integer> s, SplittableRandom r) {
        int skip = r.nextInt(s.size());
        for (int e : s) {
            if (skip-- == 0) {
                return e;
            }
        }
        throw new IllegalStateException();
    }
}
