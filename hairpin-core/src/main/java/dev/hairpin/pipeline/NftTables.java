package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.nft.NftRuleset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The iptables tables plus native nftables base chains, each run where its priority puts it
 * among the iptables tables of its hook (raw -300, mangle -150, nat -100 / 100, filter 0,
 * security 50; of equal priorities the later created runs first, as nf_hook_entries_grow()
 * inserts a new hook before its equals: recorded, an nft srcnat chain made after iptables' nat
 * table binds first). nat chains
 * run with the nat table, only for a connection's first packet, and the first chain that binds
 * the connection ends the walk (nf_nat_inet_fn); filter and route chains run at the nearest
 * non-nat table the stack calls at that hook.
 */
public final class NftTables implements Tables {
    private final Tables inner;
    /** a native chain's rule holds a conntrack reference (ct expressions, nat statements) */
    private final boolean nftNeedsConntrack;
    private final boolean nftNeedsDefrag;
    private final Conntrack conntrack;
    /** [hook][slot]: the nft chains to run before and after the iptables table, by priority */
    private final List<NftRuleset.BaseChain>[][] before;
    private final List<NftRuleset.BaseChain>[][] after;
    private final int[] present = new int[Hooks.COUNT];

    /** the slots (Tables ids) the stack runs at each hook, nat excluded, with their priorities */
    private static final int[][] SLOTS = {
            {RAW, MANGLE}, {MANGLE, FILTER, SECURITY}, {MANGLE, FILTER, SECURITY}, {RAW, MANGLE, FILTER, SECURITY}, {MANGLE}};
    private static final int[] PRIO = {-300, -150, 0, 0, 50};
    private static final String[] NAMES = {"raw", "mangle", "nat", "filter", "security"};

    /** whether an nft chain runs before the iptables table of priority {@code p} */
    private static boolean first(NftRuleset.BaseChain c, int p, String iptables, NftRuleset nft) {
        if (c.priority() != p) {
            return c.priority() < p;
        }
        Integer ipt = nft.iptablesOrder.get(iptables);
        return ipt != null && c.order() > ipt;
    }

    @SuppressWarnings("unchecked")
    public NftTables(Tables inner, NftRuleset nft, Conntrack conntrack) {
        this.inner = inner;
        this.conntrack = conntrack;
        nftNeedsConntrack = nft.chains.stream().anyMatch(c -> c.rules().needsConntrack());
        nftNeedsDefrag = nft.chains.stream().anyMatch(c -> c.rules().needsDefrag());
        before = new List[Hooks.COUNT][5];
        after = new List[Hooks.COUNT][5];
        for (int h = 0; h < Hooks.COUNT; h++) {
            for (int s = 0; s < 5; s++) {
                before[h][s] = new ArrayList<>();
                after[h][s] = new ArrayList<>();
            }
        }
        for (NftRuleset.BaseChain c : nft.chains) {
            int h = c.hook();
            if (c.type().equals("nat")) {
                int p = h == Hooks.PRE_ROUTING || h == Hooks.LOCAL_OUT ? -100 : 100;
                (first(c, p, "nat", nft) ? before : after)[h][NAT].add(c);
                present[h] |= 1 << NAT;
                continue;
            }
            int slot = SLOTS[h][0];
            for (int s : SLOTS[h]) {
                if (PRIO[s] <= c.priority()) {
                    slot = s;
                }
            }
            (first(c, PRIO[slot], NAMES[slot], nft) ? before : after)[h][slot].add(c);
            present[h] |= 1 << slot;
        }
        for (List<NftRuleset.BaseChain>[] perHook : before) {
            for (List<NftRuleset.BaseChain> l : perHook) {
                l.sort(Comparator.comparingInt(NftRuleset.BaseChain::priority).thenComparing(BY_LATER_FIRST));
            }
        }
        for (List<NftRuleset.BaseChain>[] perHook : after) {
            for (List<NftRuleset.BaseChain> l : perHook) {
                l.sort(Comparator.comparingInt(NftRuleset.BaseChain::priority).thenComparing(BY_LATER_FIRST));
            }
        }
    }

    private static final Comparator<NftRuleset.BaseChain> BY_LATER_FIRST =
            Comparator.comparingInt(NftRuleset.BaseChain::order).reversed();

    @Override
    public int run(int table, int hook, Skb skb, XtParam par) {
        if ((present[hook] & 1 << table) == 0) {
            return inner.run(table, hook, skb, par);
        }
        int v = chains(before[hook][table], table, hook, skb, par);
        if (v != Verdict.NF_ACCEPT || bound(table, hook, skb)) {
            return v;
        }
        v = inner.run(table, hook, skb, par);
        if (v != Verdict.NF_ACCEPT || bound(table, hook, skb)) {
            return v;
        }
        return chains(after[hook][table], table, hook, skb, par);
    }

    private int chains(List<NftRuleset.BaseChain> l, int table, int hook, Skb skb, XtParam par) {
        for (NftRuleset.BaseChain c : l) {
            Table t = c.compiled();
            int v = t == null ? Verdict.NF_ACCEPT : t.doTable(hook, skb, par);
            if (v != Verdict.NF_ACCEPT || bound(table, hook, skb)) {
                return v;
            }
        }
        return Verdict.NF_ACCEPT;
    }

    /** a nat chain bound the connection: the later nat chains do not run */
    private boolean bound(int table, int hook, Skb skb) {
        return table == NAT && skb.ct >= 0 && Nat.initialized(conntrack.status(skb.ct), Manip.ofHook(hook));
    }

    @Override
    public boolean defragNeeded() {
        return nftNeedsDefrag || inner.defragNeeded();
    }

    @Override
    public boolean conntrackNeeded() {
        return nftNeedsConntrack || inner.conntrackNeeded();
    }

    @Override
    public int skipMask(int hook) {
        return inner.skipMask(hook) & ~present[hook] & ~(nftNeedsConntrack ? 1 << CONNTRACK : 0);
    }

    /** the inner masks last seen (the inner tables hand out one array per ruleset generation) and ours from them */
    private volatile int[][] masks = {null, null};

    @Override
    public int[] skipMasks() {
        int[] in = inner.skipMasks();
        int[][] m = masks;
        if (m[0] != in) {
            int[] out = new int[in.length];
            for (int h = 0; h < in.length; h++) {
                out[h] = in[h] & ~present[h] & ~(nftNeedsConntrack ? 1 << CONNTRACK : 0);
            }
            masks = m = new int[][] {in, out};
        }
        return m[1];
    }
}
