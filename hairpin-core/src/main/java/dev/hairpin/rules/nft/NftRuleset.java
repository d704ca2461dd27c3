package dev.hairpin.rules.nft;

import dev.hairpin.packet.Hooks;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A native nftables ruleset ({@code nft list ruleset} text) for IPv4 (families ip and inet),
 * read into the engine's rule model: every rule is rewritten as the iptables rule that does the
 * same (the expressions iptables-nft itself emits for those options), so the existing matches and
 * targets evaluate it. Each base chain becomes one {@link BaseChain}: its hook, its priority
 * (where among the iptables tables it runs), its type (nat chains run only for a connection's
 * first packet, as nf_nat runs them) and a private ruleset holding it as a built-in chain, with
 * the table's regular chains as user chains.
 *
 * <p>Understood: {@code iifname oifname iif oif ip saddr ip daddr ip protocol ip ttl meta
 * l4proto/mark/iifname/oifname/pkttype/nfproto/skuid/skgid tcp/udp/th sport/dport (value, range, set) tcp
 * flags ct state ct status ct mark meta mark mark icmp type/code fib saddr/daddr type counter
 * accept drop return jump goto masquerade snat dnat redirect (flags, maps) log reject notrack
 * comment}, {@code meta mark set} / {@code ct mark set} (values, each other or from a map),
 * anonymous and named sets, maps and verdict maps, their keys concatenated or not
 * ({@link NftRule}); {@code limit [over]}, dynamic sets and meters, {@code ct count},
 * {@code ct zone set}, {@code dup}, {@code tproxy}, {@code meta nftrace set} (docs/NFT.md).
 * Anything else is refused with the line it is on, never guessed.
 */
public final class NftRuleset {
    /**
     * One base chain: type filter/nat/route, hook (Hooks.*), priority, its rules' ruleset, and
     * {@code order}, its table's place in the listing (tables are listed in creation order).
     */
    public record BaseChain(String table, String name, String type, int hook, int priority, Ruleset rules, int order) {
        /** the iptables table its rules were compiled into (nat for a nat chain; else the one whose targets they use) */
        public dev.hairpin.rules.Table compiled() {
            for (dev.hairpin.rules.TableDef d : dev.hairpin.rules.TableDef.values()) {
                if (rules.table(d) != null) {
                    return rules.table(d);
                }
            }
            return null;
        }
    }

    public final List<BaseChain> chains = new ArrayList<>();
    /** the listing as read, and where each rule's counter comes from ({@link NftListing}) */
    String text = "";
    final List<NftListing.Native> natives = new ArrayList<>();
    /** the stateful expressions its rules share ({@link NftExpr}) */
    final NftExprs exprs = new NftExprs();
    final List<NftListing.Iptables> iptables = new ArrayList<>();
    /** lines whose counter stands before a match: what it counts is no rewritten rule's count */
    final java.util.Set<Integer> inexact = new java.util.HashSet<>();
    /**
     * Where the iptables-nft tables (ip filter, nat, mangle, raw, security) come in the listing:
     * of two base chains of one hook and priority, the one created later runs first
     * (nf_hook_entries_grow() inserts a hook before those of equal priority).
     */
    public final java.util.Map<String, Integer> iptablesOrder = new java.util.HashMap<>();

    private static final java.util.Set<String> IPTABLES_TABLES = java.util.Set.of("filter", "nat", "mangle", "raw", "security");

    /** Thrown for what this reader does not understand; the message names the line. */
    public static final class NftException extends RuntimeException {
        public NftException(String msg) {
            super(msg);
        }
    }

    private record RawChain(String name, String type, int hook, int priority, String policy, List<String[]> rules,
            List<Integer> lines) {}

    public static NftRuleset parse(String text, String source) {
        return parse(text, source, java.util.Set.of());
    }

