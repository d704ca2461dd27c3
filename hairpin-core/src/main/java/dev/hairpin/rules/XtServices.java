package dev.hairpin.rules;

import dev.hairpin.conntrack.CtView;
import dev.hairpin.host.NetDevice;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Skb;

/**
 * What matches and targets ask of the rest of the stack: the clock, randomness, conntrack,
 * NAT bindings, routing and the packets a target generates. The pipeline implements it; rules
 * never see the pipeline itself (the kernel's xt modules likewise call nf_nat_setup_info,
 * nf_send_reset, inet_addr_type ...).
 */
public interface XtServices {
    /** the simulated or real clock, nanoseconds */
    long nowNanos();

    /**
     * The wall clock, nanoseconds since the Unix epoch (ktime_get_real: -m time, IP timestamps):
     * {@link #nowNanos} unless the simulated clock starts elsewhere (a replay).
     */
    default long wallNanos() {
        return nowNanos();
    }

    /** get_random_u32() */
    int random32();

    /**
     * The draw of {@code -m statistic --mode random} ({@code by}): whether
     * {@code (get_random_u32() & 0x7FFFFFFF) < probability}, compared as the kernel's u32. A
     * replay overrides it to adopt the draw the kernel made, visible in the capture.
     */
    default boolean randomDraw(Match by, Skb skb, int probability) {
        return Integer.compareUnsigned(random32() & 0x7fffffff, probability) < 0;
    }

    /** the conntrack table, for -m conntrack / connmark / CONNMARK */
    CtView conntrack();

    /**
     * nf_nat_setup_info() for SNAT/DNAT/NETMAP targets: binds the skb's (unconfirmed) entry
     * to the range for the hook's manip type; returns a verdict (NF_ACCEPT, or NF_DROP).
     */
    int natSetup(Skb skb, NatRange range, int manip);

    /** nf_nat_masquerade_ipv4(): MASQUERADE in POSTROUTING; returns a verdict */
    int masquerade(Skb skb, NatRange range);

    /** nf_nat_redirect_ipv4(): REDIRECT in PREROUTING/OUTPUT; returns a verdict */
    int redirect(Skb skb, NatRange range);

    /**
     * REJECT: sends the reply the kernel sends (ICMP error with the given code, or a TCP RST
     * when {@code tcpReset}); the caller then returns NF_DROP.
     */
    void reject(Skb skb, boolean tcpReset, int icmpCode);

    /**
     * dst_mtu() of the output route to {@code daddr} (a lookup with only the destination, as
     * TCPMSS's tcpmss_reverse_mtu makes): its mtu metric, else its device's MTU; -1 (~0U) when
     * there is no route.
     */
    default int routeMtu(int daddr) {
        return -1;
    }

    /** NOTRACK / CT --notrack: attach the untracked conntrack to the skb */
    void notrack(Skb skb);

    /** a kernel log line (LOG target); {@code level} is the syslog level */
    void log(int level, String line);

    /**
     * inet_addr_type(): the route type (RTN_UNICAST 1, RTN_LOCAL 2, RTN_BROADCAST 3,
     * RTN_MULTICAST 5, RTN_UNREACHABLE 7 ...) of {@code addr}; with {@code dev} non-null the
     * lookup is limited to that device (addrtype --limit-iface-in/out).
     */
    int addrType(int addr, NetDevice dev);

    /**
     * The original tuple of the packet's connection ({@code out[0]}, {@code out[1]} as
     * {@link dev.hairpin.conntrack.Tuple} keys), or of the packet itself when it has none; false
     * when the stack cannot tell (nf_conncount's tuple).
     */
    default boolean connTuple(Skb skb, long[] out) {
        return false;
    }

    /**
     * nf_conncount's find_or_evict() and already_closed(): a confirmed connection with this
     * original tuple exists and, for TCP, is not in TIME_WAIT or CLOSE.
     */
    default boolean connOpen(long k1, long k2) {
        return false;
    }

    /**
     * nf_conncount's get_ct_or_tuple_from_skb() and nf_ct_is_confirmed(): the packet's
     * connection (its own, or the one its tuple finds in the table) is confirmed already.
     */
    default boolean connConfirmed(Skb skb, long k1, long k2) {
        return false;
    }

