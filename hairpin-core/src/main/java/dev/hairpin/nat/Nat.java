package dev.hairpin.nat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.TcpState;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * NAT (net/netfilter/nf_nat_core.c, nf_nat_proto.c): bindings are made on a connection's first
 * packet by a nat-table rule or, when none binds, as a null binding; every later packet is
 * rewritten from the conntrack entry alone. The reply tuple of the entry is the NATed view, so
 * "what to rewrite to" is always "the inverse of the other direction's tuple".
 */
public final class Nat {
    private final Conntrack conntrack;
    private final ConntrackTable table;
    /** get_random_u16() for port searches; replaceable (a replay adopts the kernel's choices) */
    public RandomGenerator random;
    /** a replay's view of what the kernel chose where it chose at random; null in lab/gateway */
    public Adopter adopter;
    /**
     * With several workers ({@code dev.hairpin.pipeline.Workers}): which candidate tuples this
     * worker may choose (their replies come home to it) and who hears of each binding; null with
     * one worker, where every tuple is home and the search is exactly the kernel's.
     */
    public Owner owner;

    /** NAT port ownership across workers (see {@link #owner}) */
    public interface Owner {
        /** whether a packet with this tuple (or its inverse) is dispatched to this worker */
        boolean home(long k1, long k2);

        /** the entry's binding for one manip is made (its reply tuple may now point elsewhere) */
        void bound(int ct);

        /** whether another worker's entry has this reply tuple (one whose reply could not be made home) */
        boolean takenElsewhere(long rk1, long rk2);
    }

    /**
     * nf_nat_bysource: original (src addr, src port, proto, zone) → entries, newest first. The
     * chains run through the entries' own link word ({@link ConntrackTable#bysrcNext}), as the
     * kernel's through nf_conn.nat_bysource; only the bucket heads are here.
     */
    private int[] bysrcHead = new int[1024];
    private int bysrcCount;

    public Nat(Conntrack conntrack, RandomGenerator random) {
        this.conntrack = conntrack;
        this.table = conntrack.table;
        this.random = random;
        Arrays.fill(bysrcHead, -1);
        conntrack.addFreeHook(this::cleanup);
        conntrack.newFlowPrefetch = this::touchNewFlow;
    }

    /** the source address the last source manip chose: where the next new flow is likely mapped */
    private int lastSrcAddr;

    /**
     * Reads what a new flow's binding is likely to read ({@link Conntrack#prefetch}: a batch
     * overlaps these cache misses): the by-source bucket and its newest entry, and the index
     * slot of the reply the flow gets if it is source-NATed like the last one, to the same
     * address with its port kept (a guess: wrong, it costs one load). Changes nothing.
     */
    private int touchNewFlow(long k1, long k2) {
        int e = bysrcHead[bysrcHash(k1, k2)];
        int x = e < 0 ? e : (int) table.origK2(e);
        int ip = lastSrcAddr;
        if (ip != 0 && ip != Tuple.src(k1)) {
            x += table.touchIndex(Tuple.k1(Tuple.dst(k1), ip), Tuple.k2(Tuple.dport(k2), Tuple.sport(k2), Tuple.proto(k2), Tuple.zone(k2)));
        }
        return x;
    }

    /**
     * Where the kernel picked a port/id at random, a replay may know the pick from the capture.
     * Returns the key to try for a new tuple, or -1 for no opinion.
     */
    public interface Adopter {
        int adopt(int ct, int manip, long k1, long k2);

        /** the adopted key was not legal for the kernel (out of range or not unique) */
        void diverged(int ct, String why);
    }

    /** the bytes of the by-source table's arrays (see ConntrackTable#footprintBytes) */
    public long footprintBytes() {
        return (long) bysrcHead.length * 4;
    }

    public static boolean initialized(int status, int manip) {
        return (status & (manip == Manip.SRC ? CtStatus.SRC_NAT_DONE : CtStatus.DST_NAT_DONE)) != 0;
    }

    // ---------------------------------------------------------------- nf_nat_setup_info

