package dev.hairpin.nat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.TcpState;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Verdict;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The unique-tuple search as it was before it was tuned (session 3, 104b447): NatRange objects
 * all the way down, one allocated per null binding, jhash over an int array. Kept as the
 * reference {@link NatUniqueTuplePropertyTest} holds {@link Nat} to: same tuple chosen, same
 * random draws, same side effects on the table and its counters. Not used by the engine.
 */
final class NatReference {
    private final Conntrack conntrack;
    private final ConntrackTable table;
    /** get_random_u16() for port searches; replaceable (a replay adopts the kernel's choices) */
    public RandomGenerator random;
    /** a replay's view of what the kernel chose where it chose at random; null in lab/gateway */
    public Nat.Adopter adopter;

    /** nf_nat_bysource: original (src addr, src port, proto, zone) → entries, newest first */
    private int[] bysrcHead = new int[1024];
    private int[] bysrcNext = new int[1024];
    private boolean[] inBysrc = new boolean[1024];
    private int bysrcCount;

    NatReference(Conntrack conntrack, RandomGenerator random) {
        this.conntrack = conntrack;
        this.table = conntrack.table;
        this.random = random;
        Arrays.fill(bysrcHead, -1);
        conntrack.addFreeHook(this::cleanup);
    }

    public static boolean initialized(int status, int manip) {
        return (status & (manip == Manip.SRC ? CtStatus.SRC_NAT_DONE : CtStatus.DST_NAT_DONE)) != 0;
    }

    // ---------------------------------------------------------------- nf_nat_setup_info

    /** nf_nat_setup_info(): bind the (unconfirmed) entry for one manip type. */
    public int setupInfo(int ct, NatRange range, int manip) {
        if (conntrack.isConfirmed(ct)) {
            return Verdict.NF_ACCEPT;
        }
        if (initialized(conntrack.status(ct), manip)) {
            return Verdict.NF_DROP;
        }
        // what we have looks like the inverse of the reply (earlier manips included)
        long ck1 = Tuple.invertK1(table.replyK1(ct));
        long ck2 = Tuple.invertK2(table.replyK2(ct));
        long[] nt = uniqueTuple(ck1, ck2, range, ct, manip);
        if (nt[0] != ck1 || nt[1] != ck2) {
            table.alterReplyPublic(ct, Tuple.invertK1(nt[0]), Tuple.invertK2(nt[1]));
            conntrack.setStatus(ct, manip == Manip.SRC ? CtStatus.SRC_NAT : CtStatus.DST_NAT);
        }
        if (manip == Manip.SRC) {
            bysrcAdd(ct);
        }
        conntrack.setStatus(ct, manip == Manip.SRC ? CtStatus.SRC_NAT_DONE : CtStatus.DST_NAT_DONE);
        return Verdict.NF_ACCEPT;
    }

    /** nf_nat_alloc_null_binding(): keep the current address, still make the tuple unique */
    public int allocNullBinding(int ct, int hook) {
        int manip = Manip.ofHook(hook);
        int ip = manip == Manip.SRC ? Tuple.dst(table.replyK1(ct)) : Tuple.src(table.replyK1(ct));
        return setupInfo(ct, new NatRange(NatRange.MAP_IPS, ip, ip, 0, 0, 0), manip);
    }

    private final long[] result = new long[2];

    /** get_unique_tuple() */
    long[] uniqueTuple(long k1, long k2, NatRange range, int ct, int manip) {
        boolean randomAll = range.has(NatRange.PROTO_RANDOM_ALL);
        if (manip == Manip.SRC && !randomAll) {
            if (inRange(k1, k2, range)) {
                if (!usedTupleNew(k1, k2, ct)) {
                    return set(k1, k2);
                }
            } else if (findAppropriateSrc(k1, k2, range)) {
                if (!usedTuple(result[0], result[1], ct)) {
                    return result;
                }
            }
        }
        k1 = bestIps(k1, k2, range, ct, manip);
        if (!randomAll) {
            if (range.has(NatRange.PROTO_SPECIFIED)) {
                if (!range.has(NatRange.PROTO_OFFSET) && protoInRange(k2, manip, range)
                        && (range.minProto() == range.maxProto() || !usedTuple(k1, k2, ct))) {
                    return set(k1, k2);
                }
            } else if (!usedTuple(k1, k2, ct)) {
                return set(k1, k2);
            }
        }
        return l4UniqueTuple(k1, k2, range, manip, ct);
    }

