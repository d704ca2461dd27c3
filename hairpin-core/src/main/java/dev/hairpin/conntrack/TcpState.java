package dev.hairpin.conntrack;

/**
 * {@code enum tcp_conntrack} (include/uapi/linux/netfilter/nf_conntrack_tcp.h): the TCP
 * conntrack states as the kernel numbers them, kept in the entry's l4state, and the names the
 * kernel and conntrack-tools print for them.
 */
public final class TcpState {
    private TcpState() {}

    public static final int NONE = 0;
    public static final int SYN_SENT = 1;
    public static final int SYN_RECV = 2;
    public static final int ESTABLISHED = 3;
    public static final int FIN_WAIT = 4;
    public static final int CLOSE_WAIT = 5;
    public static final int LAST_ACK = 6;
    public static final int TIME_WAIT = 7;
    public static final int CLOSE = 8;
    /** the obsolete LISTEN slot, reused for a SYN seen in both directions (simultaneous open) */
    public static final int SYN_SENT2 = 9;
    /** TCP_CONNTRACK_MAX: the number of states; in the transition table it means "invalid" */
    public static final int MAX = 10;

    private static final String[] NAMES = {
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",
        "SYN_SENT2",
    };

    /** tcp_conntrack_names[]: the printed name of a state */
    public static String name(int state) {
        return state >= 0 && state < MAX ? NAMES[state] : "UNKNOWN";
    }
}
