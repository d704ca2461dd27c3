package dev.hairpin.rules.nft;

import dev.hairpin.rules.Match;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The stateful expressions of one ruleset ({@link NftExpr}): one object per expression of the
 * listing, however many compiled rules carry it (set elements, base chains sharing a regular
 * chain), so they share its state as nft does.
 */
final class NftExprs {
    final List<Match> all = new ArrayList<>();
    private final Map<String, Integer> byKey = new HashMap<>();
    /** the dynamic sets of the table being compiled, by name ({@link NftRuleset}) */
    Map<String, DynSet> dynsets = Map.of();
    /** the table's ct helper objects: name -> {helper (CtExt.HELPER_*), l4 protocol} */
    Map<String, int[]> helpers = new HashMap<>();
    /** each listing line's quota (one per rule): its `used` is listed after the run */
    final Map<Integer, NftQuota> quotas = new HashMap<>();

    /** the {@code -m nft} option for the expression {@code key} names, made once */
    String option(String key, Supplier<Match> make) {
        Integer i = byKey.get(key);
        if (i == null) {
            all.add(make.get());
            byKey.put(key, i = all.size() - 1);
        }
        return "-m nft --expr " + i;
    }
}
