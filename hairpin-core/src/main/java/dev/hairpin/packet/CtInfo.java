package dev.hairpin.packet;

/**
 * {@code enum ip_conntrack_info} (include/uapi/linux/netfilter/nf_conntrack_common.h): what
 * conntrack says about a packet. Reply-direction values are the original ones + IP_CT_IS_REPLY.
 */
public final class CtInfo {
    private CtInfo() {}

    public static final int ESTABLISHED = 0;
    public static final int RELATED = 1;
    public static final int NEW = 2;
    public static final int IS_REPLY = 3;
    public static final int ESTABLISHED_REPLY = ESTABLISHED + IS_REPLY;
    public static final int RELATED_REPLY = RELATED + IS_REPLY;
    /** the packet carries no conntrack at all: -m state INVALID */
    public static final int NONE = -1;
    /** IP_CT_UNTRACKED: NOTRACK / CT --notrack */
    public static final int UNTRACKED = 7;

    /** CTINFO2DIR: 0 original, 1 reply */
    public static int dir(int ctinfo) {
        return ctinfo >= IS_REPLY ? 1 : 0;
    }
}
