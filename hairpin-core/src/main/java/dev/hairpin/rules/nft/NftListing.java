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
        return render(nft, iptables, 0);
    }

    /** the listing at {@code nowNanos} (the engine's clock): a dynamic set's elements, their expiry */
    public static String render(NftRuleset nft, Ruleset iptables, long nowNanos) {
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
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            long[] s = sums[i + 1];
            Matcher m = COUNTER.matcher(l);
            if (s != null && m.find()) {
                if (nft.inexact.contains(i + 1)) {
                    throw new IllegalStateException("line " + (i + 1) + ": a counter before a match counts what no rewritten rule does");
                }
                lines[i] = l.substring(0, m.start()) + "counter packets " + s[0] + " bytes " + s[1] + l.substring(m.end());
            }
        }
        for (var q : nft.exprs.quotas.entrySet()) { // a quota's `used` as nft lists it
            int i = q.getKey() - 1;
            lines[i] = lines[i].replaceFirst("quota (over )?[0-9]+ [a-z]+( used [0-9]+ [a-z]+)?",
                    java.util.regex.Matcher.quoteReplacement(q.getValue().listed()));
        }
        List<String> all = new java.util.ArrayList<>(List.of(lines));
        List<NftRuleset.Listed> sets = new java.util.ArrayList<>(nft.listed);
        sets.sort((a, b) -> Integer.compare(b.decl().open(), a.decl().open())); // from the bottom: lines before stay put
        for (NftRuleset.Listed d : sets) {
            List<String> el = elements(d.set(), DynSet.now(nowNanos), "\t\t");
            int first = d.decl().elemFirst() >= 0 ? d.decl().elemFirst() : d.decl().close();
            int last = d.decl().elemFirst() >= 0 ? d.decl().elemLast() + 1 : d.decl().close();
            all.subList(first, last).clear();
            all.addAll(first, el);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            out.append(all.get(i));
            if (i + 1 < all.size()) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * {@code elements = { ... }} as nft prints a set's live elements: sorted by key, each with
     * its expressions, its own timeout (where not the set's) and the time left; a new line after
     * every element of a concatenated key, every 2 addresses, every 5 other values.
     */
    static List<String> elements(DynSet set, long now, String indent) {
        List<String> items = new java.util.ArrayList<>();
        for (long k : set.elems.sortedKeys()) {
            DynSet.Elem e = set.elems.get(k);
            if (e.expires <= now) {
                continue;
            }
            StringBuilder sb = new StringBuilder(set.keyText(k));
            for (dev.hairpin.rules.Match x : e.exprs) {
                if (x instanceof NftCounter c) {
                    sb.append(" counter packets ").append(c.packets).append(" bytes ").append(c.bytes);
                } else {
                    x.print(sb, true);
                }
            }
            if (e.timeout != 0 && e.timeout != set.timeout) {
                sb.append(" timeout ").append(NftDuration.text(e.timeout * 4));
            }
            if (e.expires != Long.MAX_VALUE) {
                sb.append(" expires ").append(NftDuration.text((e.expires - now) * 4));
            }
            items.add(sb.toString());
        }
        if (items.isEmpty()) {
            return List.of();
        }
        int per = set.types.size() > 1 ? 1 : set.types.getFirst().equals("ipv4_addr") ? 2 : 5;
        List<String> out = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder(indent).append("elements = { ");
        for (int i = 0; i < items.size(); i++) {
            line.append(items.get(i));
            if (i + 1 == items.size()) {
                line.append(" }");
            } else if ((i + 1) % per == 0) {
                out.add(line.append(',').toString());
                line = new StringBuilder(indent).append("\t     ");
            } else {
                line.append(", ");
            }
        }
        out.add(line.toString());
        return out;
    }

    private static void add(long[][] sums, int line, List<Rule> rules) {
        long[] s = sums[line] == null ? (sums[line] = new long[2]) : sums[line];
        for (Rule r : rules) {
            s[0] += r.counter().packets();
            s[1] += r.counter().bytes();
        }
    }
}
