package dev.hairpin.gateway;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Frames queued for one packet socket and sent with one {@code sendmmsg()} per batch instead of
 * one {@code send()} per frame: the data plane writes each frame into a slot, and the batch
 * goes out when it is full or at the end of the loop's round (before it may sleep in poll), so
 * a frame waits at most one round. The socket is bound to its device, so no address is given.
 * Slots, iovecs and mmsghdrs are set up once; a flush allocates nothing.
 */
final class TxBatch {
    /** the socket side: sendmmsg() of {@code count} mmsghdrs at {@code vec}, how many went or -1 */
    interface Sender {
        int sendmmsg(MemorySegment vec, int count);
    }

    static final int SLOTS = 64;
    private static final int MMSGHDR = 64; // struct msghdr (56) + msg_len, padded
    private static final int IOVEC = 16;

    private final MemorySegment[] slots = new MemorySegment[SLOTS];
    /** the mmsghdr vector from slot i on, so a partial send can resume without slicing */
    private final MemorySegment[] vecFrom = new MemorySegment[SLOTS];
    private final MemorySegment iov;
    private final int[] lens = new int[SLOTS];
    final int slotSize;
    private int n;
    /** frames and bytes the kernel took, frames it refused; the data plane moves them to its counters */
    long sentPackets;
    long sentBytes;
    long failed;
    long syscalls;

    TxBatch(Arena arena, int maxFrame) {
        slotSize = (maxFrame + 63) & ~63;
        MemorySegment data = arena.allocate((long) slotSize * SLOTS, 64);
        iov = arena.allocate((long) IOVEC * SLOTS, 8);
        MemorySegment vec = arena.allocate((long) MMSGHDR * SLOTS, 8);
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = data.asSlice((long) slotSize * i, slotSize);
            iov.set(ValueLayout.ADDRESS, (long) IOVEC * i, slots[i]);
            long h = (long) MMSGHDR * i;
            vec.set(ValueLayout.ADDRESS, h + 16, iov.asSlice((long) IOVEC * i, IOVEC)); // msg_iov
            vec.set(ValueLayout.JAVA_LONG, h + 24, 1L); // msg_iovlen
            vecFrom[i] = vec.asSlice(h);
        }
    }

    /** the slot the next frame is written into */
    MemorySegment slot() {
        return slots[n];
    }

    /** The frame in {@link #slot()} is {@code len} bytes; sends the batch when it is full. */
    void commit(Sender sock, int len) {
        lens[n] = len;
        iov.set(ValueLayout.JAVA_LONG, (long) IOVEC * n + 8, len);
        if (++n == SLOTS) {
            flush(sock);
        }
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** Sends what is queued; a frame the kernel refuses is counted and skipped, the rest still go. */
    void flush(Sender sock) {
        int i = 0;
        while (i < n) {
            syscalls++;
            int sent = sock.sendmmsg(vecFrom[i], n - i);
            if (sent <= 0) {
                failed++; // ENOBUFS, EMSGSIZE...: this frame is lost, as a refused send() was
                i++;
                continue;
            }
            for (int k = i; k < i + sent; k++) {
                sentBytes += lens[k];
            }
            sentPackets += sent;
            i += sent;
        }
        n = 0;
    }
}
