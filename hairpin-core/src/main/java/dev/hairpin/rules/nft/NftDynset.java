package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code add|update|delete @set { KEY [timeout T] [EXPRS] }} and {@code meter NAME [size N] { ...
 * }} (nft_dynset_eval): the packet's key is looked up in the set, an element made when absent
 * (with fresh copies of the expressions: a limit's bucket full, a ct count's list empty; none
 * when the set is full: the rule breaks), an {@code update} moves its expiry on; then the
 * element's expressions run in order and the first that breaks breaks the rule.
 * {@code ip saddr @set} on a dynamic set is {@link Lookup}.
 */
final class NftDynset implements NftStateful {
    static final int ADD = 0;
    static final int UPDATE = 1;
    static final int DELETE = 2;

    private final DynSet set;
    private final int op;
    private final List<DynSet.Field> key;
    private final List<Match> templates;
    /** the statement's own timeout in jiffies, 0: the set's */
    private final long timeout;
    private final String text;

    @Override
    public String text() {
        return text;
    }

    NftDynset(DynSet set, int op, List<DynSet.Field> key, List<Match> templates, long timeout, String text) {
        this.set = set;
        this.op = op;
        this.key = key;
        this.templates = templates;
        this.timeout = timeout;
        this.text = text;
    }

    @Override
    public boolean needsConntrack() {
        return templates.stream().anyMatch(Match::needsConntrack);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        long now = DynSet.now(par.services.nowNanos());
        long k = DynSet.key(key, skb);
        synchronized (set) {
            if (op == DELETE) {
                set.elems.remove(k);
                return true;
            }
            DynSet.Elem e = set.get(k, now);
            if (e == null) {
                if (set.elems.size() >= set.size) {
                    return false; // nft_dynset_new() fails: the update fails, the rule breaks
                }
                long t = timeout != 0 ? timeout : set.timeout;
                Match[] exprs = new Match[templates.size()];
                for (int i = 0; i < exprs.length; i++) {
                    exprs[i] = fresh(templates.get(i));
                }
                e = new DynSet.Elem(exprs, set.timeoutFlag && t != 0 ? now + t : Long.MAX_VALUE, timeout);
                set.elems.put(k, e);
            } else if (op == UPDATE && e.expires != Long.MAX_VALUE) {
                e.expires = now + (timeout != 0 ? timeout : set.timeout);
            }
            for (Match m : e.exprs) { // nft_set_elem_update_expr()
                if (!m.matches(skb, par)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** nft_expr_clone(): a new element's copy of a statement's expression */
    private static Match fresh(Match m) {
        return switch (m) {
            case NftLimit l -> l.copy();
            case NftConnlimit c -> c.copy();
            case NftCounter c -> new NftCounter();
            default -> throw new IllegalStateException(m.getClass().getName());
        };
    }

    /** {@code FIELDS [!=] @set} on a dynamic set: a live element with the packet's key */
    static final class Lookup implements NftStateful {
        private final DynSet set;
        private final List<DynSet.Field> key;
        private final boolean invert;
        private final String text;

        Lookup(DynSet set, List<DynSet.Field> key, boolean invert, String text) {
            this.set = set;
            this.key = key;
            this.invert = invert;
            this.text = text;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public boolean matches(Skb skb, XtParam par) {
            long now = DynSet.now(par.services.nowNanos());
            synchronized (set) {
                return (set.get(DynSet.key(key, skb), now) != null) != invert;
            }
        }
    }

    /**
     * The key fields of {@code ip saddr . tcp dport} (tokens), each checked against the set's
     * declared types; the protocol the port fields need at {@code proto[0]} (null: none).
     */
    static List<DynSet.Field> fields(List<String> tokens, DynSet set, String[] proto, String where) {
        List<DynSet.Field> out = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            if (i + 1 >= tokens.size()) {
                throw NftRule.bad(where, String.join(" ", tokens) + " (a dynamic set's key)");
            }
            String a = tokens.get(i);
            DynSet.Field f = DynSet.field(a, tokens.get(i + 1));
            if (f == null) {
                throw NftRule.bad(where, a + " " + tokens.get(i + 1) + " (in a dynamic set's key)");
            }
            if (a.equals("tcp") || a.equals("udp")) {
                if (proto[0] != null && !proto[0].equals(a)) {
                    throw NftRule.bad(where, String.join(" ", tokens) + " (two protocols)");
                }
                proto[0] = a;
            } else if (a.equals("th")) {
                throw NftRule.bad(where, "th " + tokens.get(i + 1) + " in a dynamic set's key");
            }
            out.add(f);
            i += 2;
            if (i < tokens.size()) {
                if (!tokens.get(i).equals(".")) {
                    break;
                }
                i++;
            }
        }
        if (set == null) { // a meter's set takes the key's types
            if (out.size() > 2) {
                throw new NftRuleset.NftException(where + ": a meter key of more than two fields is not modelled");
            }
            return out;
        }
        if (out.size() != set.types.size() || out.size() > 2) {
            throw new NftRuleset.NftException(where + ": the key " + String.join(" ", tokens.subList(0, Math.min(i, tokens.size())))
                    + " does not fit set " + set.name + " (" + String.join(" . ", set.types) + ")"
                    + (out.size() > 2 ? ": more than two fields are not modelled" : ""));
        }
        for (int k = 0; k < out.size(); k++) {
            if (!DynSet.type(out.get(k)).equals(set.types.get(k))) {
                throw new NftRuleset.NftException(where + ": key field " + out.get(k) + " is no " + set.types.get(k) + " (set "
                        + set.name + ")");
            }
        }
        return out;
    }

    /** how many key tokens {@link #fields} read (fields and the dots between them) */
    static int keyLength(List<String> tokens) {
        int i = 0;
        while (i + 1 < tokens.size() && DynSet.field(tokens.get(i), tokens.get(i + 1)) != null) {
            i += 2;
            if (i < tokens.size() && tokens.get(i).equals(".")) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }
}
