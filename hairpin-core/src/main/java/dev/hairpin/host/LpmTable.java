package dev.hairpin.host;

import java.util.List;

/**
 * A routing table compiled for longest-prefix match: a multibit trie of 256-way nodes, one per
 * byte of the address. A prefix is stored, expanded, in the node of the byte where it ends, so a
 * lookup walks at most four nodes and keeps the last route it met (the longest match): no scan
 * of every route, no allocation. Immutable: a change compiles a new one.
 */
final class LpmTable {
    static final LpmTable EMPTY = new LpmTable(List.of());

    private static final class Node {
        final Route[] routes = new Route[256];
        Node[] children;
    }

    private final Node root = new Node();

    /** {@code sorted} is in lookup order (longest prefix first, lowest metric first on a tie). */
    LpmTable(List<Route> sorted) {
        // least preferred first, each overwriting what it covers: a longer prefix, or on the same
        // length the earlier route, wins as in the ordered scan
        for (int k = sorted.size() - 1; k >= 0; k--) {
            insert(sorted.get(k));
        }
    }

    private void insert(Route r) {
        int len = r.prefixLen();
        int addr = len == 0 ? 0 : r.dst() & (-1 << (32 - len));
        Node n = root;
        int shift = 24;
        while (len > 32 - shift) { // the prefix goes on past this node's byte
            int i = (addr >>> shift) & 0xff;
            if (n.children == null) {
                n.children = new Node[256];
            }
            if (n.children[i] == null) {
                n.children[i] = new Node();
            }
            n = n.children[i];
            shift -= 8;
        }
        // the prefix ends in this node's byte: it covers 2^(bits left) slots
        int used = len - (24 - shift);
        int first = (addr >>> shift) & 0xff;
        int count = 1 << (8 - used);
        for (int i = first; i < first + count; i++) {
            Route old = n.routes[i];
            if (old == null || old.prefixLen() <= len) {
                n.routes[i] = r;
            }
        }
    }

    Route lookup(int addr) {
        Route best = null;
        Node n = root;
        int shift = 24;
        for (;;) {
            int i = (addr >>> shift) & 0xff;
            Route r = n.routes[i];
            if (r != null) {
                best = r;
            }
            Node[] c = n.children;
            if (c == null || (n = c[i]) == null) {
                return best;
            }
            shift -= 8;
        }
    }
}