    /*
     * The range being applied (the nf_nat_range2 setup_info was given), unpacked into fields so
     * a null binding or MASQUERADE's address makes no object per connection. Set on entry to
     * setupInfo and only read below it (nothing under it binds another connection).
     */
    private int rFlags;
    private int rMinAddr;
    private int rMaxAddr;
    private int rMinProto;
    private int rMaxProto;
    private int rBaseProto;

    /** nf_nat_setup_info(): bind the (unconfirmed) entry for one manip type. */
    public int setupInfo(int ct, NatRange range, int manip) {
        return setupInfo(ct, range.flags(), range.minAddr(), range.maxAddr(), range.minProto(), range.maxProto(),
                range.baseProto(), manip);
    }

    /** {@link #setupInfo(int, NatRange, int)} with the range's fields given one by one. */
    public int setupInfo(int ct, int flags, int minAddr, int maxAddr, int minProto, int maxProto, int baseProto,
            int manip) {
        int st = conntrack.status(ct); // one read for both questions
        if ((st & CtStatus.CONFIRMED) != 0) {
            return Verdict.NF_ACCEPT;
        }
        if (initialized(st, manip)) {
            return Verdict.NF_DROP;
        }
        rFlags = flags;
        rMinAddr = minAddr;
        rMaxAddr = maxAddr;
        rMinProto = minProto;
        rMaxProto = maxProto;
        rBaseProto = baseProto;
        // what we have looks like the inverse of the reply (earlier manips included)
        long ck1 = Tuple.invertK1(table.replyK1(ct));
        long ck2 = Tuple.invertK2(table.replyK2(ct));
        srcHashK2 = -1; // only a by-source hash computed within this call is reused below
        long[] nt = uniqueTuple(ck1, ck2, ct, manip);
        int bits = manip == Manip.SRC ? CtStatus.SRC_NAT_DONE : CtStatus.DST_NAT_DONE;
        if (nt[0] != ck1 || nt[1] != ck2) {
            table.alterReplyOfNew(ct, Tuple.invertK1(nt[0]), Tuple.invertK2(nt[1])); // unconfirmed: st said so
            bits |= manip == Manip.SRC ? CtStatus.SRC_NAT : CtStatus.DST_NAT;
        }
        if (manip == Manip.SRC) {
            // the by-source hash find_appropriate_src computed, when it hashed the same key
            // (a destination manip before this one keeps the source part)
            long ok1 = table.origK1(ct) & BYSRC_K1;
            long ok2 = table.origK2(ct) & BYSRC_K2;
            bysrcAdd(ct, ok1 == srcHashK1 && ok2 == srcHashK2 ? srcHash : bysrcHash(ok1, ok2));
            lastSrcAddr = Tuple.src(nt[0]);
        }
        conntrack.addStatus(ct, bits); // nothing above reads them
        if (owner != null) {
            owner.bound(ct);
        }
        return Verdict.NF_ACCEPT;
    }

    /** nf_nat_alloc_null_binding(): keep the current address, still make the tuple unique */
    public int allocNullBinding(int ct, int hook) {
        return allocNullBinding(ct, hook, conntrack.status(ct));
    }

    /** {@link #allocNullBinding(int, int)} given the entry's current status word */
    public int allocNullBinding(int ct, int hook, int st) {
        int manip = Manip.ofHook(hook);
        long rk1 = table.replyK1(ct);
        long rk2 = table.replyK2(ct);
        if (manip == Manip.DST && Tuple.proto(rk2) != Ipv4.PROTO_ICMP && (st & CtStatus.CONFIRMED) == 0
                && !initialized(st, manip)) {
            // get_unique_tuple() keeps this tuple whether or not it is taken (without a port
            // range nf_nat_l4proto_unique_tuple leaves a destination alone; only ICMP's id is
            // searched), so of setupInfo only the used-tuple check's lookup (its found count,
            // its reaping) and the done bit remain
            conntrack.tupleTaken(rk1, rk2, ct);
            conntrack.addStatus(ct, CtStatus.DST_NAT_DONE);
            return Verdict.NF_ACCEPT;
        }
        int ip = manip == Manip.SRC ? Tuple.dst(rk1) : Tuple.src(rk1);
        if (owner == null) {
            return setupInfo(ct, NatRange.MAP_IPS, ip, ip, 0, 0, 0, manip);
        }
        nullBinding = true; // keeps the tuple as the kernel does, home or not
        try {
            return setupInfo(ct, NatRange.MAP_IPS, ip, ip, 0, 0, 0, manip);
        } finally {
            nullBinding = false;
        }
    }