    private long[] set(long k1, long k2) {
        result[0] = k1;
        result[1] = k2;
        return result;
    }

    /** nf_in_range() */
    private static boolean inRange(long k1, long k2, NatRange range) {
        if (range.has(NatRange.MAP_IPS)) {
            long ip = Tuple.src(k1) & 0xffffffffL;
            if (ip < (range.minAddr() & 0xffffffffL) || ip > (range.maxAddr() & 0xffffffffL)) {
                return false;
            }
        }
        return !range.has(NatRange.PROTO_SPECIFIED) || protoInRange(k2, Manip.SRC, range);
    }

    /** l4proto_in_range(): ICMP id, or the manipulated port */
    private static boolean protoInRange(long k2, int manip, NatRange range) {
        int proto = Tuple.proto(k2);
        int key;
        switch (proto) {
            case Ipv4.PROTO_ICMP -> key = Tuple.sport(k2);
            case 6, 17, 136, 132, 33 -> key = manip == Manip.SRC ? Tuple.sport(k2) : Tuple.dport(k2);
            default -> {
                return true;
            }
        }
        return key >= range.minProto() && key <= range.maxProto();
    }

    /** nf_nat_used_tuple(): is the reply of this candidate already someone's tuple? */
    private boolean usedTuple(long k1, long k2, int ct) {
        long rk2 = Tuple.invertK2(k2);
        return conntrack.tupleTaken(Tuple.invertK1(k1), rk2, ct);
    }

    /**
     * nf_nat_used_tuple_new(): the unaltered tuple clashes; for a protocol that allows clashes
     * (UDP) that is still no clash when the colliding entry is this flow seen from the other
     * side (both directions' first packets became entries at once) and is not NATed itself.
     */
    private boolean usedTupleNew(long k1, long k2, int ct) {
        if (!usedTuple(k1, k2, ct)) {
            return false;
        }
        int proto = Tuple.proto(k2);
        if (proto != Ipv4.PROTO_UDP && proto != 136) { // allow_clash: udp, udplite
            return true;
        }
        int node = conntrack.findLive(k1, k2);
        if (node < 0) {
            node = conntrack.findLive(Tuple.invertK1(k1), Tuple.invertK2(k2));
            if (node < 0) {
                return false; // the clashing entry went away
            }
        }
        int other = node >>> 1;
        if ((table.status(other) & (CtStatus.SRC_NAT | CtStatus.DST_NAT | CtStatus.SEQ_ADJUST)) != 0) {
            return true;
        }
        return !(table.origK1(other) == table.replyK1(ct) && table.origK2(other) == table.replyK2(ct));
    }

    /** NF_NAT_MAX_ATTEMPTS / 4: the last attempts of a port search may evict a closing entry */
    static final int HARDER_THRESH = 128 / 4;

    /**
     * nf_nat_used_tuple_harder(): in the last 32 attempts for a new TCP connection (SYN_SENT),
     * a candidate whose reply tuple belongs to a source-NATed entry that is closing (TIME_WAIT,
     * CLOSE, SYN_SENT2; not FIXED_TIMEOUT, not dying) is taken over when the new connection's
     * sequence has advanced past the old one's: the old entry is killed (no event flag for
     * userspace) and the tuple reused.
     */
    private boolean usedTupleHarder(long k1, long k2, int ct, int attemptsLeft) {
        if (attemptsLeft > HARDER_THRESH || Tuple.proto(k2) != Ipv4.PROTO_TCP
                || conntrack.l4state(ct) != TcpState.SYN_SENT) {
            return usedTuple(k1, k2, ct);
        }
        int node = conntrack.findLive(Tuple.invertK1(k1), Tuple.invertK2(k2));
        if (node < 0) {
            return false;
        }
        int old = node >>> 1;
        if ((node & 1) == 0 || old == ct) {
            return true;
        }
        int st = table.status(old);
        if (conntrack.l4state(old) < TcpState.TIME_WAIT || (st & (CtStatus.FIXED_TIMEOUT | CtStatus.DYING)) != 0
                || (st & CtStatus.SRC_NAT) == 0) {
            return true;
        }
        if (conntrack.tcp(ct).seen[0].tdEnd - conntrack.tcp(old).seen[0].tdEnd <= 0) {
            return true; // nf_seq_has_advanced()
        }
        if (conntrack.delete(old, false)) {
            return (st & (CtStatus.OFFLOAD | CtStatus.HW_OFFLOAD)) != 0;
        }
        return true;
    }

