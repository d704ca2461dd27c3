package dev.hairpin.rules.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rule's sets, maps and verdict maps made into rules without them ({@link NftRule}'s class
 * comment says why each rewrite is exact): named sets inlined, then one rule per element.
 */
final class NftSets {
    private NftSets() {}

    /** {@code @name} replaced by the named set's elements */
    static String[] named(String[] t, String where, Map<String, String> sets) {
        String[] r = t.clone();
        for (int i = 0; i < r.length; i++) {
            if (r[i].startsWith("@")) {
                String s = sets.get(r[i].substring(1));
                if (s == null) {
                    throw new NftRuleset.NftException(where + ": no set or map named " + r[i].substring(1) + " in this table");
                }
                r[i] = s;
            }
        }
        return r;
    }

    /** the rule as token lists without sets to expand, maps or verdict maps (see the class comment) */
    static List<String[]> expand(String[] t, String where) {
        for (int i = 0; i < t.length; i++) {
            if (!isSet(t[i])) {
                continue;
            }
            boolean negated = i > 0 && t[i - 1].equals("!=");
            if (i >= 5 && t[i - 1].equals("vmap") && t[i - 5].equals("numgen")) {
                return numgen(t, i, where);
            }
            if (i > 0 && t[i - 1].equals("vmap")) {
                List<String[]> out = new ArrayList<>();
                int[] groups = concatGroups(t, i - 1);
                for (String e : elements(t[i])) {
                    String[] kv = pair(e, where);
                    List<String> r = new ArrayList<>();
                    if (groups != null) {
                        key(r, t, groups, kv[0], where);
                    } else {
                        r.addAll(List.of(t).subList(0, i - 1));
                        r.add(kv[0]);
                    }
                    r.addAll(List.of(kv[1].split("\\s+")));
                    r.addAll(List.of(t).subList(i + 1, t.length));
                    out.addAll(expand(r.toArray(String[]::new), where));
                }
                return out;
            }
            if (i > 0 && t[i - 1].equals("map")) {
                List<String[]> stmtMap = statementMap(t, i, where);
                if (stmtMap != null) {
                    return stmtMap;
                }
                // snat/dnat [ip] to KEY... map { k : v }: the key expression becomes a match
                int to = i - 2;
                while (to >= 0 && !t[to].equals("to")) {
                    to--;
                }
                if (to < 1) {
                    throw NftRule.bad(where, "map outside snat/dnat");
                }
                int nat = t[to - 1].equals("ip") ? to - 2 : to - 1;
                if (nat < 0 || !(t[nat].equals("snat") || t[nat].equals("dnat"))) {
                    throw NftRule.bad(where, "map outside snat/dnat");
                }
                List<String> key = List.of(t).subList(to + 1, i - 1);
                int[] groups = key.contains(".") ? concatGroups(t, i - 1) : null;
                if (key.contains(".") && (groups == null || groups[0] != to + 1)) {
                    throw NftRule.bad(where, String.join(" ", key) + " (a NAT map's key)");
                }
                List<String[]> out = new ArrayList<>();
                for (String e : elements(t[i])) {
                    String[] kv = pair(e, where);
                    List<String> r = new ArrayList<>(List.of(t).subList(0, nat));
                    if (groups != null) { // ip saddr . tcp dport: one match per field
                        keyFields(r, t, groups, kv[0], where);
                    } else {
                        r.addAll(key);
                        r.add(kv[0]);
                    }
                    r.addAll(List.of(t).subList(nat, to + 1));
                    // a concatenated value `addr . port` is the NAT target's addr:port
                    r.add(kv[1].replaceAll("\\s+\\.\\s+", ":"));
                    r.addAll(List.of(t).subList(i + 1, t.length));
                    out.addAll(expand(r.toArray(String[]::new), where));
                }
                return out;
            }
            int[] groups = negated ? null : concatGroups(t, i);
            if (groups != null) { // each element's parts become the matches of their fields
                List<String[]> out = new ArrayList<>();
                for (String e : elements(t[i])) {
                    List<String> r = new ArrayList<>();
                    key(r, t, groups, e, where);
                    r.addAll(List.of(t).subList(i + 1, t.length));
                    out.addAll(expand(r.toArray(String[]::new), where));
                }
                return out;
            }
            if (negated || nativeSet(t, i)) { // a negated one (concatenated or not): NftRule.single
                continue;
            }
            List<String[]> out = new ArrayList<>();
            for (String e : elements(t[i])) {
                String[] r = t.clone();
                r[i] = e;
                out.addAll(expand(r, where));
            }
            return out;
        }
        List<String[]> one = new ArrayList<>();
        one.add(t);
        return one;
    }

