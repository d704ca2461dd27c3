package dev.hairpin.pipeline;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * The rule tables as the hooks see them: run table T's chain for a hook. The rule model
 * implements it; the pipeline knows nothing of chains or rules.
 */
public interface Tables {
    int RAW = 0;
    int MANGLE = 1;
    int NAT = 2;
    int FILTER = 3;
    int SECURITY = 4;
    /**
     * Not a table: the bit {@code 1 << CONNTRACK} in a skip mask says conntrack's own hook
     * function is not registered ({@link #conntrackNeeded()} false), so a hook skips it too.
     */
    int CONNTRACK = 5;

    /** Runs the table's built-in chain for the hook; NF_ACCEPT when the table has none. */
    int run(int table, int hook, Skb skb, XtParam par);

    /**
     * The tables (bit 1 &lt;&lt; id) that accept every packet at {@code hook} without touching a
     * counter (no chain there, or no rule and policy ACCEPT), so the hook may skip them when no
     * tracer watches. 0: run them all (the default, and the reference path).
     */
    default int skipMask(int hook) {
        return 0;
    }

    /**
     * {@link #skipMask} of every hook at once, indexed by hook, for a path that reads them once
     * per packet; read only. An implementation with its own skipMask overrides this too; the
     * default skips nothing (always right, never fast).
     */
    default int[] skipMasks() {
        return NO_SKIPS;
    }

    /**
     * Whether conntrack's hooks are registered: some rule took a reference on conntrack
     * (nf_ct_netns_get()). Without one no packet is tracked and the nat table never runs.
     * True by default (a table source that cannot tell keeps tracking on).
     */
    default boolean conntrackNeeded() {
        return true;
    }

    /**
     * Whether nf_defrag_ipv4's hooks are registered (conntrack's users, socket, TPROXY): without,
     * fragments are forwarded as they come and reassembled only for local delivery.
     */
    default boolean defragNeeded() {
        return true;
    }

    int[] NO_SKIPS = new int[dev.hairpin.packet.Hooks.COUNT];

    Tables EMPTY = (t, h, s, p) -> dev.hairpin.packet.Verdict.NF_ACCEPT;
}
