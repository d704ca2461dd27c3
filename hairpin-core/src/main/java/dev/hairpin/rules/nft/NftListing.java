package dev.hairpin.rules.nft;

import dev.hairpin.rules.Chain;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nft list ruleset} as it reads after traffic: the listing the snapshot held, each rule's
 * {@code counter packets N bytes M} set from the engine's counters. A native rule's counter is
 * the sum of the rules it was rewritten into ({@link NftRule}: one per set element, in every
 * base chain's copy of a regular chain); an iptables-nft rule's is its iptables rule's (the
 * k-th rule of its chain: iptables-nft lists its rules in nft syntax, in order).
 */
public final class NftListing {
    private NftListing() {}

    /** a native rule's line (1-based) and the compiled rules {@code first, first + count) of {@code chain} in {@code rules} */
    record Native(int line, Ruleset rules, String chain, int first, int count) {}

    /** an iptables-nft rule's line (1-based): rule {@code index} of {@code table}/{@code chain} */
    record Iptables(int line, String table, String chain, int index) {}

    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+");

    /**
     * The listing after the run; {@code iptables}: the engine's iptables ruleset. Throws
     * IllegalStateException naming the line where a counter cannot be known (a counter before a
     * match, a rule iptables no longer has).
     */
    public static String render(NftRuleset nft, Ruleset iptables) {
        String[] lines = nft.text.split("\n", -1);
        long[][] sums = new long[lines.length + 1][];
        for (Native n : nft.natives) {
            Chain c = null;
            for (dev.hairpin.rules.TableDef d : dev.hairpin.rules.TableDef.values()) {
                if (n.rules().table(d) != null) {
                    c = n.rules().table(d).chain(n.chain());
                }
            }
            add(sums, n.line(), c.rules().subList(n.first(), n.first() + n.count()));
        }
        for (Iptables r : nft.iptables) {
            Table t = iptables.table(r.table());
            Chain c = t == null ? null : t.chain(r.chain());
            if (c == null || r.index() >= c.rules().size()) {
                throw new IllegalStateException("line " + r.line() + ": iptables has no rule " + (r.index() + 1) + " in "
                        + r.table() + "/" + r.chain() + " any more");
            }
            add(sums, r.line(), List.of(c.rules().get(r.index())));
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            long[] s = sums[i + 1];
            Matcher m = COUNTER.matcher(l);
            if (s != null && m.find()) {
                if (nft.inexact.contains(i + 1)) {
                    throw new IllegalStateException("line " + (i + 1) + ": a counter before a match counts what no rewritten rule does");
                }
                l = l.substring(0, m.start()) + "counter packets " + s[0] + " bytes " + s[1] + l.substring(m.end());
            }
            out.append(l);
            if (i + 1 < lines.length) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static void add(long[][] sums, int line, List<Rule> rules) {
        long[] s = sums[line] == null ? (sums[line] = new long[2]) : sums[line];
        for (Rule r : rules) {
            s[0] += r.counter().packets();
            s[1] += r.counter().bytes();
        }
    }
}
