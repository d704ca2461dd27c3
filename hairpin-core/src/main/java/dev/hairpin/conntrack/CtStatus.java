package dev.hairpin.conntrack;

/** {@code enum ip_conntrack_status} bits (include/uapi/linux/netfilter/nf_conntrack_common.h). */
public final class CtStatus {
    private CtStatus() {}

    public static final int EXPECTED = 1;
    public static final int SEEN_REPLY = 1 << 1;
    public static final int ASSURED = 1 << 2;
    public static final int CONFIRMED = 1 << 3;
    public static final int SRC_NAT = 1 << 4;
    public static final int DST_NAT = 1 << 5;
    public static final int NAT_MASK = SRC_NAT | DST_NAT;
    public static final int SEQ_ADJUST = 1 << 6;
    public static final int SRC_NAT_DONE = 1 << 7;
    public static final int DST_NAT_DONE = 1 << 8;
    public static final int NAT_DONE_MASK = SRC_NAT_DONE | DST_NAT_DONE;
    public static final int DYING = 1 << 9;
    public static final int FIXED_TIMEOUT = 1 << 10;
    public static final int TEMPLATE = 1 << 11;
    /** kernel-internal IPS_NAT_CLASH (the uapi's obsolete UNTRACKED bit) */
    public static final int NAT_CLASH = 1 << 12;
    public static final int HELPER = 1 << 13;
    public static final int OFFLOAD = 1 << 14;
    public static final int HW_OFFLOAD = 1 << 15;
}
