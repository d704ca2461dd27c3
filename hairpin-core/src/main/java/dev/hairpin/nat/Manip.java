package dev.hairpin.nat;

import dev.hairpin.packet.Hooks;

/** {@code enum nf_nat_manip_type}: which end of the tuple a binding rewrites. */
public final class Manip {
    private Manip() {}

    public static final int SRC = 0;
    public static final int DST = 1;

    /** HOOK2MANIP: POST_ROUTING and LOCAL_IN rewrite the source, the others the destination */
    public static int ofHook(int hook) {
        return hook == Hooks.POST_ROUTING || hook == Hooks.LOCAL_IN ? SRC : DST;
    }
}
