package dev.hairpin.conntrack;

/**
 * Read (and the few writes rules make) access to one conntrack entry by index, for matches and
 * targets ({@code -m conntrack}, {@code -m connmark}, CONNMARK, {@code -m state} needs only the
 * ctinfo on the skb). Addresses are ints, ports host order; for ICMP the "ports" are the echo id
 * (source side) and type&lt;&lt;8|code (destination side), as the kernel's tuple holds them.
 */
public interface CtView {
    int DIR_ORIGINAL = 0;
    int DIR_REPLY = 1;

    /** IPS_* status bits, see {@link CtStatus} */
    int status(int ct);

    int protocol(int ct);

    int src(int ct, int dir);

    int dst(int ct, int dir);

    int sport(int ct, int dir);

    int dport(int ct, int dir);

    /** ct->mark */
    int mark(int ct);

    /** sets ct->mark, raising an IPCT_MARK event when it changes */
    void setMark(int ct, int mark);

    /** seconds until the entry expires, as {@code nf_ct_expires()/HZ} */
    long expiresSeconds(int ct);

    /** TCP conntrack state (TcpState), 0 for other protocols */
    int tcpState(int ct);

    int zone(int ct);

    /**
     * The nf_conn_acct packet counter of direction {@code dir}, or -1 when the entry carries no
     * accounting extension (net.netfilter.nf_conntrack_acct was off when it was created).
     */
    default long packets(int ct, int dir) {
        return -1;
    }

    /** The nf_conn_acct byte counter of direction {@code dir}, or -1 without accounting. */
    default long bytes(int ct, int dir) {
        return -1;
    }

    /** the conntrack helper of the entry's master (xt_helper's question), or null */
    default String masterHelper(int ct) {
        return null;
    }
}