    /**
     * {@code numgen random mod N vmap { k : verdict, ... }} (kube-proxy's choice of an endpoint):
     * each value comes up with probability 1/N, so the j-th element present is taken with
     * probability 1/(N - j) of what the elements before it left, as iptables' statistic random
     * rules in a row do (kube-proxy's iptables mode writes them). The same distribution only
     * where a verdict ends the rule set's walk here ({@code goto}, {@code accept}, {@code drop}):
     * after a {@code jump} nft goes on past the map, the rules would draw again.
     */
    private static List<String[]> numgen(String[] t, int i, String where) {
        if (!t[i - 4].equals("random") || !t[i - 3].equals("mod") || !t[i - 2].matches("[0-9]+")) {
            throw NftRule.bad(where, String.join(" ", List.of(t).subList(i - 5, i - 1)));
        }
        long n = Long.parseLong(t[i - 2]);
        List<String[]> out = new ArrayList<>();
        int j = 0;
        for (String e : elements(t[i])) {
            String[] kv = pair(e, where);
            String verdict = kv[1].split("\\s+")[0];
            if (!List.of("goto", "accept", "drop").contains(verdict)) {
                throw new NftRuleset.NftException(where + ": numgen's verdict map with `" + verdict
                        + "` (the walk goes on past the map: not modelled)");
            }
            if (!kv[0].matches("[0-9]+") || Long.parseLong(kv[0]) >= n) {
                if (kv[0].matches("[0-9]+")) {
                    continue; // numgen never gives it
                }
                throw NftRule.bad(where, "numgen key " + kv[0]);
            }
            List<String> r = new ArrayList<>(List.of(t).subList(0, i - 5));
            if (n - j > 1) {
                r.add("numgen-p");
                r.add(Double.toString(1.0 / (n - j)));
            }
            r.addAll(List.of(kv[1].split("\\s+")));
            r.addAll(List.of(t).subList(i + 1, t.length));
            out.addAll(expand(r.toArray(String[]::new), where));
            j++;
        }
        return out;
    }

    /**
     * {@code meta mark set KEY map { k : v }} (also ct mark, ct [original|reply] zone, meta
     * priority): one rule per element, the key a match and the statement setting its value; a
     * key in no element matches no copy, as the failed lookup breaks the rule. Null when the map
     * at {@code i} is no statement's value.
     */
    private static List<String[]> statementMap(String[] t, int i, String where) {
        int set = -1;
        for (int k = i - 2; k >= 0 && set < 0; k--) {
            if (t[k].equals("to")) {
                return null; // a NAT statement's map
            }
            if (t[k].equals("set")) {
                set = k;
            }
        }
        if (set < 2) {
            return null;
        }
        int start = set >= 3 && t[set - 3].equals("ct") && (t[set - 2].equals("original") || t[set - 2].equals("reply")) ? set - 3
                : t[set - 2].equals("meta") || t[set - 2].equals("ct") ? set - 2 : -1;
        if (start < 0) {
            throw NftRule.bad(where, String.join(" ", List.of(t).subList(Math.max(0, set - 2), i)));
        }
        List<String> key = List.of(t).subList(set + 1, i - 1);
        int[] groups = key.contains(".") ? concatGroups(t, i - 1) : null;
        if (key.isEmpty() || key.contains(".") && (groups == null || groups[0] != set + 1)) {
            throw NftRule.bad(where, String.join(" ", key) + " (a map's key)");
        }
        List<String[]> out = new ArrayList<>();
        for (String e : elements(t[i])) {
            String[] kv = pair(e, where);
            List<String> r = new ArrayList<>(List.of(t).subList(0, start));
            if (groups != null) {
                keyFields(r, t, groups, kv[0], where);
            } else {
                r.addAll(key);
                r.add(kv[0]);
            }
            r.addAll(List.of(t).subList(start, set + 1));
            r.add(kv[1]);
            r.addAll(List.of(t).subList(i + 1, t.length));
            out.addAll(expand(r.toArray(String[]::new), where));
        }
        return out;
    }

