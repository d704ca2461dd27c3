package dev.hairpin.conntrack;

/**
 * The {@code net.netfilter.nf_conntrack_*} knobs conntrack reads on its path. Plain fields,
 * written by {@code sysctl -w} between packets.
 */
public final class CtConfig {
    public static final long NS = 1_000_000_000L;

    private final long[] timeoutNs = new long[CtTimeout.values().length];

    /** nf_conntrack_max */
    public int max = 262144;
    /** nf_conntrack_buckets: only shapes early_drop's eviction range */
    public int buckets = 262144;
    /** nf_conntrack_acct */
    public boolean acct;
    /** nf_conntrack_checksum */
    public boolean checksum = true;
    /** nf_conntrack_events (0 off, 1 on, 2 auto = on when someone listens) */
    public int events = 2;
    /** nf_conntrack_timestamp */
    public boolean timestamp;
    /** nf_conntrack_log_invalid */
    public int logInvalid;
    public boolean tcpLoose = true;
    public boolean tcpBeLiberal;
    public boolean tcpIgnoreInvalidRst;
    public int tcpMaxRetrans = 3;

    public CtConfig() {
        for (CtTimeout t : CtTimeout.values()) {
            timeoutNs[t.ordinal()] = t.defaultSeconds * NS;
        }
    }

    public long timeout(CtTimeout t) {
        return timeoutNs[t.ordinal()];
    }

    public void setTimeoutSeconds(CtTimeout t, long seconds) {
        timeoutNs[t.ordinal()] = seconds * NS;
    }

    public long timeoutSeconds(CtTimeout t) {
        return timeoutNs[t.ordinal()] / NS;
    }
}