    /** find_appropriate_src(): reuse the mapping an existing connection from this source has */
    private boolean findAppropriateSrc(long k1, long k2, NatRange range) {
        int h = bysrcHash(Tuple.src(k1), Tuple.sport(k2), Tuple.proto(k2), Tuple.zone(k2));
        for (int e = bysrcHead[h]; e >= 0; e = bysrcNext[e]) {
            long ok1 = table.origK1(e);
            long ok2 = table.origK2(e);
            if (Tuple.proto(ok2) == Tuple.proto(k2) && Tuple.src(ok1) == Tuple.src(k1)
                    && Tuple.sport(ok2) == Tuple.sport(k2) && Tuple.zone(ok2) == Tuple.zone(k2)) {
                // source part from the reply tuple, destination as the packet has it
                long rk1 = Tuple.invertK1(table.replyK1(e));
                long rk2 = Tuple.invertK2(table.replyK2(e));
                long nk1 = Tuple.k1(Tuple.src(rk1), Tuple.dst(k1));
                long nk2 = Tuple.k2(Tuple.sport(rk2), Tuple.dport(k2), Tuple.proto(k2), Tuple.zone(k2));
                if (inRange(nk1, nk2, range)) {
                    result[0] = nk1;
                    result[1] = nk2;
                    return true;
                }
            }
        }
        return false;
    }

    /** find_best_ips_proto(): the address by jhash of (src, dst), not round robin */
    private long bestIps(long k1, long k2, NatRange range, int ct, int manip) {
        if (!range.has(NatRange.MAP_IPS)) {
            return k1;
        }
        int ip;
        if (range.minAddr() == range.maxAddr()) {
            ip = range.minAddr();
        } else {
            int[] words = {Jhash.leWord(Tuple.src(k1)), 0, 0, 0};
            int seed = range.has(NatRange.PERSISTENT) ? 0 : Jhash.leWord(Tuple.dst(k1)) ^ Tuple.zone(k2);
            int j = Jhash.jhash2(words, 4, seed);
            int dist = range.maxAddr() - range.minAddr() + 1;
            ip = range.minAddr() + Jhash.reciprocalScale(j, dist);
        }
        return manip == Manip.SRC ? Tuple.k1(ip, Tuple.dst(k1)) : Tuple.k1(Tuple.src(k1), ip);
    }

    static final int MAX_ATTEMPTS = 128;

    /** nf_nat_l4proto_unique_tuple(): search a free port / id in the range */
    private long[] l4UniqueTuple(long k1, long k2, NatRange range, int manip, int ct) {
        int proto = Tuple.proto(k2);
        boolean icmp = proto == Ipv4.PROTO_ICMP;
        int min;
        int size;
        int key;
        if (icmp) {
            key = Tuple.sport(k2);
            if (!range.has(NatRange.PROTO_SPECIFIED)) {
                min = 0;
                size = 65536;
            } else {
                min = range.minProto();
                size = range.maxProto() - range.minProto() + 1;
            }
        } else if (proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33) {
            key = manip == Manip.SRC ? Tuple.sport(k2) : Tuple.dport(k2);
            if (!range.has(NatRange.PROTO_SPECIFIED)) {
                if (manip == Manip.DST) {
                    return set(k1, k2);
                }
                if (key < 1024) {
                    if (key < 512) {
                        min = 1;
                        size = 511;
                    } else {
                        min = 600;
                        size = 1023 - 600 + 1;
                    }
                } else {
                    min = 1024;
                    size = 65535 - 1024 + 1;
                }
            } else {
                int lo = range.minProto();
                int hi = range.maxProto();
                if (hi < lo) {
                    int t = lo;
                    lo = hi;
                    hi = t;
                }
                min = lo;
                size = hi - lo + 1;
            }
        } else {
            return set(k1, k2);
        }
        // a replay first tries the key the kernel was seen to choose (a one-port range is no choice)
        if (adopter != null && size > 1) {
            int a = adopter.adopt(ct, manip, k1, k2);
            if (a >= 0) {
                long ak2 = withKey(k2, icmp, manip, a);
                if (a >= min && a < min + size && !usedTuple(k1, ak2, ct)) {
                    return set(k1, ak2);
                }
                adopter.diverged(ct, "kernel's " + (icmp ? "id " : "port ") + a + " is "
                        + (a < min || a >= min + size ? "outside " + min + "-" + (min + size - 1) : "not unique"));
            }
        }
        int off;
        if (range.has(NatRange.PROTO_OFFSET)) {
            off = (key - range.baseProto()) & 0xffff;
        } else if (range.has(NatRange.PROTO_RANDOM_ALL) || manip != Manip.DST) {
            off = random.nextInt(65536);
        } else {
            off = 0;
        }
        int attempts = Math.min(size, MAX_ATTEMPTS);
        long cand = k2;
        while (true) {
            for (int i = 0; i < attempts; i++, off = (off + 1) & 0xffff) {
                cand = withKey(k2, icmp, manip, min + off % size);
                if (!usedTupleHarder(k1, cand, ct, attempts - i)) {
                    return set(k1, cand);
                }
            }
            if (attempts >= size || attempts < 16) {
                return set(k1, cand);
            }
            attempts /= 2;
            off = random.nextInt(65536);
        }
    }