    /**
     * {@code iptablesChains}: "table/CHAIN" of every chain iptables-save lists. iptables-nft's own
     * tables show in {@code nft list ruleset} too (their rules in nft syntax); chains of an ip
     * filter/nat/mangle/raw/security table that iptables-save lists are its, loaded from there,
     * and skipped here.
     */
    public static NftRuleset parse(String text, String source, java.util.Set<String> iptablesChains) {
        NftRuleset out = new NftRuleset();
        out.text = text;
        String[] lines = text.split("\n", -1);
        int i = 0;
        int tables = 0;
        while (i < lines.length) {
            String l = lines[i].trim();
            if (l.isEmpty() || l.startsWith("#")) {
                i++;
                continue;
            }
            String[] w = l.split("\\s+");
            if (w.length == 4 && w[0].equals("table") && w[3].equals("{")) {
                boolean ipv4 = w[1].equals("ip") || w[1].equals("inet");
                java.util.Set<String> skip = new java.util.HashSet<>();
                if (w[1].equals("ip") && IPTABLES_TABLES.contains(w[2])) {
                    for (String c : iptablesChains) {
                        if (c.startsWith(w[2] + "/")) {
                            skip.add(c.substring(w[2].length() + 1));
                        }
                    }
                }
                i = table(out, w[2], ipv4, skip, tables++, lines, i + 1, source);
                continue;
            }
            throw new NftException(source + ":" + (i + 1) + ": expected `table FAMILY NAME {`, got: " + l);
        }
        return out;
    }

