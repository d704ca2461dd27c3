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

    Tables EMPTY = (t, h, s, p) -> dev.hairpin.packet.Verdict.NF_ACCEPT;
}
