package dev.hairpin.rules.nft;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.List;

/**
 * A set rules add elements to while packets pass ({@code flags dynamic}; a {@code meter} is an
 * anonymous one): elements keyed by one or two fields of the packet, each with its own copies of
 * the statement's stateful expressions (nft_dynset_new(): cloned, fresh), at most {@code size} of
 * them, expiring {@code timeout} after they were made or last updated (jiffies of a HZ=250 kernel).
 * Listed sorted by key, as nft lists them.
 */
final class DynSet {
    /** a key field: ip saddr/daddr (4 bytes), a transport port (2 bytes, in a 4-byte register), meta l4proto */
    enum Field {
        SADDR, DADDR, SPORT, DPORT, L4PROTO
    }

    private static final long JIFFY_NS = 4_000_000L;

    final String name;
    /** the key's datatypes as declared: ipv4_addr, inet_service, inet_proto */
    final List<String> types;
    final long size;
    /** the set's default timeout in jiffies, 0 for none; whether it has the timeout flag */
    final long timeout;
    final boolean timeoutFlag;
    /** element key (fields in 32-bit slots, the first highest) -> element */
    final LongMap<Elem> elems = new LongMap<>();

    /** one element: its expressions, when it expires (jiffies, Long.MAX_VALUE: never) and its own timeout (0: the set's) */
    static final class Elem {
        final dev.hairpin.rules.Match[] exprs;
        long expires;
        final long timeout;

        Elem(dev.hairpin.rules.Match[] exprs, long expires, long timeout) {
            this.exprs = exprs;
            this.expires = expires;
            this.timeout = timeout;
        }
    }

    DynSet(String name, List<String> types, long size, long timeoutMs, boolean timeoutFlag) {
        this.name = name;
        this.types = types;
        this.size = size == 0 ? 0xffff : size; // nft_dynset_init(): a set without a size gets 65535
        this.timeout = jiffies(timeoutMs);
        this.timeoutFlag = timeoutFlag;
    }

    /** msecs_to_jiffies() at HZ=250: rounded up */
    static long jiffies(long ms) {
        return (ms + 3) / 4;
    }

    static long now(long nanos) {
        return nanos / JIFFY_NS;
    }

    /** the packet's key of {@code key}'s fields; the caller has checked its protocol */
    static long key(List<Field> key, Skb skb) {
        long k = 0;
        for (Field f : key) {
            long v = switch (f) {
                case SADDR -> Ipv4.saddr(skb.buf, skb.l3) & 0xffffffffL;
                case DADDR -> Ipv4.daddr(skb.buf, skb.l3) & 0xffffffffL;
                case SPORT -> (skb.buf[skb.l4] & 0xff) << 8 | skb.buf[skb.l4 + 1] & 0xff;
                case DPORT -> (skb.buf[skb.l4 + 2] & 0xff) << 8 | skb.buf[skb.l4 + 3] & 0xff;
                case L4PROTO -> Ipv4.protocol(skb.buf, skb.l3);
            };
            k = k << 32 | v;
        }
        return k;
    }

    /** a live element (an expired one is no element: nft_set_elem_expired()), null when none */
    Elem get(long k, long now) {
        Elem e = elems.get(k);
        if (e != null && e.expires <= now) {
            elems.remove(k);
            return null;
        }
        return e;
    }

    /**
     * An element the listing holds before the run: its key and a {@code counter packets N bytes
     * M}; one with a limit or ct count (state the listing does not show) or an expiry (relative
     * to a moment the replay does not know) is refused.
     */
    void load(String element, String where) {
        String[] w = element.trim().split("\\s+");
        long k = 0;
        int i = 0;
        for (int f = 0; f < types.size(); f++) {
            if (f > 0) {
                if (i >= w.length || !w[i].equals(".")) {
                    throw new NftRuleset.NftException(where + ": element `" + element + "` does not fit set " + name);
                }
                i++;
            }
            if (i >= w.length) {
                throw new NftRuleset.NftException(where + ": element `" + element + "` does not fit set " + name);
            }
            k = k << 32 | value(types.get(f), w[i++], element, where);
        }
        if (i < w.length && w[i].equals(".")) {
            throw new NftRuleset.NftException(where + ": element `" + element + "` does not fit set " + name);
        }
        dev.hairpin.rules.Match[] exprs = {};
        if (i + 4 < w.length && w[i].equals("counter") && w[i + 1].equals("packets") && w[i + 3].equals("bytes")) {
            NftCounter c = new NftCounter();
            c.packets = Long.parseLong(w[i + 2]);
            c.bytes = Long.parseLong(w[i + 4]);
            exprs = new dev.hairpin.rules.Match[] {c};
            i += 5;
        }
        if (i < w.length) {
            throw new NftRuleset.NftException(where + ": set " + name + " element `" + element
                    + "` before the run: its `" + w[i] + "` (state or expiry the listing cannot restore) is not modelled");
        }
        elems.put(k, new Elem(exprs, Long.MAX_VALUE, 0));
    }

    private static long value(String type, String v, String element, String where) {
        try {
            switch (type) {
                case "ipv4_addr" -> {
                    String[] o = v.split("\\.");
                    if (o.length != 4) {
                        break;
                    }
                    long a = 0;
                    for (String x : o) {
                        int b = Integer.parseInt(x);
                        if (b < 0 || b > 255) {
                            throw new NumberFormatException();
                        }
                        a = a << 8 | b;
                    }
                    return a;
                }
                case "inet_service" -> {
                    int p = Integer.parseInt(v);
                    if (p >= 0 && p <= 65535) {
                        return p;
                    }
                }
                default -> {
                    return switch (v) {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        case "icmp" -> 1;
                        default -> Integer.parseInt(v) & 0xff;
                    };
                }
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new NftRuleset.NftException(where + ": element `" + element + "`: `" + v + "` is no " + type);
    }

    /** the element's key as nft prints it */
    String keyText(long k) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            long v = k >>> (32 * (types.size() - 1 - i)) & 0xffffffffL;
            if (i > 0) {
                sb.append(" . ");
            }
            switch (types.get(i)) {
                case "ipv4_addr" -> sb.append(v >>> 24).append('.').append(v >>> 16 & 0xff).append('.').append(v >>> 8 & 0xff)
                        .append('.').append(v & 0xff);
                case "inet_proto" -> sb.append(v == 6 ? "tcp" : v == 17 ? "udp" : v == 1 ? "icmp" : Long.toString(v));
                default -> sb.append(v);
            }
        }
        return sb.toString();
    }

    /** the datatype a field's value has */
    static String type(Field f) {
        return switch (f) {
            case SADDR, DADDR -> "ipv4_addr";
            case SPORT, DPORT -> "inet_service";
            case L4PROTO -> "inet_proto";
        };
    }

    /** a key field's two tokens ({@code ip saddr}), null when not one modelled */
    static Field field(String a, String b) {
        return switch (a + " " + b) {
            case "ip saddr" -> Field.SADDR;
            case "ip daddr" -> Field.DADDR;
            case "tcp sport", "udp sport", "th sport" -> Field.SPORT;
            case "tcp dport", "udp dport", "th dport" -> Field.DPORT;
            case "meta l4proto", "ip protocol" -> Field.L4PROTO;
            default -> null;
        };
    }
}
