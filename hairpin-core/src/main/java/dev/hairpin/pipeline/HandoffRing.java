package dev.hairpin.pipeline;

import dev.hairpin.packet.Skb;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-producer, single-consumer ring of datagrams from one worker to another (VPP's
 * worker handoff): the producer copies a datagram into a preallocated slot and publishes it
 * with a release store; the consumer runs it in place and frees the slot with another. No lock,
 * no allocation while a slot's buffer is large enough (a reassembled datagram may grow one).
 */
final class HandoffRing {
    static final int SLOTS = 256;
    private static final int MASK = SLOTS - 1;

    private final byte[][] bufs = new byte[SLOTS][2048];
    private final int[] lens = new int[SLOTS];
    private final int[] ifindex = new int[SLOTS];
    private final long[] seq = new long[SLOTS];
    /** 0: a datagram as received; else the frag_max_size of a datagram reassembled by the producer */
    private final int[] fragMaxSize = new int[SLOTS];
    private final int[][] fragList = new int[SLOTS][];

    /** written by the consumer only */
    private final AtomicLong head = new AtomicLong();
    /** written by the producer only (a separate object: not the consumer's cache line) */
    private final AtomicLong tail = new AtomicLong();

    /** the producer's side: copies the datagram in; false when the ring is full */
    boolean offer(Skb skb) {
        long t = tail.getPlain();
        if (t - head.getAcquire() == SLOTS) {
            return false;
        }
        int i = (int) t & MASK;
        byte[] b = bufs[i];
        if (b.length < skb.len) {
            bufs[i] = b = new byte[skb.len];
        }
        System.arraycopy(skb.buf, skb.l3, b, 0, skb.len);
        lens[i] = skb.len;
        ifindex[i] = skb.in == null ? 0 : skb.in.ifindex;
        seq[i] = skb.seq;
        fragMaxSize[i] = skb.fragMaxSize;
        fragList[i] = skb.fragList;
        tail.setRelease(t + 1);
        return true;
    }

    /** the consumer's side: runs every published datagram through {@code stack}; returns how many */
    int drain(Stack stack, Skb skb) {
        long h = head.getPlain();
        long t = tail.getAcquire();
        int n = 0;
        for (; h < t; h++, n++) {
            int i = (int) h & MASK;
            skb.set(bufs[i], 0, lens[i]);
            skb.in = ifindex[i] == 0 ? null : stack.host.device(ifindex[i]);
            skb.seq = seq[i];
            if (fragMaxSize[i] != 0) {
                skb.fragMaxSize = fragMaxSize[i];
                skb.fragList = fragList[i];
                fragList[i] = null;
                stack.receiveReassembled(skb);
            } else {
                stack.receive(skb);
            }
            head.setRelease(h + 1);
        }
        return n;
    }

    boolean isEmpty() {
        return head.getAcquire() == tail.getAcquire();
    }
}