    /** selectors of one token; every other field is two ({@code ip daddr}, {@code th dport}, {@code meta mark}) */
    private static final java.util.Set<String> ONE_TOKEN = java.util.Set.of("iifname", "oifname", "iif", "oif");

    /**
     * A concatenated key ({@code ip daddr . meta l4proto . th dport}) ending before token
     * {@code end}: the start of each field, the key's end last; null when the key is one field.
     */
    static int[] concatGroups(String[] t, int end) {
        List<Integer> starts = new ArrayList<>();
        int e = end;
        while (true) {
            int w = e >= 1 && ONE_TOKEN.contains(t[e - 1]) ? 1 : 2;
            int s = e - w;
            if (s < 0) {
                return null;
            }
            starts.add(0, s);
            if (s >= 1 && t[s - 1].equals(".")) {
                e = s - 1;
            } else {
                break;
            }
        }
        if (starts.size() < 2) {
            return null;
        }
        int[] g = new int[starts.size() + 1];
        for (int k = 0; k < starts.size(); k++) {
            g[k] = starts.get(k);
        }
        g[starts.size()] = end;
        return g;
    }

    /**
     * the tokens before a concatenated key, then each field followed by its part of
     * {@code element} ({@code 10.0.0.1 . tcp . 80}): one match per field, as the element's
     * lookup compares each field with its part
     */
    private static void key(List<String> r, String[] t, int[] groups, String element, String where) {
        r.addAll(List.of(t).subList(0, groups[0]));
        keyFields(r, t, groups, element, where);
    }

    /** each field of a concatenated key followed by its part of {@code element} */
    static void keyFields(List<String> r, String[] t, int[] groups, String element, String where) {
        String[] parts = element.split("\\s+\\.\\s+");
        int fields = groups.length - 1;
        if (parts.length != fields) {
            throw new NftRuleset.NftException(where + ": element `" + element + "` has " + parts.length
                    + " parts, the key " + fields + " fields");
        }
        for (int k = 0; k < fields; k++) {
            int to = k + 1 < fields ? groups[k + 1] - 1 : groups[fields]; // before the next field's "."
            r.addAll(List.of(t).subList(groups[k], to));
            String p = parts[k].trim();
            if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
                p = p.substring(1, p.length() - 1);
            }
            r.add(p);
        }
    }

    /** a set one iptables option takes whole: ports (multiport), ct state / status lists */
    static boolean nativeSet(String[] t, int i) {
        int k = i >= 1 && t[i - 1].equals("!=") ? i - 1 : i; // the field's tokens stand before `!=`
        if (k < 2 || !isSet(t[i]) || concatGroups(t, k) != null) { // a concatenated key is no one option's
            return false;
        }
        String a = t[k - 2];
        String f = t[k - 1];
        return ((a.equals("tcp") || a.equals("udp")) && (f.equals("dport") || f.equals("sport")) && elements(t[i]).size() <= 15)
                || (a.equals("ct") && (f.equals("state") || f.equals("status")));
    }

    static boolean isSet(String s) {
        return s.startsWith("{") && s.endsWith("}");
    }

    /**
     * a set token's elements, trimmed, quotes removed, an element's {@code comment "..."} (which
     * kube-proxy writes on each) dropped; a comma inside quotes does not split
     */
    static List<String> elements(String set) {
        List<String> out = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        String body = set.substring(1, set.length() - 1);
        boolean quoted = false;
        int from = 0;
        for (int k = 0; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                raw.add(body.substring(from, k));
                from = k + 1;
            }
        }
        raw.add(body.substring(from));
        for (String e : raw) {
            e = e.replaceAll("\\s+comment\\s+\"[^\"]*\"", "").trim();
            if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
                e = e.substring(1, e.length() - 1);
            }
            if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return out;
    }

    static String[] pair(String e, String where) {
        int c = e.indexOf(" : ");
        if (c < 0) {
            throw new NftRuleset.NftException(where + ": expected `key : value` in a map, got: " + e);
        }
        String k = e.substring(0, c).trim();
        if (k.length() >= 2 && k.startsWith("\"") && k.endsWith("\"")) { // an interface name's quotes
            k = k.substring(1, k.length() - 1);
        }
        return new String[] {k, e.substring(c + 3).trim()};
    }
}
