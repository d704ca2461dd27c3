package dev.hairpin.packet;

/** Netfilter verdicts (include/uapi/linux/netfilter.h) and the xtables pseudo-verdicts. */
public final class Verdict {
    private Verdict() {}

    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    public static final int NF_STOLEN = 2;
    public static final int NF_QUEUE = 3;
    public static final int NF_REPEAT = 4;
    /** XT_CONTINUE: a non-terminating target, go on with the next rule */
    public static final int XT_CONTINUE = -1;
    /** XT_RETURN: return to the calling chain */
    public static final int XT_RETURN = -(NF_REPEAT + 1);

    public static String name(int v) {
        return switch (v) {
            case NF_DROP -> "DROP";
            case NF_ACCEPT -> "ACCEPT";
            case NF_STOLEN -> "STOLEN";
            case NF_QUEUE -> "QUEUE";
            case NF_REPEAT -> "REPEAT";
            case XT_CONTINUE -> "CONTINUE";
            case XT_RETURN -> "RETURN";
            default -> Integer.toString(v);
        };
    }
}