    private static long withKey(long k2, boolean icmp, int manip, int key) {
        if (icmp || manip == Manip.SRC) {
            return Tuple.k2(key, Tuple.dport(k2), Tuple.proto(k2), Tuple.zone(k2));
        }
        return Tuple.k2(Tuple.sport(k2), key, Tuple.proto(k2), Tuple.zone(k2));
    }

    // ---------------------------------------------------------------- by-source table

    private int bysrcHash(int addr, int port, int proto, int zone) {
        int h = Tuple.hash(Tuple.k1(addr, 0), Tuple.k2(port, 0, proto, zone), 0x5eed);
        return h & (bysrcHead.length - 1);
    }

    private void bysrcAdd(int ct) {
        ensure(ct);
        if (++bysrcCount > bysrcHead.length) {
            bysrcGrow();
        }
        long k1 = table.origK1(ct);
        long k2 = table.origK2(ct);
        int h = bysrcHash(Tuple.src(k1), Tuple.sport(k2), Tuple.proto(k2), Tuple.zone(k2));
        bysrcNext[ct] = bysrcHead[h];
        bysrcHead[h] = ct;
        inBysrc[ct] = true;
    }

    /**
     * Doubles the buckets when they are fewer than the entries (the kernel sizes nf_nat_bysource
     * as the conntrack hash, so chains stay short). A new bucket takes entries from one old
     * bucket only; each chain is copied in order, so "newest first" holds in every chain.
     */
    private void bysrcGrow() {
        int[] old = bysrcHead;
        int[] head = new int[old.length * 2];
        Arrays.fill(head, -1);
        int[] tail = new int[head.length];
        Arrays.fill(tail, -1);
        bysrcHead = head;
        for (int b = 0; b < old.length; b++) {
            for (int e = old[b], next; e >= 0; e = next) {
                next = bysrcNext[e];
                long k1 = table.origK1(e);
                long k2 = table.origK2(e);
                int h = bysrcHash(Tuple.src(k1), Tuple.sport(k2), Tuple.proto(k2), Tuple.zone(k2));
                bysrcNext[e] = -1;
                if (tail[h] < 0) {
                    head[h] = e;
                } else {
                    bysrcNext[tail[h]] = e;
                }
                tail[h] = e;
            }
        }
    }

    /** Sizes the by-source table for {@code entries} entries (see ConntrackTable#reserve); only grows. */
    public void reserve(int entries) {
        ensure(entries - 1);
        while (bysrcHead.length < entries) {
            bysrcGrow();
        }
    }

    private void ensure(int ct) {
        if (ct >= bysrcNext.length) {
            int n = Math.max(ct + 1, bysrcNext.length * 2);
            bysrcNext = Arrays.copyOf(bysrcNext, n);
            inBysrc = Arrays.copyOf(inBysrc, n);
        }
    }

    /** nf_nat_cleanup_conntrack(): the entry leaves the by-source table when freed */
    private void cleanup(int ct) {
        if (ct >= inBysrc.length || !inBysrc[ct]) {
            return;
        }
        inBysrc[ct] = false;
        bysrcCount--;
        long k1 = table.origK1(ct);
        long k2 = table.origK2(ct);
        int h = bysrcHash(Tuple.src(k1), Tuple.sport(k2), Tuple.proto(k2), Tuple.zone(k2));
        int prev = -1;
        for (int e = bysrcHead[h]; e >= 0; prev = e, e = bysrcNext[e]) {
            if (e == ct) {
                if (prev < 0) {
                    bysrcHead[h] = bysrcNext[e];
                } else {
                    bysrcNext[prev] = bysrcNext[e];
                }
                return;
            }
        }
    }
}