    /** a null binding is being set up: with several workers its unaltered tuple is kept even when not home */
    private boolean nullBinding;

    /**
     * Whether this worker may keep a candidate the kernel would keep: always with one worker
     * ({@link #owner} null) and for a null binding (an un-NATed tuple is home by the dispatch's
     * symmetry; one kept after an earlier manip is a flow whose reply cannot be made home)
     */
    private boolean home(long k1, long k2) {
        return owner == null || nullBinding || owner.home(k1, k2);
    }

    private boolean has(int flag) {
        return (rFlags & flag) != 0;
    }

    private final long[] result = new long[2];

    /** get_unique_tuple(), for the range in the r* fields */
    long[] uniqueTuple(long k1, long k2, int ct, int manip) {
        boolean randomAll = has(NatRange.PROTO_RANDOM_ALL);
        if (manip == Manip.SRC && !randomAll) {
            if (inRange(k1, k2)) {
                if (!usedTupleNew(k1, k2, ct) && home(k1, k2)) {
                    return set(k1, k2);
                }
            } else if (findAppropriateSrc(k1, k2, ct)) {
                if (!usedTuple(result[0], result[1], ct) && home(result[0], result[1])) {
                    return result;
                }
            }
        }
        k1 = bestIps(k1, k2, manip, ct);
        if (!randomAll) {
            if (has(NatRange.PROTO_SPECIFIED)) {
                if (!has(NatRange.PROTO_OFFSET) && protoInRange(k2, manip)
                        && (rMinProto == rMaxProto || !usedTuple(k1, k2, ct) && home(k1, k2))) {
                    return set(k1, k2);
                }
            } else if (!usedTuple(k1, k2, ct) && home(k1, k2)) {
                return set(k1, k2);
            }
        }
        return l4UniqueTuple(k1, k2, manip, ct);
    }

    private long[] set(long k1, long k2) {
        result[0] = k1;
        result[1] = k2;
        return result;
    }

    /** nf_in_range() */
    private boolean inRange(long k1, long k2) {
        if (has(NatRange.MAP_IPS)) {
            long ip = Tuple.src(k1) & 0xffffffffL;
            if (ip < (rMinAddr & 0xffffffffL) || ip > (rMaxAddr & 0xffffffffL)) {
                return false;
            }
        }
        return !has(NatRange.PROTO_SPECIFIED) || protoInRange(k2, Manip.SRC);
    }

    /** l4proto_in_range(): ICMP id, or the manipulated port */
    private boolean protoInRange(long k2, int manip) {
        int proto = Tuple.proto(k2);
        int key;
        switch (proto) {
            case Ipv4.PROTO_ICMP -> key = Tuple.sport(k2);
            case 6, 17, 136, 132, 47 -> key = manip == Manip.SRC ? Tuple.sport(k2) : Tuple.dport(k2);
            default -> {
                return true;
            }
        }
        return key >= rMinProto && key <= rMaxProto;
    }

    /** nf_nat_used_tuple(): is the reply of this candidate already someone's tuple? */
    private boolean usedTuple(long k1, long k2, int ct) {
        long rk1 = Tuple.invertK1(k1);
        long rk2 = Tuple.invertK2(k2);
        return conntrack.tupleTaken(rk1, rk2, ct) || owner != null && rk2 != -1 && owner.takenElsewhere(rk1, rk2);
    }

