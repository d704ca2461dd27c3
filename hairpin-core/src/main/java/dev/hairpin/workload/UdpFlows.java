package dev.hairpin.workload;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@code n} UDP flows from the LAN to DNS servers: flow i is 10.0.0.(2 + i / 50000):(1024 + i % 50000)
 * → 198.51.100.(1 + i % 251):53 with 28 zero bytes of payload (56-byte datagrams). 50000 and 251
 * are coprime, so the flows stay distinct after MASQUERADE to one address with their ports kept
 * (up to 12.5 M flows). Writes each datagram, checksums included, into a caller's buffer.
 */
public final class UdpFlows {
    public static final int LEN = 56;
    static final int PAYLOAD = LEN - 28;
    static final int FIRST_SRC = Ipv4.parse("10.0.0.2");
    static final int FIRST_DST = Ipv4.parse("198.51.100.1");

    public final int n;

    public UdpFlows(int n) {
        if (n < 1 || n > 12_000_000) {
            throw new IllegalArgumentException("connections must be 1..12000000, not " + n);
        }
        this.n = n;
    }

    public static int src(int i) {
        return FIRST_SRC + i / 50_000;
    }

    public static int sport(int i) {
        return 1024 + i % 50_000;
    }

    public static int dst(int i) {
        return FIRST_DST + i % 251;
    }

    /** flow i's packet from the LAN side */
    public static void original(int i, byte[] b, int off) {
        write(b, off, src(i), dst(i), sport(i), 53);
    }

    /** {@link #original} over a buffer that holds one of these datagrams: only the 28 header bytes */
    public static void originalHeader(int i, byte[] b, int off) {
        header(b, off, src(i), dst(i), sport(i), 53);
    }

    /** {@link #reply} over a buffer that holds one of these datagrams: only the 28 header bytes */
    public static void replyHeader(int i, boolean snat, byte[] b, int off) {
        header(b, off, dst(i), snat ? Gateway.WAN_ADDR : src(i), 53, sport(i));
    }

    /** the server's answer to flow i, arriving at the WAN side ({@code snat}: to the gateway's address) */
    public static void reply(int i, boolean snat, byte[] b, int off) {
        replyTo(i, snat, sport(i), b, off);
    }

    /** the server's answer to flow i at the port its original left with ({@code dport}: NAT's choice) */
    public static void replyTo(int i, boolean snat, int dport, byte[] b, int off) {
        write(b, off, dst(i), snat ? Gateway.WAN_ADDR : src(i), 53, dport);
    }

    /**
     * Flows [0, n) by the worker their original is dispatched to among {@code workers}
     * ({@link dev.hairpin.pipeline.Rss}, as a NIC's RSS would spread them over its queues).
     */
    public static int[][] byWorker(int n, int workers) {
        byte[] b = new byte[LEN];
        int[] of = new int[n];
        int[] count = new int[workers];
        for (int i = 0; i < n; i++) {
            original(i, b, 0);
            count[of[i] = dev.hairpin.pipeline.Rss.workerOf(b, 0, LEN, workers)]++;
        }
        int[][] ids = new int[workers][];
        for (int w = 0; w < workers; w++) {
            ids[w] = new int[count[w]];
            count[w] = 0;
        }
        for (int i = 0; i < n; i++) {
            ids[of[i]][count[of[i]]++] = i;
        }
        return ids;
    }

    /** the headers of flows {@code ids[0..count)} (see {@link #originalHeaders(int, int, int)}) */
    public static long[] originalHeaders(int[] ids, int count) {
        long[] w = new long[count * HEADER_WORDS];
        for (int k = 0; k < count; k++) {
            int i = ids[k];
            headerWords(w, k * HEADER_WORDS, src(i), dst(i), sport(i), 53);
        }
        return w;
    }

    /** a 56-byte UDP datagram with both checksums, summed from its few varying words */
    static void write(byte[] b, int off, int saddr, int daddr, int sport, int dport) {
        header(b, off, saddr, daddr, sport, dport);
        java.util.Arrays.fill(b, off + 28, off + LEN, (byte) 0);
    }

    /**
     * Only the 28 bytes of IPv4 and UDP header of {@link #write}, as four stores: a buffer that
     * held one of these datagrams already has its zero payload (forwarding rewrites headers
     * only), as a NIC ring's slot is written by DMA without the CPU touching the rest.
     */
    static void header(byte[] b, int off, int saddr, int daddr, int sport, int dport) {
        BE64.set(b, off, WORD0);
        BE64.set(b, off + 8, word1(saddr, daddr));
        BE64.set(b, off + 16, word2(daddr, sport, dport));
        BE32.set(b, off + 24, word3(saddr, daddr, sport, dport));
    }

    /** longs per prebuilt header ({@link #originalHeaders}) */
    public static final int HEADER_WORDS = 4;

    /**
     * The 28 header bytes as words: 45 00 len | id 0 | frag 0 ‖ ttl 64, udp | check | saddr ‖
     * daddr | sport dport ‖ ulen | check (the last word's low 32 bits).
     */
    static void headerWords(long[] w, int at, int saddr, int daddr, int sport, int dport) {
        w[at] = WORD0;
        w[at + 1] = word1(saddr, daddr);
        w[at + 2] = word2(daddr, sport, dport);
        w[at + 3] = word3(saddr, daddr, sport, dport);
    }

    private static final long WORD0 = 0x4500L << 48 | (long) LEN << 32;

    private static long addrSum(int saddr, int daddr) {
        return (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff);
    }

    /** TTL 64, UDP, the header checksum, the source */
    private static long word1(int saddr, int daddr) {
        int ipCheck = ~Checksum.fold(0x4500L + LEN + (64 << 8 | Ipv4.PROTO_UDP) + addrSum(saddr, daddr)) & 0xffff;
        return (long) (64 << 8 | Ipv4.PROTO_UDP) << 48 | (long) ipCheck << 32 | (saddr & 0xffffffffL);
    }

    private static long word2(int daddr, int sport, int dport) {
        return (long) daddr << 32 | (long) sport << 16 | dport;
    }

    /** UDP length and checksum (0 sent as 0xFFFF) */
    private static int word3(int saddr, int daddr, int sport, int dport) {
        int udp = ~Checksum.fold(addrSum(saddr, daddr) + Ipv4.PROTO_UDP + 2 * (LEN - 20) + sport + dport) & 0xffff;
        return (LEN - 20) << 16 | (udp == 0 ? Checksum.MANGLED_0 : udp);
    }

    /** stores prebuilt header words (see {@link #headerWords}) over a slot's first 28 bytes */
    public static void putHeader(byte[] b, int off, long[] w, int at) {
        BE64.set(b, off, w[at]);
        BE64.set(b, off + 8, w[at + 1]);
        BE64.set(b, off + 16, w[at + 2]);
        BE32.set(b, off + 24, (int) w[at + 3]);
    }

    /**
     * The headers of flows {@code k * stride + offset}, k in [0, count), prebuilt once as the
     * NIC-side data a benchmark replays ({@link #HEADER_WORDS} longs each).
     */
    public static long[] originalHeaders(int count, int stride, int offset) {
        long[] w = new long[count * HEADER_WORDS];
        for (int k = 0; k < count; k++) {
            int i = k * stride + offset;
            headerWords(w, k * HEADER_WORDS, src(i), dst(i), sport(i), 53);
        }
        return w;
    }

    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
}