    /**
     * nft_ct_helper_obj_eval(): give the packet's unconfirmed connection of protocol
     * {@code l4proto} the helper ({@link dev.hairpin.conntrack.CtExt} HELPER_*) unless it has one.
     */
    default void assignHelper(Skb skb, int helper, int l4proto) {}

    /** nf_conntrack_find_get(): a connection with this tuple is in the table */
    default boolean connExists(long k1, long k2) {
        return false;
    }

    /**
     * The reverse-path lookup of {@code -m rpfilter} (xt_rpfilter.c rpfilter_lookup_reverse): true
     * when a route back to the packet's source leaves through its input device (any device with
     * {@code loose}); {@code flags} are XT_RPFILTER_* (loose 1, validmark 2, accept-local 4).
     */
    default boolean rpfilterLookup(Skb skb, int flags) {
        return true;
    }

    /** NFLOG (nf_tables log with a group): hand the packet to nfnetlink_log group {@code group}. */
    default void nflog(Skb skb, int group, String prefix, int snaplen) {}

    /** TRACE (nf_tables meta nftrace set 1): trace this packet through the rest of the hooks. */
    default void nftrace(Skb skb) {}

    /**
     * CLASSIFY: {@code skb->priority = priority} (the tc class a qdisc will pick). The packet model
     * has no priority field, so the stack keeps it wherever its egress queueing looks.
     */
    default void setPriority(Skb skb, int priority) {}

    /**
     * {@code -m socket} (xt_socket.c socket_match): look up the local socket this packet belongs
     * to (established, else listening), ignore one listening on 0.0.0.0 unless {@code flags} has
     * XT_SOCKET_NOWILDCARD (2) and a non-transparent one when it has XT_SOCKET_TRANSPARENT (1).
     * Returns the socket's mark (0..0xffffffff) when one is left, -1 when none: the default, for
     * a stack without local sockets.
     */
    default long socketLookup(Skb skb, int flags) {
        return -1;
    }

    /**
     * TPROXY's socket lookup (xt_TPROXY.c tproxy_tg4): a connected socket of the packet's own
     * addresses and ports, else one listening on {@code lport}; true when one takes the packet.
     */
    default boolean tproxySocket(Skb skb, int lport) {
        return false;
    }

    /**
     * TEE (xt_TEE.c, nf_dup_ipv4): send a copy of the packet, as it is now, to {@code gateway}
     * (routed, through device {@code oif} when not null); the original goes on. Nothing by
     * default.
     */
    default void dup(Skb skb, int hook, int gateway, String oif) {}

    /**
     * SYNPROXY (ipt_SYNPROXY.c) for a client's SYN ({@code syn} true: answer with a cookie
     * SYN-ACK) or its ACK (check the cookie, open the connection to the server). Returns
     * NF_STOLEN when handled, NF_DROP when refused; {@code options} are XT_SYNPROXY_OPT_* with
     * {@code wscale} and {@code mss}. A stack without SYN proxying drops, as for a bad cookie.
     */
    default int synproxy(Skb skb, boolean syn, int options, int wscale, int mss) {
        return dev.hairpin.packet.Verdict.NF_DROP;
    }

    /** The named ipset, or null when no such set exists. */
    default IpSetView ipset(String name) {
        return null;
    }

    /**
     * Membership test of an ipset, for -m set. {@code dirs[i]} is 1 when the i-th dimension of the
     * set is taken from the packet's source, 0 from its destination (the "src,dst" flags).
     */
    interface IpSetView {
        boolean test(Skb skb, int[] dirs);

        /**
         * {@link #test} as -m set asks it: xt_set's cmdflags (RETURN_NOMATCH 1 << 7,
         * SKIP_COUNTER_UPDATE 1 << 8) and the rule's counter conditions (IPSET_COUNTER_* ops:
         * 0 none, 1 eq, 2 ne, 3 lt, 4 gt).
         */
        default boolean test(Skb skb, int[] dirs, int cmdflags, int packetsOp, long packets, int bytesOp, long bytes) {
            return test(skb, dirs);
        }

        /**
         * The SET target's add (ip_set_add from a packet): the element the packet's addresses and
         * ports make; {@code timeout} in seconds, -1 for the set's default; an element already
         * there is left alone unless {@code exist}, which renews its timeout.
         */
        void add(Skb skb, int[] dirs, long timeout, boolean exist);

        /** The SET target's del (ip_set_del from a packet). */
        void del(Skb skb, int[] dirs);
    }
}
