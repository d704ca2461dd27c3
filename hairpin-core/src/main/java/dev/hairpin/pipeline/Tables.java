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

    Tables EMPTY = (t, h, s, p) -> dev.hairpin.packet.Verdict.NF_ACCEPT;
}
