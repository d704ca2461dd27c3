package dev.hairpin.ipset;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtServices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One IPv4 set of the kernel's ip_set (hash:ip, hash:net, hash:ip,port, bitmap:port): its
 * create options, its elements with their timeouts (on the engine's clock), nomatch flags and
 * counters, and the packet test xt_set asks for. Elements are keyed by (address, prefix,
 * protocol, port); unused parts are 0.
 */
public final class IpSet implements XtServices.IpSetView {
    public enum Type {
        HASH_IP("hash:ip", 6, 1, 4, 192), HASH_NET("hash:net", 7, 1, 8, 432), HASH_IP_PORT("hash:ip,port", 7, 2, 8, 192),
        BITMAP_PORT("bitmap:port", 3, 1, 0, 72);

        public final String name;
        public final int revision;
        /** dimensions: how many src/dst flags -m set takes */
        public final int dims;
        /** sizeof the kernel's element struct (hash_ip4_elem ...) */
        final int elemLen;
        /** the set's fixed "Size in memory" part (the type's structs; hash:net adds its prefix table) */
        final int base;

        Type(String name, int revision, int dims, int elemLen, int base) {
            this.name = name;
            this.revision = revision;
            this.dims = dims;
            this.elemLen = elemLen;
            this.base = base;
        }

        /** the type by its name or its ipset 4 alias */
        public static Type of(String s) {
            return switch (s) {
                case "hash:ip", "iphash" -> HASH_IP;
                case "hash:net", "nethash" -> HASH_NET;
                case "hash:ip,port", "ipporthash" -> HASH_IP_PORT;
                case "bitmap:port", "portmap" -> BITMAP_PORT;
                default -> null;
            };
        }
    }

    /** An element: key parts, deadline (0 = never: no timeout or "timeout 0"), flags, counters. */
    public record Key(int addr, int cidr, int proto, int port) {}

    static final class Entry {
        long deadline;
        boolean nomatch;
        long packets;
        long bytes;
    }

    public String name;
    public final Type type;
    /** the table's size (doubled by a resize) */
    public int hashsize;
    public final int maxelem;
    /** default timeout in seconds, -1 when the set has no timeout support */
    public final long timeout;
    public final boolean counters;
    public final int rangeFrom;
    public final int rangeTo;
    public final int initval;
    /** rules referring to it (-m set, SET target) */
    public int references;
    /** every element (expired ones too, until the gc takes them), for lookups */
    final Map<Key, Entry> members = new LinkedHashMap<>();
    private final java.util.function.LongSupplier clock;
    /**
     * The hash table as ip_set_hash_gen.h lays it out, because listing order and "Size in memory"
     * come from it: bucket jhash2(element, initval) of 2^bits, slots in bucket order (a deleted
     * slot is reused first), buckets grown and shrunk by AHASH_INIT_SIZE (2) slots.
     */
    private int bits;
    private Key[][] buckets;
    private int[] pos;
    /** the regions' ext_size: what the buckets cost, as the kernel counts it */
    private long extSize;
    /** bytes per slot: the element and its extensions (counter 16, timeout 8; 8-aligned) */
    private final int dsize;
    /** when the periodic gc next drops expired elements (ns; Long.MAX_VALUE without timeout) */
    private long nextGc;

    private static final int HBUCKET = 32;
    private static final int INIT = 2;
    /** AHASH_MAX: a bucket this full makes the next add resize the table */
    public final int bucketsize;

    IpSet(String name, Type type, int hashsize, int maxelem, long timeout, boolean counters, int from, int to, int initval,
            int bucketsize, java.util.function.LongSupplier clock) {
        this.bucketsize = bucketsize;
        this.name = name;
        this.type = type;
        this.hashsize = hashsize;
        this.maxelem = maxelem;
        this.timeout = timeout;
        this.counters = counters;
        this.rangeFrom = from;
        this.rangeTo = to;
        this.initval = initval;
        this.clock = clock;
        int ext = (counters ? 16 : 0) + (timeout >= 0 ? 8 : 0);
        this.dsize = type == Type.BITMAP_PORT ? ext : ext == 0 ? type.elemLen : (type.elemLen + 7 & ~7) + ext;
        this.bits = type == Type.BITMAP_PORT ? 0 : Integer.numberOfTrailingZeros(hashsize);
        this.buckets = type == Type.BITMAP_PORT ? null : new Key[1 << bits][];
        this.pos = type == Type.BITMAP_PORT ? null : new int[1 << bits];
        this.nextGc = timeout >= 0 ? clock.getAsLong() + gcPeriod() : Long.MAX_VALUE;
    }

    /** IPSET_GC_PERIOD(timeout): a third of it, at most 3 minutes, at least a second */
    private long gcPeriod() {
        long p = timeout / 3 == 0 ? 1 : Math.min(timeout / 3, 180);
        return p * 1_000_000_000L;
    }

    /** the periodic gc (mtype_gc) for every period that passed */
    private void gc() {
        long now = clock.getAsLong();
        if (now < nextGc) {
            return;
        }
        while (nextGc <= now) {
            nextGc += gcPeriod();
        }
        dropExpired();
    }

    private void dropExpired() {
        for (Key k : new ArrayList<>(members.keySet())) {
            if (!live(members.get(k))) {
                remove(k);
            }
        }
    }

    private int bucket(Key k) {
        return bucket(k, bits);
    }

    private int bucket(Key k, int bits) {
        int[] w = switch (type) {
            case HASH_IP -> new int[] {Integer.reverseBytes(k.addr())};
            case HASH_NET -> new int[] {Integer.reverseBytes(k.addr()), k.cidr() << 24};
            default -> new int[] {Integer.reverseBytes(k.addr()), Short.toUnsignedInt(Short.reverseBytes((short) k.port())) | k.proto() << 16};
        };
        return dev.hairpin.nat.Jhash.jhash2(w, w.length, initval) & ((1 << bits) - 1);
    }

    /** Stores an element: in place when its key is there (expired or -exist), else in a slot (mtype_add). */
    void put(Key k, Entry e) {
        if (members.put(k, e) != null || type == Type.BITMAP_PORT) {
            return;
        }
        int b = bucket(k);
        Key[] n = buckets[b];
        if (n == null) {
            buckets[b] = n = new Key[INIT];
            extSize += HBUCKET + (long) INIT * dsize;
        }
        for (int i = 0; i < pos[b]; i++) {
            if (n[i] == null) {
                n[i] = k; // reuse the first deleted slot
                return;
            }
            Entry old = members.get(n[i]);
            if (old != null && !live(old)) {
                members.remove(n[i]); // reuse the first timed out one
                n[i] = k;
                return;
            }
        }
        if (pos[b] >= n.length) {
            if (n.length >= bucketsize) {
                members.remove(k); // the kernel says -EAGAIN, resizes, and the add is tried again
                resize();
                put(k, e);
                return;
            }
            buckets[b] = n = java.util.Arrays.copyOf(n, n.length + INIT);
            extSize += HBUCKET + (long) INIT * dsize;
        }
        n[pos[b]++] = k;
    }

    /**
     * mtype_resize: a table of twice the buckets, the elements moved bucket by bucket, slot by
     * slot (expired ones dropped), into fresh buckets; again twice as large if one of those fills.
     */
    private void resize() {
        for (int nb = bits + 1;; nb++) {
            Key[][] t = new Key[1 << nb][];
            int[] tp = new int[1 << nb];
            long ext = 0;
            boolean again = false;
            List<Key> expired = new ArrayList<>();
            copy:
            for (int b = 0; b < buckets.length; b++) {
                for (int i = 0; i < pos[b]; i++) {
                    Key k = buckets[b][i];
                    if (k == null) {
                        continue;
                    }
                    if (!live(members.get(k))) {
                        expired.add(k);
                        continue;
                    }
                    int x = bucket(k, nb);
                    if (t[x] == null) {
                        t[x] = new Key[INIT];
                        ext += HBUCKET + (long) INIT * dsize;
                    } else if (tp[x] >= t[x].length) {
                        if (t[x].length >= bucketsize) {
                            again = true;
                            break copy;
                        }
                        t[x] = java.util.Arrays.copyOf(t[x], t[x].length + INIT);
                        ext += HBUCKET + (long) INIT * dsize;
                    }
                    t[x][tp[x]++] = k;
                }
            }
            if (!again) {
                expired.forEach(members::remove);
                bits = nb;
                hashsize = 1 << nb;
                buckets = t;
                pos = tp;
                extSize = ext;
                return;
            }
        }
    }

    /**
     * Deletes an element (mtype_del): pos drops only when the last slot goes; the bucket is freed
     * when no slot below pos is in use, and shrunk by 2 (compacted) when 2 slots below pos are unused.
     */
    void remove(Key k) {
        if (members.remove(k) == null || type == Type.BITMAP_PORT) {
            return;
        }
        int b = bucket(k);
        Key[] n = buckets[b];
        int i = 0;
        while (!k.equals(n[i])) {
            i++;
        }
        n[i] = null;
        if (i + 1 == pos[b]) {
            pos[b]--;
        }
        int free = 0; // unused slots below pos, the ones before the deleted element included
        for (int x = 0; x < pos[b]; x++) {
            if (n[x] == null) {
                free++;
            }
        }
        if (free == pos[b]) { // every slot below pos unused (kernels with the "k == n->pos" fix, as this one)
            extSize -= HBUCKET + (long) n.length * dsize;
            buckets[b] = null;
            pos[b] = 0;
        } else if (free >= INIT) {
            Key[] t = new Key[n.length - INIT];
            int j = 0;
            for (int x = 0; x < pos[b]; x++) {
                if (n[x] != null) {
                    t[j++] = n[x];
                }
            }
            pos[b] = j;
            buckets[b] = t;
            extSize -= HBUCKET + (long) INIT * dsize;
        }
    }

    /** every element gone (mtype_flush: buckets freed, the table keeps its size) */
    void flush() {
        members.clear();
        if (buckets != null) {
            java.util.Arrays.fill(buckets, null);
            java.util.Arrays.fill(pos, 0);
            extSize = 0;
        }
    }

    /** elements in the table, expired ones not yet collected included (what maxelem limits) */
    int stored() {
        return members.size();
    }

    /** the set is full: with timeouts the kernel collects expired elements first */
    boolean full() {
        if (members.size() >= maxelem && timeout >= 0) {
            dropExpired();
        }
        return members.size() >= maxelem;
    }

    /** "Size in memory" as the kernel reports it */
    long memsize() {
        gc();
        if (type == Type.BITMAP_PORT) {
            long n = rangeTo - rangeFrom + 1L;
            return type.base + (n + 63) / 64 * 8 + n * dsize;
        }
        int regions = bits < 10 ? 1 : 1 << (bits - 10);
        return type.base + 24L * regions + extSize;
    }

    long clockNow() {
        return clock.getAsLong();
    }

    boolean live(Entry e) {
        return e.deadline == 0 || e.deadline > clock.getAsLong();
    }

    Entry get(Key k) {
        Entry e = members.get(k);
        return e != null && live(e) ? e : null;
    }

    /** live elements ("Number of entries") */
    int size() {
        gc();
        int n = 0;
        for (Entry e : members.values()) {
            if (live(e)) {
                n++;
            }
        }
        return n;
    }

    /** The element a lookup of an address (and port) finds: hash:net tries the longest prefix first. */
    Entry lookup(int addr, int proto, int port) {
        return switch (type) {
            case HASH_IP -> get(new Key(addr, 32, 0, 0));
            case HASH_IP_PORT -> get(new Key(addr, 32, proto, port));
            case BITMAP_PORT -> port >= rangeFrom && port <= rangeTo ? get(new Key(0, 0, 0, port)) : null;
            case HASH_NET -> {
                boolean[] seen = new boolean[33];
                for (Key k : members.keySet()) {
                    seen[k.cidr()] = true;
                }
                for (int c = 32; c >= 1; c--) {
                    if (seen[c]) {
                        Entry e = get(new Key(addr & mask(c), c, 0, 0));
                        if (e != null) {
                            yield e;
                        }
                    }
                }
                yield null;
            }
        };
    }

    static int mask(int cidr) {
        return cidr == 0 ? 0 : -1 << (32 - cidr);
    }

    /**
     * The element a packet makes (the kadt functions): the address by the first flag, the port
     * by the second (bitmap:port: the first), protocol and port for hash:ip,port, a host prefix
     * for hash:net; null when the packet has no port the set needs.
     */
    private Key packetKey(Skb skb, int[] dirs) {
        int addr = dirs.length > 0 && dirs[0] == 1 ? skb.saddr() : skb.daddr();
        int proto = skb.protocol();
        if (type == Type.HASH_IP) {
            return new Key(addr, 32, 0, 0);
        }
        if (type == Type.HASH_NET) {
            return new Key(addr, 32, 0, 0);
        }
        boolean srcPort = type == Type.BITMAP_PORT ? dirs.length > 0 && dirs[0] == 1 : dirs.length > 1 && dirs[1] == 1;
        int port;
        switch (proto) {
            case 6, 17, 132, 136, 33 -> port = Ipv4.u16(skb.buf, skb.l4 + (srcPort ? 0 : 2));
            case 1 -> port = Ipv4.u16(skb.buf, skb.l4);
            default -> {
                if (type == Type.BITMAP_PORT) {
                    return null;
                }
                port = 0;
            }
        }
        if (type == Type.BITMAP_PORT) {
            return proto == 6 || proto == 17 ? new Key(0, 0, 0, port) : null;
        }
        return new Key(addr, 32, proto, port);
    }

    @Override
    public void add(Skb skb, int[] dirs, long timeoutSec, boolean exist) {
        Key k = packetKey(skb, dirs);
        if (k == null || (type == Type.BITMAP_PORT && (k.port() < rangeFrom || k.port() > rangeTo))) {
            return;
        }
        Entry old = get(k);
        if (old != null && !exist) {
            return; // -IPSET_ERR_EXIST, which the target ignores
        }
        if (old == null && !members.containsKey(k) && full()) {
            return;
        }
        Entry n = old != null ? old : new Entry();
        long t = timeoutSec >= 0 && timeout >= 0 ? timeoutSec : timeout;
        n.deadline = t > 0 ? clock.getAsLong() + t * 1_000_000_000L : 0;
        put(k, n);
    }

    @Override
    public void del(Skb skb, int[] dirs) {
        Key k = packetKey(skb, dirs);
        if (k != null && get(k) != null) {
            remove(k);
        }
    }

    @Override
    public boolean test(Skb skb, int[] dirs) {
        return test(skb, dirs, 0, 0, 0, 0, 0);
    }

    /**
     * ip_set_test() from xt_set: the element the packet makes, through the extensions
     * (ip_set_match_extensions: a live element's counters are updated unless
     * SKIP_COUNTER_UPDATE, then compared when the rule has a --packets/--bytes condition, a
     * failed comparison being no element: hash:net goes on to the next shorter prefix); a nomatch
     * element is -ENOTEMPTY, no match, unless RETURN_NOMATCH, which on a type with nomatch
     * (hash:net) swaps the two: the nomatch element matches and a plain one does not.
     */
    @Override
    public boolean test(Skb skb, int[] dirs, int cmdflags, int packetsOp, long packets, int bytesOp, long bytes) {
        int addr = dirs.length > 0 && dirs[0] == 1 ? skb.saddr() : skb.daddr();
        int proto = skb.protocol();
        int port = 0;
        if (type == Type.HASH_IP_PORT || type == Type.BITMAP_PORT) {
            boolean srcPort = type == Type.BITMAP_PORT ? dirs.length > 0 && dirs[0] == 1 : dirs.length > 1 && dirs[1] == 1;
            switch (proto) {
                case 6, 17, 132, 136, 33 -> port = Ipv4.u16(skb.buf, skb.l4 + (srcPort ? 0 : 2));
                case 1 -> port = Ipv4.u16(skb.buf, skb.l4); // type << 8 | code
                default -> {
                    if (type == Type.BITMAP_PORT) {
                        return false;
                    }
                }
            }
            if (type == Type.BITMAP_PORT && proto != 6 && proto != 17) {
                return false;
            }
        }
        boolean matchCounters = packetsOp != 0 || bytesOp != 0;
        int ret = 0;
        if (type == Type.HASH_NET) {
            boolean[] seen = new boolean[33];
            for (Key k : members.keySet()) {
                seen[k.cidr()] = true;
            }
            for (int c = 32; c >= 1 && ret == 0; c--) {
                if (seen[c]) {
                    ret = dataMatch(get(new Key(addr & mask(c), c, 0, 0)), skb, cmdflags, matchCounters, packetsOp, packets, bytesOp, bytes);
                }
            }
        } else {
            ret = dataMatch(lookup(addr, type == Type.HASH_IP_PORT ? proto : 0, port), skb, cmdflags, matchCounters,
                    packetsOp, packets, bytesOp, bytes);
        }
        if ((cmdflags & RETURN_NOMATCH) != 0 && type == Type.HASH_NET && (ret > 0 || ret == -ENOTEMPTY)) {
            ret = -ret;
        }
        return ret > 0;
    }

    static final int ENOTEMPTY = 39;
    /** IPSET_FLAG_RETURN_NOMATCH, IPSET_FLAG_SKIP_COUNTER_UPDATE (xt_set's cmdflags) */
    static final int RETURN_NOMATCH = 1 << 7;
    static final int SKIP_COUNTER_UPDATE = 1 << 8;

    /** mtype_data_match(): 0 no element (or its extensions refuse), 1 a match, -ENOTEMPTY nomatch */
    private int dataMatch(Entry e, Skb skb, int cmdflags, boolean matchCounters, int packetsOp, long packets,
            int bytesOp, long bytes) {
        if (e == null) {
            return 0;
        }
        if (counters) {
            if ((cmdflags & SKIP_COUNTER_UPDATE) == 0) {
                e.packets++;
                e.bytes += skb.len;
            }
            if (matchCounters && !(counterMatch(e.packets, packetsOp, packets) && counterMatch(e.bytes, bytesOp, bytes))) {
                return 0;
            }
        }
        return e.nomatch ? -ENOTEMPTY : 1;
    }

    /** ip_set_match_counter(): IPSET_COUNTER_NONE, EQ, NE, LT, GT */
    static boolean counterMatch(long counter, int op, long value) {
        return switch (op) {
            case 1 -> counter == value;
            case 2 -> counter != value;
            case 3 -> counter < value;
            case 4 -> counter > value;
            default -> true;
        };
    }

    /** the live elements in the kernel's listing order: bucket by bucket, slot by slot (a bitmap ascending) */
    List<Map.Entry<Key, Entry>> elements() {
        gc();
        List<Map.Entry<Key, Entry>> out = new ArrayList<>();
        if (type == Type.BITMAP_PORT) {
            members.entrySet().stream().filter(x -> live(x.getValue())).sorted(java.util.Comparator.comparingInt(x -> x.getKey().port()))
                    .forEach(x -> out.add(Map.entry(x.getKey(), x.getValue())));
            return out;
        }
        for (int b = 0; b < buckets.length; b++) {
            for (int i = 0; i < pos[b]; i++) {
                Key k = buckets[b][i];
                Entry e = k == null ? null : members.get(k);
                if (e != null && live(e)) {
                    out.add(Map.entry(k, e));
                }
            }
        }
        return out;
    }
}
