package dev.hairpin.packet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * IPv4 reassembly as nf_defrag_ipv4 does it before conntrack: ip_defrag() of
 * net/ipv4/ip_fragment.c on the queue logic of net/ipv4/inet_fragment.c.
 *
 * <ul>
 * <li>Queues are keyed by (source, destination, id, protocol) and a caller's {@code user}
 *     (the kernel keeps PREROUTING's IP_DEFRAG_CONNTRACK_IN apart from OUTPUT's _OUT).</li>
 * <li>A fragment that overlaps queued data drops the whole queue (RFC 5722 as the kernel applies
 *     it to IPv4); one lying entirely inside a queued run of adjacent fragments is a duplicate
 *     and only itself is dropped. An inconsistent end (data beyond a known last fragment, two
 *     different last fragments) or an empty fragment also drops the queue.</li>
 * <li>A queue lives {@code ipfrag_time} (30 s) from its first fragment, not refreshed.</li>
 * <li>Memory: each queue costs {@link #QUEUE_SIZE} and each fragment its length plus
 *     {@link #SKB_OVERHEAD} (truesize is not on the wire; the figures follow the kernel's own
 *     comment: a 1500-byte fragment is 2944). Above {@code ipfrag_high_thresh} no fragment is
 *     accepted until queues expire (low_thresh is unused since Linux 4.17).</li>
 * <li>The result carries the offset-0 fragment's header (options included) with total length
 *     set, fragment field = DF if the largest fragment had DF else 0, the ECN bits combined
 *     (RFC 3168 5.3; an invalid mix drops it) and the header checksum recomputed. Datagrams
 *     over 65535 bytes are dropped.</li>
 * </ul>
 * Not modelled: {@code ipfrag_max_dist} (per-peer reordering limit, needs inet_peer) and the
 * ICMP "fragment reassembly time exceeded" (never sent for conntrack's users anyway).
 * Fragments are rare, so allocation is fine here. Not thread-safe.
 */
public final class Defrag {
    public static final long DEFAULT_TIMEOUT_NANOS = 30_000_000_000L;
    public static final long DEFAULT_HIGH_THRESH = 4L * 1024 * 1024;
    /** sizeof(struct ipq) */
    public static final int QUEUE_SIZE = 200;
    /** added to a fragment's length to estimate its skb truesize */
    public static final int SKB_OVERHEAD = 1444;

    /** what the last {@link #offer} did */
    public enum Outcome {
        /** kept, waiting for more */
        QUEUED,
        /** the datagram is complete and returned */
        REASSEMBLED,
        /** a duplicate: this fragment dropped, the queue kept */
        DUPLICATE,
        /** overlap, inconsistent length, empty fragment, bad ECN mix or oversize: queue dropped */
        QUEUE_DROPPED,
        /** over ipfrag_high_thresh: fragment dropped */
        NO_MEMORY,
        /** not a well-formed IPv4 fragment (the kernel's ip_rcv would have dropped it) */
        INVALID
    }

    private long timeoutNanos;
    private long highThresh;
    private int maxSize;
    private int[] fragLengths;
    /** told of every queue that expires having received its first fragment (ip_expire) */
    public Expired onExpire;

    /** A queue timed out; {@code head} is its offset-0 fragment as received. */
    public interface Expired {
        void expired(byte[] head, int user, int tag);
    }
    private final LinkedHashMap<Key, Queue> queues = new LinkedHashMap<>();
    private long mem;
    private Outcome outcome;

    // IPSTATS_MIB_REASM* counters
    private long reasmReqds;
    private long reasmOks;
    private long reasmFails;
    private long reasmTimeouts;
    private long reasmOverlaps;

    public Defrag() {
        this(DEFAULT_TIMEOUT_NANOS, DEFAULT_HIGH_THRESH);
    }

    /** {@code timeoutNanos}: net.ipv4.ipfrag_time; {@code highThresh}: net.ipv4.ipfrag_high_thresh in bytes */
    public Defrag(long timeoutNanos, long highThresh) {
        this.timeoutNanos = timeoutNanos;
        this.highThresh = highThresh;
    }

    /** net.ipv4.ipfrag_time and ipfrag_high_thresh, read again by the stack before each fragment */
    public void setLimits(long timeoutNanos, long highThresh) {
        this.timeoutNanos = timeoutNanos;
        this.highThresh = highThresh;
    }

    /**
     * IPCB(skb)->frag_max_size of the datagram the last {@link #offer} returned: the largest
     * fragment's total length (output re-fragments to it, ip_do_fragment).
     */
    public int maxSize() {
        return maxSize;
    }

    /**
     * The data length of each fragment the last returned datagram was made of, in offset order:
     * the frag_list ip_do_fragment's fast path sends again as it was.
     */
    public int[] fragLengths() {
        return fragLengths;
    }

    /** {@link #offer(byte[], int, int, int, long)} with user 0 */
    public byte[] offer(byte[] buf, int off, int len, long nowNanos) {
        return offer(buf, off, len, 0, nowNanos);
    }

    /**
     * Takes one fragment: the IPv4 datagram at {@code buf[off, off+len)} ({@code len} may
     * include link padding beyond the total length). Returns the reassembled datagram when this
     * fragment completes one, else null; {@link #outcome()} says why. The buffer is copied, not
     * kept. Queues older than the timeout are expired first.
     */
    public byte[] offer(byte[] buf, int off, int len, int user, long nowNanos) {
        return offer(buf, off, len, user, 0, nowNanos);
    }

    /** As {@link #offer(byte[], int, int, int, long)}; {@code tag} (the input device) is given back on expiry. */
    public byte[] offer(byte[] buf, int off, int len, int user, int tag, long nowNanos) {
        expire(nowNanos);
        if (len < Ipv4.MIN_HEADER || Ipv4.version(buf, off) != 4) {
            return result(Outcome.INVALID);
        }
        int ihl = Ipv4.ihlBytes(buf, off);
        int totLen = Ipv4.totLen(buf, off);
        if (ihl < Ipv4.MIN_HEADER || totLen < ihl || totLen > len || !Ipv4.isFragment(buf, off)) {
            return result(Outcome.INVALID);
        }
        reasmReqds++;
        if (highThresh == 0 || mem > highThresh) { // inet_frag_find()
            reasmFails++;
            return result(Outcome.NO_MEMORY);
        }
        Key key = new Key(Ipv4.saddr(buf, off), Ipv4.daddr(buf, off), Ipv4.id(buf, off), Ipv4.protocol(buf, off), user);
        Queue q = queues.get(key);
        if (q == null) {
            q = new Queue(nowNanos);
            queues.put(key, q);
            mem += QUEUE_SIZE;
        }
        return queue(key, q, buf, off, ihl, totLen, tag);
    }

    /** ip_frag_queue() */
    private byte[] queue(Key key, Queue q, byte[] buf, int off, int ihl, int totLen, int tag) {
        int fragField = Ipv4.fragOff(buf, off);
        int offset = (fragField & Ipv4.IP_OFFSET) << 3;
        int end = offset + totLen - ihl;
        if ((fragField & Ipv4.IP_MF) == 0) {
            if (end < q.len || (q.lastIn && end != q.len)) {
                return dropQueue(key, q);
            }
            q.lastIn = true;
            q.len = end;
        } else {
            end &= ~7;
            if (end > q.len) {
                if (q.lastIn) {
                    return dropQueue(key, q);
                }
                q.len = end;
            }
        }
        if (end == offset) {
            return dropQueue(key, q);
        }
        switch (q.insert(offset, end)) {
            case DUP -> {
                return result(Outcome.DUPLICATE);
            }
            case OVERLAP -> {
                reasmOverlaps++;
                return dropQueue(key, q);
            }
            default -> { }
        }
        Frag f = new Frag(offset, end, copy(buf, off + ihl, end - offset));
        q.frags.add(f);
        if (offset == 0) {
            q.firstIn = true;
            q.header = copy(buf, off, ihl);
            q.tag = tag;
        }
        q.meat += end - offset;
        q.ecn |= 1 << (Ipv4.tos(buf, off) & 3);
        mem += truesize(f);
        int fragsize = end - offset + ihl;
        q.maxSize = Math.max(q.maxSize, fragsize);
        if ((fragField & Ipv4.IP_DF) != 0) {
            q.maxDfSize = Math.max(q.maxDfSize, fragsize);
        }
        if (q.firstIn && q.lastIn && q.meat == q.len) {
            return reassemble(key, q);
        }
        return result(Outcome.QUEUED);
    }

    /** ip_frag_reasm() */
    private byte[] reassemble(Key key, Queue q) {
        kill(key, q);
        int ecn = ECN_TABLE[q.ecn];
        int len = q.header.length + q.len;
        if (ecn == 0xff || len > 65535) {
            reasmFails++;
            return result(Outcome.QUEUE_DROPPED);
        }
        byte[] d = new byte[len];
        System.arraycopy(q.header, 0, d, 0, q.header.length);
        for (Frag f : q.frags) {
            System.arraycopy(f.data, 0, d, q.header.length + f.offset, f.data.length);
        }
        Ipv4.setTotLen(d, 0, len);
        Ipv4.setTos(d, 0, Ipv4.tos(d, 0) | ecn);
        Ipv4.setFragOff(d, 0, q.maxDfSize == q.maxSize ? Ipv4.IP_DF : 0);
        Checksum.setIpv4Header(d, 0);
        maxSize = Math.max(q.maxSize, q.maxDfSize);
        List<Frag> inOrder = new ArrayList<>(q.frags);
        inOrder.sort((x, y) -> Integer.compare(x.offset, y.offset));
        fragLengths = new int[inOrder.size()];
        for (int i = 0; i < fragLengths.length; i++) {
            fragLengths[i] = inOrder.get(i).data.length;
        }
        reasmOks++;
        return result(Outcome.REASSEMBLED, d);
    }

    /**
     * Drops every queue whose timer ran out by {@code nowNanos} (ip_expire()); returns how many.
     * {@link #offer} calls it too.
     */
    public int expire(long nowNanos) {
        int n = 0;
        // creation order is expiry order: the timeout is fixed and never refreshed
        for (Iterator<java.util.Map.Entry<Key, Queue>> it = queues.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Queue q = e.getValue();
            if (nowNanos - q.created < timeoutNanos) {
                break;
            }
            it.remove();
            if (q.firstIn && onExpire != null) {
                onExpire.expired(q.head(), e.getKey().user(), q.tag);
            }
            mem -= footprint(q);
            reasmTimeouts++;
            reasmFails++;
            n++;
        }
        return n;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** incomplete datagrams held */
    public int queueCount() {
        return queues.size();
    }

    /** estimated bytes held (the kernel's frag_mem_limit()) */
    public long memory() {
        return mem;
    }

    public long reasmReqds() {
        return reasmReqds;
    }

    public long reasmOks() {
        return reasmOks;
    }

    public long reasmFails() {
        return reasmFails;
    }

    public long reasmTimeouts() {
        return reasmTimeouts;
    }

    public long reasmOverlaps() {
        return reasmOverlaps;
    }

    private byte[] dropQueue(Key key, Queue q) {
        kill(key, q);
        reasmFails++;
        return result(Outcome.QUEUE_DROPPED);
    }

    private void kill(Key key, Queue q) {
        queues.remove(key);
        mem -= footprint(q);
    }

    private byte[] result(Outcome o) {
        outcome = o;
        return null;
    }

    private byte[] result(Outcome o, byte[] d) {
        outcome = o;
        return d;
    }

    private static long footprint(Queue q) {
        long m = QUEUE_SIZE;
        for (Frag f : q.frags) {
            m += truesize(f);
        }
        return m;
    }

    private static int truesize(Frag f) {
        return f.data.length + SKB_OVERHEAD;
    }

    private static byte[] copy(byte[] b, int off, int len) {
        byte[] c = new byte[len];
        System.arraycopy(b, off, c, 0, len);
        return c;
    }

    /** ip_frag_ecn_table, indexed by the OR of 1 << (tos & 3) over the fragments */
    private static final int[] ECN_TABLE = new int[16];

    static {
        final int notEct = 1, ect1 = 2, ect0 = 4, ce = 8;
        ECN_TABLE[ce | ect0] = 3;
        ECN_TABLE[ce | ect1] = 3;
        ECN_TABLE[ce | ect0 | ect1] = 3;
        for (int i = 0; i < 16; i++) {
            if ((i & notEct) != 0 && (i & ~notEct) != 0) {
                ECN_TABLE[i] = 0xff;
            }
        }
    }

    private record Key(int saddr, int daddr, int id, int protocol, int user) {}

    private record Frag(int offset, int end, byte[] data) {}

    private enum Insert { OK, DUP, OVERLAP }

    /** struct ipq: the fragments and the "runs" of adjacent ones appended in order */
    private static final class Queue {
        final long created;
        final List<Frag> frags = new ArrayList<>();
        /** [start, end) of each run; a run grows only while fragments arrive in order at the tail */
        final List<int[]> runs = new ArrayList<>();
        /** end of the fragment most recently appended at the tail (fragments_tail) */
        int tailEnd = -1;
        /** the run the tail belongs to (last_run_head) */
        int[] lastRun;
        int len;
        int meat;
        int ecn;
        int maxSize;
        int maxDfSize;
        boolean firstIn;
        boolean lastIn;
        byte[] header;
        int tag;

        /** the offset-0 fragment as it arrived (header + its data) */
        byte[] head() {
            for (Frag f : frags) {
                if (f.offset == 0) {
                    byte[] h = new byte[header.length + f.data.length];
                    System.arraycopy(header, 0, h, 0, header.length);
                    System.arraycopy(f.data, 0, h, header.length, f.data.length);
                    return h;
                }
            }
            return header;
        }

        Queue(long created) {
            this.created = created;
        }

        /** inet_frag_queue_insert(): runs are disjoint, so the rb-tree walk reduces to this */
        Insert insert(int offset, int end) {
            if (tailEnd < 0) {
                lastRun = new int[] {offset, end};
                runs.add(lastRun);
                tailEnd = end;
            } else if (tailEnd < end) {
                if (offset < tailEnd) {
                    return Insert.OVERLAP;
                }
                if (offset == tailEnd) {
                    lastRun[1] = end;
                } else {
                    lastRun = new int[] {offset, end};
                    runs.add(lastRun);
                }
                tailEnd = end;
            } else {
                for (int[] run : runs) {
                    if (end <= run[0] || offset >= run[1]) {
                        continue;
                    }
                    return offset >= run[0] && end <= run[1] ? Insert.DUP : Insert.OVERLAP;
                }
                runs.add(new int[] {offset, end}); // a run of its own, never extended
            }
            return Insert.OK;
        }
    }
}
