package dev.hairpin.packet;

/**
 * The five IPv4 netfilter hooks ({@code enum nf_inet_hooks}) and the priorities at which the
 * kernel registers its hook functions on them (include/uapi/linux/netfilter_ipv4.h).
 */
public final class Hooks {
    private Hooks() {}

    public static final int PRE_ROUTING = 0;
    public static final int LOCAL_IN = 1;
    public static final int FORWARD = 2;
    public static final int LOCAL_OUT = 3;
    public static final int POST_ROUTING = 4;
    public static final int COUNT = 5;

    /** iptables' chain names for the hooks */
    private static final String[] CHAIN = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

    public static String chainName(int hook) {
        return CHAIN[hook];
    }

    /** -1 when the name is not a built-in chain */
    public static int ofChain(String name) {
        for (int i = 0; i < CHAIN.length; i++) {
            if (CHAIN[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public static final int PRI_RAW = -300;
    public static final int PRI_CONNTRACK = -200;
    public static final int PRI_MANGLE = -150;
    public static final int PRI_NAT_DST = -100;
    public static final int PRI_FILTER = 0;
    public static final int PRI_SECURITY = 50;
    public static final int PRI_NAT_SRC = 100;
    public static final int PRI_CONNTRACK_CONFIRM = Integer.MAX_VALUE;
}
