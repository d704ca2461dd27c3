package dev.hairpin.conntrack;

/**
 * Every conntrack timeout with its sysctl ({@code net.netfilter.NAME}) and default in seconds
 * (nf_conntrack_proto_{tcp,udp,icmp,generic,gre,sctp}.c). Values live in {@link CtConfig}.
 */
public enum CtTimeout {
    TCP_SYN_SENT("nf_conntrack_tcp_timeout_syn_sent", 120),
    TCP_SYN_RECV("nf_conntrack_tcp_timeout_syn_recv", 60),
    TCP_ESTABLISHED("nf_conntrack_tcp_timeout_established", 432000),
    TCP_FIN_WAIT("nf_conntrack_tcp_timeout_fin_wait", 120),
    TCP_CLOSE_WAIT("nf_conntrack_tcp_timeout_close_wait", 60),
    TCP_LAST_ACK("nf_conntrack_tcp_timeout_last_ack", 30),
    TCP_TIME_WAIT("nf_conntrack_tcp_timeout_time_wait", 120),
    TCP_CLOSE("nf_conntrack_tcp_timeout_close", 10),
    /** SYN_SENT2 has no sysctl of its own; the kernel keeps 120 s */
    TCP_SYN_SENT2(null, 120),
    TCP_RETRANS("nf_conntrack_tcp_timeout_max_retrans", 300),
    TCP_UNACK("nf_conntrack_tcp_timeout_unacknowledged", 300),
    UDP_UNREPLIED("nf_conntrack_udp_timeout", 30),
    UDP_REPLIED("nf_conntrack_udp_timeout_stream", 120),
    ICMP("nf_conntrack_icmp_timeout", 30),
    GENERIC("nf_conntrack_generic_timeout", 600),
    GRE("nf_conntrack_gre_timeout", 30),
    GRE_STREAM("nf_conntrack_gre_timeout_stream", 180),
    SCTP_CLOSED("nf_conntrack_sctp_timeout_closed", 10),
    SCTP_COOKIE_WAIT("nf_conntrack_sctp_timeout_cookie_wait", 3),
    SCTP_COOKIE_ECHOED("nf_conntrack_sctp_timeout_cookie_echoed", 3),
    SCTP_ESTABLISHED("nf_conntrack_sctp_timeout_established", 210),
    SCTP_SHUTDOWN_SENT("nf_conntrack_sctp_timeout_shutdown_sent", 3),
    SCTP_SHUTDOWN_RECD("nf_conntrack_sctp_timeout_shutdown_recd", 3),
    SCTP_SHUTDOWN_ACK_SENT("nf_conntrack_sctp_timeout_shutdown_ack_sent", 3),
    SCTP_HEARTBEAT_SENT("nf_conntrack_sctp_timeout_heartbeat_sent", 30);

    /** the sysctl leaf under net.netfilter, null when there is none */
    public final String sysctl;
    public final int defaultSeconds;

    CtTimeout(String sysctl, int defaultSeconds) {
        this.sysctl = sysctl;
        this.defaultSeconds = defaultSeconds;
    }

    private static final CtTimeout[] TCP_BY_STATE = {
        TCP_SYN_SENT, // NONE: timeouts[0] is the SYN_SENT value
        TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_TIME_WAIT,
        TCP_CLOSE, TCP_SYN_SENT2,
    };

    /** the timeout a TCP state arms */
    public static CtTimeout tcp(int state) {
        return TCP_BY_STATE[state];
    }
}
