package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * {@code ct count [over] N} (nft_connlimit.c over nf_conncount.c, Linux 6.18): one list of the
 * original tuples of connections whose first packet the expression saw. A packet of a
 * confirmed connection adds nothing (-EEXIST) and collects the list: entries gone or in TCP
 * TIME_WAIT/CLOSE leave it; a new one walks the list first (the same collection, at most 8,
 * ending at its own tuple) unless the list was walked in this jiffy, then is added. The rule
 * goes on when {@code count <= N}, with {@code over} when {@code count > N}.
 */
final class NftConnlimit implements NftStateful {
    /** CONNCOUNT_GC_MAX_NODES */
    private static final int GC_MAX = 8;
    /** a jiffy of the HZ=250 kernel */
    private static final long JIFFY_NS = 4_000_000L;

    private final long limit;
    private final boolean invert;
    private final String text;
    private final java.util.ArrayList<long[]> list = new java.util.ArrayList<>();
    private long lastGc = Long.MIN_VALUE;
    private final long[] tuple = new long[2];

    @Override
    public String text() {
        return text;
    }

    NftConnlimit(long limit, boolean invert, String text) {
        this.limit = limit;
        this.invert = invert;
        this.text = text;
    }

    /** nft_connlimit_clone(): an empty list for a new set element */
    NftConnlimit copy() {
        return new NftConnlimit(limit, invert, text);
    }

    /** nf_ct_netns_get() in its init */
    @Override
    public boolean needsConntrack() {
        return true;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return eval(skb, par) == 1;
    }

    /** 1: the rule goes on, 0: it breaks, -1: NF_DROP (no tuple) */
    synchronized int eval(Skb skb, XtParam par) {
        long now = par.services.nowNanos() / JIFFY_NS;
        if (lastGc == Long.MIN_VALUE) {
            lastGc = now; // nf_conncount_list_init()
        }
        if (!par.services.connTuple(skb, tuple)) {
            par.hotdrop = true;
            return -1;
        }
        if (par.services.connConfirmed(skb, tuple[0], tuple[1])) {
            gc(par, now); // -EEXIST: nf_conncount_gc_list()
        } else {
            add(par, now);
        }
        int count = list.size();
        return (count > limit) ^ invert ? 0 : 1;
    }

    private void add(XtParam par, long now) {
        if (now != lastGc) {
            int collect = 0;
            for (int j = 0; j < list.size() && collect <= GC_MAX; ) { // no iterator: runs per packet
                long[] c = list.get(j);
                if (c[0] == tuple[0] && c[1] == tuple[1] && par.services.connExists(c[0], c[1])) {
                    return; // already there
                }
                if (!par.services.connOpen(c[0], c[1])) {
                    list.remove(j); // gone (find_or_evict) or closed (already_closed)
                    collect++;
                } else {
                    j++;
                }
            }
            lastGc = now;
        }
        list.add(new long[] {tuple[0], tuple[1]});
    }

    /** __nf_conncount_gc_list() */
    private void gc(XtParam par, long now) {
        if (now == lastGc) {
            return;
        }
        int collected = 0;
        for (int j = 0; j < list.size(); ) {
            long[] c = list.get(j);
            if (!par.services.connOpen(c[0], c[1])) {
                list.remove(j);
                collected++;
                continue;
            }
            if (collected > GC_MAX) {
                break;
            }
            j++;
        }
        lastGc = now;
    }

    /** {@code ct count [over] N} at {@code t[i]}; the next token at {@code end[0]} */
    static NftConnlimit parse(String[] t, int i, int[] end, String where) {
        int k = i + 2;
        boolean over = k < t.length && t[k].equals("over");
        if (over) {
            k++;
        }
        String n = NftRule.arg(t, k, where);
        if (!n.matches("[0-9]{1,10}") || Long.parseLong(n) > 0xffffffffL) {
            throw NftRule.bad(where, "ct count " + (over ? "over " : "") + n);
        }
        end[0] = k + 1;
        return new NftConnlimit(Long.parseLong(n), over, String.join(" ", java.util.List.of(t).subList(i, k + 1)));
    }
}