    /** reads one table's body; returns the line after its closing brace */
    private static int table(NftRuleset out, String table, boolean ipv4, java.util.Set<String> skip, int order, String[] lines,
            int i, String source) {
        Map<String, RawChain> chains = new LinkedHashMap<>();
        Map<String, String> sets = new java.util.HashMap<>();
        Map<String, SetDecl> decls = new java.util.HashMap<>();
        Map<String, int[]> helpers = new java.util.HashMap<>();
        RawChain cur = null;
        int opened = i; // the table's line (1-based), then the open chain's
        int tableLine = i;
        for (; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.isEmpty() || l.startsWith("comment \"")) { // a table's or chain's comment: no rule
                continue;
            }
            if (cur == null) {
                if (l.equals("}")) {
                    for (String name : skip) {
                        RawChain c = chains.get(name);
                        for (int k = 0; c != null && k < c.rules().size(); k++) {
                            out.iptables.add(new NftListing.Iptables(c.lines().get(k), table, name, k));
                        }
                    }
                    if (chains.keySet().removeAll(skip)) {
                        out.iptablesOrder.put(table, order); // iptables-nft's own table
                    }
                    if (ipv4) {
                        out.exprs.dynsets = dynamic(out, chains, decls, sets, source);
                        out.exprs.helpers = helpers;
                        build(out, table, chains, sets, order, source);
                    }
                    return i + 1;
                }
                String[] w = l.split("\\s+");
                if (w.length == 3 && w[0].equals("chain") && w[2].equals("{")) {
                    cur = new RawChain(w[1], null, -1, 0, "accept", new ArrayList<>(), new ArrayList<>());
                    opened = i + 1;
                    chains.put(w[1], cur);
                    continue;
                }
                if (w.length == 3 && (w[0].equals("set") || w[0].equals("map") || w[0].equals("flowtable")) && w[2].equals("{")) {
                    i = set(w[0], w[1], sets, decls, lines, i + 1, source);
                    continue;
                }
                if (w.length == 4 && w[0].equals("ct") && w[1].equals("helper") && w[3].equals("{")) {
                    i = helper(w[2], helpers, lines, i + 1, source);
                    continue;
                }
                if (!ipv4) {
                    continue; // an ip6/arp/bridge/netdev table: not IPv4 traffic
                }
                throw new NftException(source + ":" + (i + 1) + ": expected a chain, set, map or flowtable in a table, got: " + l);
            }
            if (l.equals("}")) {
                cur = null;
                continue;
            }
            if (l.startsWith("type ")) {
                cur = header(cur, l, source, i + 1);
                chains.put(cur.name(), cur);
                continue;
            }
            cur.rules().add(tokens(l, source, i + 1));
            cur.lines().add(i + 1);
        }
        throw new NftException(source + ":" + lines.length + ": expected `}` closing "
                + (cur != null ? "chain " + cur.name() + " (line " + opened + ")" : "table " + table + " (line " + tableLine + ")")
                + ", got the end of the file");
    }

    /**
     * A set's or map's body: its {@code elements = { ... }} (which nft wraps over several lines)
     * kept as one {@code {...}} token under its name (none: the empty set); a flowtable's body is
     * skipped (a rule offloading to it is refused). Returns the line of the closing brace.
     */
    private static int set(String kind, String name, Map<String, String> sets, Map<String, SetDecl> decls, String[] lines, int i,
            String source) {
        StringBuilder elements = null;
        int open = i - 1;
        int elemFirst = -1;
        List<String> types = new ArrayList<>();
        long size = 0;
        long timeout = 0;
        String flags = "";
        for (; i < lines.length; i++) {
            String l = lines[i].trim();
            if (elements != null) {
                elements.append(' ').append(l);
            } else if (l.startsWith("elements = {")) {
                elements = new StringBuilder(l.substring("elements = ".length()));
                elemFirst = i;
            } else if (l.equals("}")) {
                if (!kind.equals("flowtable")) {
                    sets.put(name, "{}");
                    decls.put(name, new SetDecl(kind, name, types, size, flags, timeout, open, i, -1, -1));
                }
                return i;
            } else if (l.endsWith("{") || l.startsWith("chain ") || l.startsWith("table ")) {
                throw new NftException(source + ":" + (i + 1) + ": expected `}` closing " + kind + " " + name + " (line " + (open + 1)
                        + "), got: " + l);
            } else if (l.startsWith("type ")) {
                for (String ty : l.substring(5).split(":")[0].split("\\.")) {
                    types.add(ty.trim());
                }
            } else if (l.matches("size [0-9]+")) {
                size = Long.parseLong(l.substring(5));
            } else if (l.startsWith("flags ")) {
                flags = l.substring(6);
            } else if (l.startsWith("timeout ")) {
                timeout = NftDuration.ms(l.substring(8), source + ":" + (i + 1));
            }
            if (elements != null && l.endsWith("}")) {
                sets.put(name, elements.toString());
                int last = i;
                for (i++; i < lines.length && !lines[i].trim().equals("}"); i++) {
                    // nothing follows the elements in nft's listing but the closing brace
                }
                decls.put(name, new SetDecl(kind, name, types, size, flags, timeout, open, i, elemFirst, last));
                return i;
            }
        }
        throw new NftException(source + ":" + lines.length + ": expected `}` closing " + kind + " " + name + " (line " + (open + 1)
                + "), got the end of the file");
    }

    /**
     * A {@code ct helper NAME { type "ftp" protocol tcp; l3proto ip }} object's body: the helpers
     * the engine has (ftp, tftp); returns the line of its closing brace.
     */
    private static int helper(String name, Map<String, int[]> helpers, String[] lines, int i, String source) {
        int open = i;
        int[] h = null;
        for (; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.equals("}")) {
                if (h == null) {
                    throw new NftException(source + ":" + (i + 1) + ": ct helper " + name + " without `type \"T\" protocol P`");
                }
                helpers.put(name, h);
                return i;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("type \"([^\"]+)\" protocol (tcp|udp)").matcher(l);
            if (m.matches()) {
                int id = dev.hairpin.conntrack.CtExt.helperId(m.group(1));
                if (id <= 0) { // the kernel has no such helper either: nft cannot load the object
                    throw new NftException(source + ":" + (i + 1) + ": ct helper " + name + " of type \"" + m.group(1)
                            + "\": no such conntrack helper (expected one of "
                            + String.join(", ", List.of(dev.hairpin.conntrack.CtExt.HELPER_NAMES).subList(1,
                                    dev.hairpin.conntrack.CtExt.HELPER_NAMES.length)) + ")");
                }
                h = new int[] {id, m.group(2).equals("tcp") ? 6 : 17};
            } else if (!l.startsWith("l3proto ")) {
                throw new NftException(source + ":" + (i + 1) + ": expected `type \"T\" protocol P` or `l3proto F` in ct helper "
                        + name + ", got: " + l);
            }
        }
        throw new NftException(source + ":" + lines.length + ": expected `}` closing ct helper " + name + " (line " + open
                + "), got the end of the file");
    }

    /**
     * A set's or map's declaration: its key types, size, flags, default timeout (ms) and where
     * it is in the listing (0-based lines: its opening and closing brace, its elements, -1: none).
     */
    record SetDecl(String kind, String name, List<String> types, long size, String flags, long timeoutMs, int open, int close,
            int elemFirst, int elemLast) {}

    /** a named dynamic set rules update, and its declaration: its elements are listed after the run */
    record Listed(DynSet set, SetDecl decl) {}

    /** the dynamic sets rules update, by table */
    final List<Listed> listed = new ArrayList<>();

    /**
     * The table's sets that rules add to, update or delete from (`add @name`, `update @name`,
     * `delete @name`): kept at run time ({@link DynSet}, lookups of them too); the others are
     * constant and expanded into rules ({@link NftSets}).
     */
    private static Map<String, DynSet> dynamic(NftRuleset out, Map<String, RawChain> chains, Map<String, SetDecl> decls,
            Map<String, String> sets, String source) {
        Map<String, DynSet> dyn = new java.util.HashMap<>();
        for (RawChain c : chains.values()) {
            for (int k = 0; k < c.rules().size(); k++) {
                String[] t = c.rules().get(k);
                for (int j = 0; j + 1 < t.length; j++) {
                    if (!List.of("add", "update", "delete").contains(t[j]) || !t[j + 1].startsWith("@")) {
                        continue;
                    }
                    String name = t[j + 1].substring(1);
                    SetDecl d = decls.get(name);
                    String where = source + ":" + c.lines().get(k);
                    if (d == null) {
                        throw new NftException(where + ": no set or map named " + name + " in this table");
                    }
                    if (!d.kind().equals("set")) {
                        throw new NftException(where + ": `" + t[j] + " @" + name + "` on a map (a dynamic map) is not modelled");
                    }
                    if (!dyn.containsKey(name)) {
                        DynSet s = new DynSet(name, d.types(), d.size(), d.timeoutMs(), d.flags().contains("timeout"));
                        for (String ty : d.types()) {
                            if (!List.of("ipv4_addr", "inet_service", "inet_proto").contains(ty)) {
                                throw new NftException(where + ": set " + name + " of type " + ty + " updated from the packet path: not modelled");
                            }
                        }
                        if (d.types().size() > 2) {
                            throw new NftException(where + ": set " + name + " with more than two key fields updated from the packet path: not modelled");
                        }
                        if (d.elemFirst() >= 0) { // elements the listing holds: plain ones and counters
                            for (String e : NftSets.elements(sets.get(name))) {
                                s.load(e, source + ":" + (d.elemFirst() + 1));
                            }
                        }
                        dyn.put(name, s);
                        out.listed.add(new Listed(s, d));
                    }
                }
            }
        }
        return dyn;
    }

    /** `type nat hook prerouting priority dstnat; policy accept;` */
    private static RawChain header(RawChain c, String l, String source, int line) {
        String[] parts = l.split(";");
        String[] w = parts[0].trim().split("\\s+", 6);
        if (w.length < 6 || !w[0].equals("type") || !w[2].equals("hook") || !w[4].equals("priority")) {
            throw new NftException(source + ":" + line + ": expected `type T hook H priority P;`, got: " + l);
        }
        int hook = switch (w[3]) {
            case "prerouting" -> Hooks.PRE_ROUTING;
            case "input" -> Hooks.LOCAL_IN;
            case "forward" -> Hooks.FORWARD;
            case "output" -> Hooks.LOCAL_OUT;
            case "postrouting" -> Hooks.POST_ROUTING;
            default -> throw new NftException(source + ":" + line + ": hook " + w[3] + " is not modelled");
        };
        if (!List.of("filter", "nat", "route").contains(w[1])) {
            throw new NftException(source + ":" + line + ": chain type " + w[1] + " is not modelled");
        }
        String policy = "accept";
        for (int k = 1; k < parts.length; k++) {
            String p = parts[k].trim();
            if (p.startsWith("policy ")) {
                policy = p.substring(7).trim();
            }
        }
        return new RawChain(c.name(), w[1], hook, priority(w[5].trim(), source, line), policy, c.rules(), c.lines());
    }

    /** nft's named priorities (with an optional + or - offset) or a number */
    static int priority(String s, String source, int line) {
        String[] w = s.split("\\s+");
        int base;
        switch (w[0]) {
            case "raw" -> base = -300;
            case "mangle" -> base = -150;
            case "dstnat" -> base = -100;
            case "filter" -> base = 0;
            case "security" -> base = 50;
            case "srcnat" -> base = 100;
            default -> {
                try {
                    return Integer.parseInt(s.replace(" ", ""));
                } catch (NumberFormatException e) {
                    throw new NftException(source + ":" + line + ": bad priority: " + s);
                }
            }
        }
        if (w.length == 3 && (w[1].equals("+") || w[1].equals("-"))) {
            int off = Integer.parseInt(w[2]);
            return w[1].equals("+") ? base + off : base - off;
        }
        return base;
    }

    /** splits a rule line: quoted strings and `{ a, b }` sets are single tokens */
    static String[] tokens(String l, String source, int line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < l.length()) {
            char c = l.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '"') {
                int e = l.indexOf('"', i + 1);
                if (e < 0) {
                    throw new NftException(source + ":" + line + ": unclosed quote");
                }
                out.add(l.substring(i + 1, e));
                i = e + 1;
            } else if (c == '{') {
                int e = l.indexOf('}', i);
                if (e < 0) {
                    throw new NftException(source + ":" + line + ": unclosed set");
                }
                out.add("{" + l.substring(i + 1, e).trim() + "}");
                i = e + 1;
            } else {
                int e = i;
                while (e < l.length() && l.charAt(e) != ' ' && l.charAt(e) != '\t') {
                    e++;
                }
                out.add(l.substring(i, e));
                i = e;
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * The regular chains a base chain reaches by jump or goto (in its rules, its verdict maps and
     * the named maps they use): only those join its ruleset (a nat chain must not hold a filter
     * chain's DROP, as iptables-restore would refuse it).
     */
    private static java.util.Set<String> reachable(RawChain base, Map<String, RawChain> chains, Map<String, String> sets) {
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<RawChain> todo = new java.util.ArrayDeque<>(List.of(base));
        java.util.regex.Pattern to = java.util.regex.Pattern.compile("(?:jump|goto) ([^\\s,}]+)");
        while (!todo.isEmpty()) {
            for (String[] rule : todo.pop().rules()) {
                StringBuilder text = new StringBuilder(String.join(" ", rule));
                for (String w : rule) {
                    if (w.startsWith("@") && sets.containsKey(w.substring(1))) {
                        text.append(' ').append(sets.get(w.substring(1)));
                    }
                }
                java.util.regex.Matcher m = to.matcher(text);
                while (m.find()) {
                    RawChain c = chains.get(m.group(1));
                    if (c != null && c.type() == null && seen.add(c.name())) {
                        todo.push(c);
                    }
                }
            }
        }
        return seen;
    }

    private static void build(NftRuleset out, String table, Map<String, RawChain> chains, Map<String, String> sets, int order,
            String source) {
        Map<String, String> alias = aliases(chains);
        for (RawChain base : chains.values()) {
            if (base.type() == null) {
                continue;
            }
            java.util.Set<String> reach = reachable(base, chains, sets);
            String kind = base.type().equals("nat") ? "nat" : "mangle";
            if (!base.type().equals("nat")) {
                // the iptables table whose targets the rules use: REJECT is filter's, CT raw's, the rest any
                String all = String.join(" ", base.rules().stream().flatMap(java.util.Arrays::stream).toList());
                for (RawChain c : chains.values()) {
                    if (reach.contains(c.name())) {
                        all += " " + String.join(" ", c.rules().stream().flatMap(java.util.Arrays::stream).toList());
                    }
                }
                boolean reject = all.matches("(^|.* )reject( .*|$)");
                // notrack and ct zone set are the raw table's CT target
                boolean notrack = all.matches("(^|.* )(notrack|zone set)( .*|$)");
                if (reject && notrack) {
                    throw new NftException(source + ": chain " + table + "/" + base.name()
                            + " both rejects and sets notrack or a ct zone: not modelled");
                }
                if (all.matches("(^|.* )zone set( .*|$)") && (base.priority() >= CONNTRACK_PRIORITY
                        || base.hook() != Hooks.PRE_ROUTING && base.hook() != Hooks.LOCAL_OUT)) {
                    // after conntrack the packet has its entry and nft_ct_set_zone_eval does nothing
                    throw new NftException(source + ":" + zoneLine(base, chains, reach) + ": `ct zone set` in chain " + table + "/"
                            + base.name() + " (priority " + base.priority() + ", conntrack's is -200): only before conntrack in prerouting or output is modelled");
                }
                kind = reject ? "filter" : notrack ? "raw" : "mangle";
            }
            String builtin = switch (base.hook()) {
                case Hooks.PRE_ROUTING -> "PREROUTING";
                case Hooks.LOCAL_IN -> "INPUT";
                case Hooks.FORWARD -> "FORWARD";
                case Hooks.LOCAL_OUT -> "OUTPUT";
                default -> "POSTROUTING";
            };
            StringBuilder r = new StringBuilder("*").append(kind).append('\n');
            r.append(':').append(builtin).append(' ').append(base.policy().equals("drop") ? "DROP" : "ACCEPT").append(" [0:0]\n");
            for (RawChain c : chains.values()) {
                if (reach.contains(c.name())) {
                    r.append(':').append(alias.getOrDefault(c.name(), c.name())).append(" - [0:0]\n");
                }
            }
            StringBuilder rules = new StringBuilder();
            List<NftRule.Aux> aux = new ArrayList<>();
            List<int[]> counted = new ArrayList<>(); // line, first, count, per chain below (-1: an aux chain's last rule)
            List<String> countedChain = new ArrayList<>();
            for (RawChain c : chains.values()) {
                if (c != base && !reach.contains(c.name())) {
                    continue;
                }
                String name = c == base ? builtin : alias.getOrDefault(c.name(), c.name());
                int n = 0;
                for (int k = 0; k < c.rules().size(); k++) {
                    List<String> specs = NftRule.toIptables(c.rules().get(k), source + ":" + c.lines().get(k), sets, aux, out.exprs);
                    for (String spec : specs) {
                        spec = aliased(spec, alias);
                        rules.append("-A ").append(name).append(' ').append(spec).append('\n');
                        // a rule whose statements went to a chain of their own counts what reaches
                        // that chain's last rule (past a negated set's RETURNs)
                        String to = spec.substring(spec.lastIndexOf(' ') + 1);
                        boolean toAux = spec.contains("-j nft.") && aux.stream().anyMatch(a -> a.name().equals(to));
                        counted.add(toAux ? new int[] {c.lines().get(k), -1, 1} : new int[] {c.lines().get(k), n, 1});
                        countedChain.add(toAux ? to : name);
                        n++;
                    }
                    if (!NftRule.counterAfterMatches(c.rules().get(k))) {
                        out.inexact.add(c.lines().get(k));
                    }
                }
            }
            for (NftRule.Aux a : aux) { // a multi-statement rule's statements, one rule each
                r.append(':').append(a.name()).append(" - [0:0]\n");
                for (String spec : a.rules()) {
                    rules.append("-A ").append(a.name()).append(' ').append(aliased(spec, alias)).append('\n');
                }
            }
            r.append(rules).append("COMMIT\n");
            Ruleset rs = new Ruleset();
            Iptables.Result res = ScopedValue.where(NftExpr.EXPRS, out.exprs.all).call(() -> IptablesRestore.restore(rs, r.toString()));
            if (res.exitCode() != 0) {
                throw new NftException(source + ": chain " + table + "/" + base.name()
                        + " has a rule the engine refuses: " + res.stderr().trim());
            }
            out.chains.add(new BaseChain(table, base.name(), base.type(), base.hook(), base.priority(), rs, order));
            for (int k = 0; k < counted.size(); k++) {
                int[] c = counted.get(k);
                String chain = countedChain.get(k);
                int first = c[1] >= 0 ? c[1] : aux.stream().filter(a -> a.name().equals(chain)).findFirst().orElseThrow().rules().size() - 1;
                out.natives.add(new NftListing.Native(c[0], rs, chain, first, c[2]));
            }
        }
    }

    /** NF_IP_PRI_CONNTRACK */
    private static final int CONNTRACK_PRIORITY = -200;

    /** the line of the first `ct ... zone set` a base chain reaches */
    private static int zoneLine(RawChain base, Map<String, RawChain> chains, java.util.Set<String> reach) {
        List<RawChain> all = new ArrayList<>(List.of(base));
        for (String n : reach) {
            all.add(chains.get(n));
        }
        for (RawChain c : all) {
            for (int k = 0; k < c.rules().size(); k++) {
                if (String.join(" ", c.rules().get(k)).contains("zone set")) {
                    return c.lines().get(k);
                }
            }
        }
        return 0;
    }

    /** the longest chain name iptables takes (XT_EXTENSION_MAXNAMELEN - 1) */
    private static final int IPT_CHAIN_MAX = 28;

    /**
     * nft's chain names run to 256 characters (kube-proxy's endpoint chains do), iptables'
     * to 28: a longer one is known in the rule model by its first 22 characters, `~` and a
     * number (what a trace prints); the listing keeps nft's names.
     */
    private static Map<String, String> aliases(Map<String, RawChain> chains) {
        Map<String, String> a = new java.util.HashMap<>();
        for (String name : chains.keySet()) {
            if (name.length() > IPT_CHAIN_MAX) {
                a.put(name, name.substring(0, 22) + "~" + a.size());
            }
        }
        return a;
    }

    /** a rule's jump or goto to an aliased chain, aliased */
    private static String aliased(String spec, Map<String, String> alias) {
        for (String j : new String[] {"-j ", "-g "}) {
            int at = spec.lastIndexOf(j);
            if (at >= 0) {
                String to = spec.substring(at + 3);
                String al = alias.get(to);
                if (al != null) {
                    return spec.substring(0, at + 3) + al;
                }
            }
        }
        return spec;
    }
}
