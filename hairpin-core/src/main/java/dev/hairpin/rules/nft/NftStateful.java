package dev.hairpin.rules.nft;

import dev.hairpin.rules.Match;

/**
 * An nf_tables expression the front-end builds itself and places in its rules as
 * {@code -m nft --expr N} ({@link NftExpr}): named {@code nft}, saved as its index's listing text
 * and printed (iptables -L) as that text, which is the expression as `nft list ruleset` wrote it.
 */
interface NftStateful extends Match {
    /** the expression as the listing wrote it */
    String text();

    @Override
    default String name() {
        return "nft";
    }

    @Override
    default void save(StringBuilder sb) {
        sb.append(" --expr \"").append(text()).append('"');
    }

    @Override
    default void print(StringBuilder sb, boolean numeric) {
        sb.append(' ').append(text());
    }
}
