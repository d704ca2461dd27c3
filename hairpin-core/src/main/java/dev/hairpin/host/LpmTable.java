package dev.hairpin.host;

import java.util.List;

/**
 * A routing table compiled for longest-prefix match: a multibit trie of 256-way nodes, one per
 * byte of the address, laid out in two flat int arrays (route number + 1 and child node offset
 * per slot) so a step is two independent loads. A prefix is stored, expanded, in the node of
 * the byte where it ends; a lookup walks at most four nodes and keeps the last route it met (the
 * longest match): no scan of every route, no allocation. Immutable: a change compiles a new one.
 */
final class LpmTable {
    static final LpmTable EMPTY = new LpmTable(List.of());

    private final Route[] routes;
    /** per slot: 1 + index in {@link #routes} of the longest prefix ending in this byte, or 0 */
    private int[] route;
    /** per slot: offset of the child node for the next byte, or 0 (the root is at 0 and never a child) */
    private int[] child;
    private int nodes;
    /** whether any route has type RTN_LOCAL */
    final boolean hasLocalType;

    /** {@code sorted} is in lookup order (longest prefix first, lowest metric first on a tie). */
    LpmTable(List<Route> sorted) {
        routes = sorted.toArray(new Route[0]);
        route = new int[256 * 4];
        child = new int[256 * 4];
        nodes = 1;
        boolean local = false;
        // least preferred first, each overwriting what it covers: a longer prefix, or on the same
        // length the earlier route, wins as in the ordered scan
        for (int k = routes.length - 1; k >= 0; k--) {
            insert(k);
            local |= routes[k].type() == Route.RTN_LOCAL;
        }
        hasLocalType = local;
    }

    private void insert(int k) {
        Route r = routes[k];
        int len = r.prefixLen();
        int addr = len == 0 ? 0 : r.dst() & (-1 << (32 - len));
        int base = 0;
        int shift = 24;
        while (len > 32 - shift) { // the prefix goes on past this node's byte
            int slot = base + ((addr >>> shift) & 0xff);
            if (child[slot] == 0) {
                int node = newNode(); // may grow the arrays: store into the new one
                child[slot] = node;
            }
            base = child[slot];
            shift -= 8;
        }
        // the prefix ends in this node's byte: it covers 2^(bits left) slots
        int used = len - (24 - shift);
        int first = base + ((addr >>> shift) & 0xff);
        int count = 1 << (8 - used);
        for (int i = first; i < first + count; i++) {
            if (route[i] == 0 || routes[route[i] - 1].prefixLen() <= len) {
                route[i] = k + 1;
            }
        }
    }

    private int newNode() {
        if ((nodes + 1) * 256 > route.length) {
            route = java.util.Arrays.copyOf(route, route.length * 2);
            child = java.util.Arrays.copyOf(child, child.length * 2);
        }
        return 256 * nodes++;
    }

    Route lookup(int addr) {
        int[] rt = route;
        int[] ch = child;
        int best = 0;
        int base = 0;
        int shift = 24;
        for (;;) {
            int slot = base + ((addr >>> shift) & 0xff);
            int r = rt[slot];
            if (r != 0) {
                best = r;
            }
            base = ch[slot];
            if (base == 0) {
                return best == 0 ? null : routes[best - 1];
            }
            shift -= 8;
        }
    }
}