    /** with several workers: the candidate's reply is another worker's entry's (see {@link Owner#takenElsewhere}) */
    private boolean elsewhere(long k1, long k2) {
        long rk2 = Tuple.invertK2(k2);
        return rk2 != -1 && owner.takenElsewhere(Tuple.invertK1(k1), rk2);
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
        if (owner != null && elsewhere(k1, k2)) {
            return true; // not this flow seen from the other side: that would be on this worker
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
                || conntrack.l4state(ct) != TcpState.SYN_SENT || owner != null && elsewhere(k1, k2)) {
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

    /**
     * find_appropriate_src(): reuse the mapping an existing connection from this source has. The
     * candidate, read from the reply tuple, carries the reply direction's zone; sources are keyed
     * and compared in the original direction's (nf_ct_zone_equal(ct, zone, IP_CT_DIR_ORIGINAL)),
     * which differs under a --zone-orig/--zone-reply template.
     */
    private boolean findAppropriateSrc(long k1, long replyZoned, int ct) {
        long k2 = replyZoned & ~0xffffL | Tuple.zone(table.origK2(ct));
        int h = bysrcHash(k1, k2);
        srcHash = h;
        srcHashK1 = k1 & BYSRC_K1;
        srcHashK2 = k2 & BYSRC_K2;
        for (int e = bysrcHead[h]; e >= 0; e = table.bysrcNext(e)) {
            long ok1 = table.origK1(e);
            long ok2 = table.origK2(e);
            if (Tuple.proto(ok2) == Tuple.proto(k2) && Tuple.src(ok1) == Tuple.src(k1)
                    && Tuple.sport(ok2) == Tuple.sport(k2) && Tuple.zone(ok2) == Tuple.zone(k2)) {
                // source part from the reply tuple, destination as the packet has it
                long rk1 = Tuple.invertK1(table.replyK1(e));
                long rk2 = Tuple.invertK2(table.replyK2(e));
                long nk1 = Tuple.k1(Tuple.src(rk1), Tuple.dst(k1));
                long nk2 = Tuple.k2(Tuple.sport(rk2), Tuple.dport(k2), Tuple.proto(k2), Tuple.zone(replyZoned));
                if (inRange(nk1, nk2)) {
                    result[0] = nk1;
                    result[1] = nk2;
                    return true;
                }
            }
        }
        return false;
    }

    /** find_best_ips_proto(): the address by jhash of (src, dst), not round robin */
    private long bestIps(long k1, long k2, int manip, int ct) {
        if (!has(NatRange.MAP_IPS)) {
            return k1;
        }
        int ip;
        if (rMinAddr == rMaxAddr) {
            ip = rMinAddr;
        } else {
            // jhash2 over the 4-word union nf_inet_addr: the IPv4 address, then three zero words
            // zone->id: whichever directions the zone keys (one of the two is 0 when they differ)
            int zoneId = Tuple.zone(k2) | Tuple.zone(table.origK2(ct));
            int seed = has(NatRange.PERSISTENT) ? 0 : Jhash.leWord(Tuple.dst(k1)) ^ zoneId;
            int j = Jhash.jhash2Words4(Jhash.leWord(Tuple.src(k1)), 0, 0, 0, seed);
            int dist = rMaxAddr - rMinAddr + 1;
            ip = rMinAddr + Jhash.reciprocalScale(j, dist);
        }
        return manip == Manip.SRC ? Tuple.k1(ip, Tuple.dst(k1)) : Tuple.k1(Tuple.src(k1), ip);
    }

    static final int MAX_ATTEMPTS = 128;

    /** nf_nat_l4proto_unique_tuple(): search a free port / id in the range */
    private long[] l4UniqueTuple(long k1, long k2, int manip, int ct) {
        int proto = Tuple.proto(k2);
        boolean icmp = proto == Ipv4.PROTO_ICMP;
        int min;
        int size;
        int key;
        if (icmp) {
            key = Tuple.sport(k2);
            if (!has(NatRange.PROTO_SPECIFIED)) {
                min = 0;
                size = 65536;
            } else {
                min = rMinProto;
                size = rMaxProto - rMinProto + 1;
            }
        } else if (proto == 6 || proto == 17 || proto == 136 || proto == 132) {
            key = manip == Manip.SRC ? Tuple.sport(k2) : Tuple.dport(k2);
            if (!has(NatRange.PROTO_SPECIFIED)) {
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
                int lo = rMinProto;
                int hi = rMaxProto;
                if (hi < lo) {
                    int t = lo;
                    lo = hi;
                    hi = t;
                }
                min = lo;
                size = hi - lo + 1;
            }
        } else if (proto == 47 && table.ext.master(ct) >= 0) {
            // GRE keys change only for a PPTP call's GRE (an entry with a master)
            key = manip == Manip.SRC ? Tuple.sport(k2) : Tuple.dport(k2);
            if (!has(NatRange.PROTO_SPECIFIED)) {
                min = 1;
                size = 65535;
            } else {
                min = rMinProto;
                size = rMaxProto - rMinProto + 1;
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
        if (has(NatRange.PROTO_OFFSET)) {
            off = (key - rBaseProto) & 0xffff;
        } else if (has(NatRange.PROTO_RANDOM_ALL) || manip != Manip.DST) {
            off = random.nextInt(65536);
        } else {
            off = 0;
        }
        if (owner != null && size > 1) {
            long[] r = searchHome(k1, k2, icmp, manip, ct, min, size, off);
            if (r != null) {
                return r;
            }
            // no free home candidate: the kernel's search; the flow's reply lands elsewhere and
            // is handed over (Workers)
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

    /**
     * The port search of {@link #l4UniqueTuple} with several workers: the same walk from the same
     * offset, but a candidate whose reply would be dispatched to another worker is passed over
     * without counting as an attempt (the kernel's {@code attempts} budget, its halving and its
     * random restarts apply to home candidates); at most {@code size} candidates are looked at
     * per round. Null when no home candidate was free.
     */
    private long[] searchHome(long k1, long k2, boolean icmp, int manip, int ct, int min, int size, int off) {
        int attempts = Math.min(size, MAX_ATTEMPTS);
        while (true) {
            int tried = 0;
            for (int walked = 0; walked < size && tried < attempts; walked++, off = (off + 1) & 0xffff) {
                long cand = withKey(k2, icmp, manip, min + off % size);
                if (!owner.home(k1, cand)) {
                    continue;
                }
                tried++;
                if (!usedTupleHarder(k1, cand, ct, attempts - tried + 1)) {
                    return set(k1, cand);
                }
            }
            if (attempts >= size || attempts < 16) {
                return null;
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

    /** the chain of a source: any bucket count works, since only equal sources are compared in a chain */
    private int bysrcHash(long k1, long k2) {
        // the key words with only the source address, source port, protocol and zone left
        int h = Tuple.hash(k1 & BYSRC_K1, k2 & BYSRC_K2, 0x5eed);
        return (int) (((h & 0xffffffffL) * bysrcHead.length) >>> 32);
    }

    private static final long BYSRC_K1 = Tuple.k1(-1, 0);
    private static final long BYSRC_K2 = Tuple.k2(0xffff, 0, 0xff, 0xffff);

    private int bysrcHashOf(int ct) {
        return bysrcHash(table.origK1(ct), table.origK2(ct));
    }

    /**
     * the by-source bucket find_appropriate_src looked in during the current setupInfo, and the
     * masked key it hashed (setupInfo forgets it on entry; a resize changes the bucket count:
     * {@link #bysrcResize} forgets it too)
     */
    private int srcHash;
    private long srcHashK1;
    private long srcHashK2 = -1; // none: a masked key has its destination port bits clear

    /** adds the entry at the head of bucket {@code h} (its {@link #bysrcHashOf}) */
    private void bysrcAdd(int ct, int h) {
        if (++bysrcCount > bysrcHead.length) {
            bysrcResize(bysrcHead.length * 2);
            h = bysrcHashOf(ct);
        }
        table.setBysrcNext(ct, bysrcHead[h]);
        bysrcHead[h] = ct;
    }

    /**
     * Doubles the buckets when they are fewer than the entries (the kernel sizes nf_nat_bysource
     * as the conntrack hash, so chains stay short). Each old chain is appended in order to the
     * new chains, so entries of one source (one hash, one chain before and after) keep their
     * "newest first" order, the only order find_appropriate_src sees.
     */
    private void bysrcResize(int buckets) {
        srcHashK2 = -1;
        int[] old = bysrcHead;
        int[] head = new int[buckets];
        Arrays.fill(head, -1);
        int[] tail = new int[buckets];
        Arrays.fill(tail, -1);
        bysrcHead = head;
        for (int b = 0; b < old.length; b++) {
            for (int e = old[b], next; e >= 0; e = next) {
                next = table.bysrcNext(e);
                int h = bysrcHashOf(e);
                table.setBysrcNext(e, -1);
                if (tail[h] < 0) {
                    head[h] = e;
                } else {
                    table.setBysrcNext(tail[h], e);
                }
                tail[h] = e;
            }
        }
    }

    /** Sizes the by-source table for {@code entries} entries (see ConntrackTable#reserve); only grows. */
    public void reserve(int entries) {
        if (entries > bysrcHead.length) {
            bysrcResize(entries);
        }
    }

    /** nf_nat_cleanup_conntrack(): the entry leaves the by-source table when freed */
    private void cleanup(int ct) {
        if (table.bysrcNext(ct) == -2) {
            return;
        }
        bysrcCount--;
        int h = bysrcHashOf(ct);
        int prev = -1;
        for (int e = bysrcHead[h]; e >= 0; prev = e, e = table.bysrcNext(e)) {
            if (e == ct) {
                if (prev < 0) {
                    bysrcHead[h] = table.bysrcNext(e);
                } else {
                    table.setBysrcNext(prev, table.bysrcNext(e));
                }
                break;
            }
        }
        table.setBysrcNext(ct, -2);
    }

    // ---------------------------------------------------------------- packet rewriting

    /** nf_nat_packet(): rewrite by the binding, inverted for the reply direction */
    public int natPacket(Skb skb, int hook) {
        return natPacket(skb, hook, conntrack.status(skb.ct));
    }

    /** {@link #natPacket} given the entry's current status word */
    public int natPacket(Skb skb, int hook, int status) {
        int manip = Manip.ofHook(hook);
        int dir = CtInfo.dir(skb.ctinfo);
        if ((status & statusBit(manip, dir)) != 0) {
            manipPkt(skb, skb.ct, manip, dir);
        }
        return Verdict.NF_ACCEPT;
    }

    /**
     * {@link #natPacket} for a packet of FastPath's shape ({@link NatManip#l4}: 20-byte header,
     * no fragment, whole TCP or UDP header), given the entry's status and the header's words at
     * {@code l3 + 8} and {@code l3 + 16} as the caller read them (the packet unchanged since):
     * the same decision and the same bytes, after ip_forward()'s TTL decrement when
     * {@code decTtl}. True when it rewrote the packet (TTL included); false: nothing done.
     */
    public boolean natPacketL4(Skb skb, int hook, int proto, int status, boolean decTtl, long w1, long w2) {
        int manip = Manip.ofHook(hook);
        int dir = CtInfo.dir(skb.ctinfo);
        if ((status & statusBit(manip, dir)) == 0) {
            return false;
        }
        int ct = skb.ct;
        long k1 = table.k1(ct, 1 - dir);
        long k2 = table.k2(ct, 1 - dir);
        boolean src = manip == Manip.SRC;
        // the inverse of the other tuple: its ends swapped
        NatManip.l4(skb.buf, skb.l3, skb.l3 + skb.len, proto, src, src ? Tuple.dst(k1) : Tuple.src(k1),
                src ? Tuple.dport(k2) : Tuple.sport(k2), decTtl, w1, w2);
        return true;
    }

    /** the status bit that says a packet of direction {@code dir} gets a {@code manip} (nf_nat_packet) */
    public static int statusBit(int manip, int dir) {
        int bit = manip == Manip.SRC ? CtStatus.SRC_NAT : CtStatus.DST_NAT;
        return dir == 1 ? bit ^ CtStatus.NAT_MASK : bit;
    }

    /** nf_nat_manip_pkt(): make the packet look like the inverse of the other direction */
    private void manipPkt(Skb skb, int ct, int manip, int dir) {
        int other = 1 - dir;
        long k1 = table.k1(ct, other);
        long k2 = table.k2(ct, other);
        boolean src = manip == Manip.SRC;
        int addr;
        int port;
        if (Tuple.proto(k2) == Ipv4.PROTO_ICMP) {
            long tk1 = Tuple.invertK1(k1);
            long tk2 = Tuple.invertK2(k2);
            addr = src ? Tuple.src(tk1) : Tuple.dst(tk1);
            port = Tuple.sport(tk2);
        } else { // the inverse of the other tuple without building it: its ends swapped
            addr = src ? Tuple.dst(k1) : Tuple.src(k1);
            port = src ? Tuple.dport(k2) : Tuple.sport(k2);
        }
        NatManip.manip(skb.buf, skb.l3, skb.l3 + skb.len, src, addr, port, skb.csumPartial);
    }

    /**
     * The bytes of a quoted transport header the manip functions make writable (and so need):
     * 8 for TCP (its ports and sequence; the checksum only when 20 are there), UDP, UDP-Lite,
     * SCTP, ICMP and GRE (pptp_gre_header less its optional fields); none for the generic
     * protocols (DCCP included), whose manip has no transport part.
     */
    static int innerL4Writable(int proto) {
        return switch (proto) {
            case 6, 17, 136, 132, Ipv4.PROTO_ICMP, 47 -> 8;
            default -> 0;
        };
    }

    /**
     * nf_nat_icmp_reply_translation(): an ICMP error RELATED to a NATed connection: the quoted
     * packet gets the opposite manip, the ICMP checksum is recomputed, then the outer header is
     * rewritten like any packet of the connection. Returns false when the packet must be dropped.
     */
    public boolean icmpReplyTranslation(Skb skb, int hook) {
        int ct = skb.ct;
        byte[] b = skb.buf;
        int hdrlen = skb.l4 - skb.l3;
        int icmpLen = skb.len - hdrlen;
        if (icmpLen < 8 + Ipv4.MIN_HEADER) {
            return false;
        }
        if (!Checksum.verifyIcmp(b, skb.l4, icmpLen)) {
            return false;
        }
        int dir = CtInfo.dir(skb.ctinfo);
        int manip = Manip.ofHook(hook);
        int st = conntrack.status(ct);
        if ((b[skb.l4] & 0xff) == 5) { // redirect
            if ((st & CtStatus.NAT_DONE_MASK) != CtStatus.NAT_DONE_MASK || (st & CtStatus.NAT_MASK) != 0) {
                return false;
            }
        }
        if ((st & statusBit(manip, dir)) == 0) {
            return true;
        }
        int other = 1 - dir;
        // inner packet: opposite manip, to the other direction's tuple itself
        long ik1 = table.k1(ct, other);
        long ik2 = table.k2(ct, other);
        boolean innerSrc = manip != Manip.SRC;
        int inner = skb.l4 + 8;
        if (skb.l3 + skb.len < inner + Ipv4.ihlBytes(b, inner) + innerL4Writable(Tuple.proto(ik2))) {
            return false; // l4proto_manip_pkt(): skb_ensure_writable() of the quoted header fails
        }
        int addr = innerSrc ? Tuple.src(ik1) : Tuple.dst(ik1);
        int port = Tuple.proto(ik2) == Ipv4.PROTO_ICMP || innerSrc ? Tuple.sport(ik2) : Tuple.dport(ik2);
        NatManip.manip(b, inner, skb.l3 + skb.len, innerSrc, addr, port);
        Ipv4.put16(b, skb.l4 + 2, 0);
        Ipv4.put16(b, skb.l4 + 2, Checksum.compute(b, skb.l4, icmpLen));
        // outer: like the reply to an incoming packet, protocol ICMP (no port to touch)
        long tk1 = Tuple.invertK1(ik1);
        boolean src = manip == Manip.SRC;
        NatManip.manip(b, skb.l3, skb.l3 + skb.len, src, src ? Tuple.src(tk1) : Tuple.dst(tk1), -1);
        return true;
    }
}
