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
        HASH_IP("hash:ip", 6, 1), HASH_NET("hash:net", 7, 1), HASH_IP_PORT("hash:ip,port", 6, 2), BITMAP_PORT("bitmap:port", 3, 1);

        public final String name;
        public final int revision;
        /** dimensions: how many src/dst flags -m set takes */
        public final int dims;

        Type(String name, int revision, int dims) {
            this.name = name;
            this.revision = revision;
            this.dims = dims;
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
    public final int hashsize;
    public final int maxelem;
    /** default timeout in seconds, -1 when the set has no timeout support */
    public final long timeout;
    public final boolean counters;
    public final int rangeFrom;
    public final int rangeTo;
    public final int initval;
    /** rules referring to it (-m set, SET target) */
    public int references;
    final Map<Key, Entry> members = new LinkedHashMap<>();
    private final java.util.function.LongSupplier clock;

    IpSet(String name, Type type, int hashsize, int maxelem, long timeout, boolean counters, int from, int to, int initval,
            java.util.function.LongSupplier clock) {
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
    }

    long clockNow() {
        return clock.getAsLong();
    }

    boolean live(Entry e) {
        return e.deadline == 0 || e.deadline > clock.getAsLong();
    }

    /** drops expired elements (the kernel's gc; a listing never shows them) */
    void expire() {
        members.values().removeIf(e -> !live(e));
    }

    Entry get(Key k) {
        Entry e = members.get(k);
        return e != null && live(e) ? e : null;
    }

    int size() {
        expire();
        return members.size();
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

    @Override
    public boolean test(Skb skb, int[] dirs) {
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
        Entry e = lookup(addr, type == Type.HASH_IP_PORT ? proto : 0, port);
        if (e == null || e.nomatch) {
            return false;
        }
        if (counters) {
            e.packets++;
            e.bytes += skb.len;
        }
        return true;
    }

    /** the elements in insertion order (live ones) */
    List<Map.Entry<Key, Entry>> elements() {
        expire();
        return new ArrayList<>(members.entrySet());
    }
}
