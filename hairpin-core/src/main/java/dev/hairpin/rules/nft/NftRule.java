package dev.hairpin.rules.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One nft rule (tokens) rewritten as the iptables rules that evaluate the same expressions:
 * {@code iifname "eth1" tcp dport 8080 dnat to 10.0.0.5:80} is
 * {@code -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80}.
 *
 * <p>Where nft has one rule and iptables needs several, the rewrite is exact or refused:
 * <ul>
 * <li>a set of values ({@code iifname { "eth0", "eth1" }}, a named {@code @set}) is one rule per
 * element: a set's elements never overlap (nft refuses overlapping intervals), so a packet
 * matches at most one copy, which does what the nft rule does. A negated set is kept only where
 * one iptables option takes it whole (ports, addresses of one rule);</li>
 * <li>a verdict map ({@code ct state vmap { invalid : drop, ... }}) and a NAT map
 * ({@code dnat ip to tcp dport map { 80 : 10.0.0.5 }}) are one rule per element, the key
 * becoming a match: a key that is in no element matches no copy, as the failed lookup breaks
 * the rule;</li>
 * <li>a concatenated key ({@code ip daddr . meta l4proto . th dport}) is one match per field,
 * each with its part of the element ({@code 10.0.0.1 . tcp . 53});</li>
 * <li>several statements ({@code meta mark set 0x1 accept}) jump to a chain of their own with one
 * rule per statement, in order: the rule's matches are evaluated once, before any statement,
 * as nft does. {@code return} and {@code goto} are refused there (they would leave that chain,
 * not the rule's).</li>
 * </ul>
 * Stateful expressions (limit, set updates, ct count, tproxy) are engine objects of their own
 * ({@link NftExpr}), shared by every copy. A rule's counter is the sum of its copies'
 * ({@link NftListing}).
 */
final class NftRule {
    private NftRule() {}

    /** the chain of a multi-statement rule's statements: its name and its rules */
    record Aux(String name, List<String> rules) {}

    /**
     * The iptables rules (without {@code -A CHAIN}) for one nft rule; statement chains it needs
     * go to {@code aux}. {@code sets}: the table's named sets and maps, name to {@code {...}} token.
     */
    static List<String> toIptables(String[] t, String where, Map<String, String> sets, List<Aux> aux, NftExprs exprs) {
        List<String> out = new ArrayList<>();
        if (ipv6Only(t)) {
            return out; // before its sets are expanded: nothing of it applies to IPv4
        }
        t = dynamicSets(t, where, exprs);
        List<String[]> expanded = NftSets.expand(NftSets.named(t, where, sets), where);
        for (String[] one : expanded) { // a stateful expression is one object in every copy (NftExprs)
            String r = single(one, where, aux, exprs);
            if (r != null) { // null: no IPv4 packet matches it
                out.add(r);
            }
        }
        return out;
    }

    /**
     * {@code fib saddr [. mark] [. iif] oif missing|exists}: the reverse-path lookup nft_fib4
     * makes, as xt_rpfilter makes it (the source as destination, the mark with {@code . mark},
     * the input device's nexthop required with {@code . iif}, else any route: --loose; a local
     * route is no answer for either); {@code missing} is --invert. Returns the next token.
     */
    private static int reversePath(String[] t, int i, List<String> m, String where) {
        int k = i + 2;
        boolean mark = false;
        boolean iif = false;
        while (k + 1 < t.length && t[k].equals(".")) {
            switch (t[k + 1]) {
                case "mark" -> mark = true;
                case "iif" -> iif = true;
                default -> throw bad(where, "fib saddr . " + t[k + 1]);
            }
            k += 2;
        }
        if (k + 1 >= t.length || !t[k].equals("oif") || !(t[k + 1].equals("missing") || t[k + 1].equals("exists"))) {
            throw bad(where, String.join(" ", List.of(t).subList(i, Math.min(t.length, k + 2))));
        }
        m.add("-m rpfilter" + (iif ? "" : " --loose") + (mark ? " --validmark" : "")
                + (t[k + 1].equals("missing") ? " --invert" : ""));
        return k + 2;
    }

    /**
     * {@code tcp option maxseg size set rt mtu} (OpenWrt fw4's mtu_fix): nft_rt's TCPMSS (the
     * smaller of the route's and the reverse route's MTU, less 40) written by nft_exthdr into an
     * MSS option that is larger, never into a segment without one. That is TCPMSS
     * --clamp-mss-to-pmtu where an MSS option exists (`-m tcpmss --mss 0:65535` matches only
     * then): TCPMSS alone would add a missing option. Returns the next token.
     */
    private static int mssClamp(String[] t, int i, List<String> m, List<String> stmts, String where) {
        String[] want = {"tcp", "option", "maxseg", "size", "set", "rt", "mtu"};
        for (int k = 0; k < want.length; k++) {
            if (i + k >= t.length || !t[i + k].equals(want[k])) {
                throw bad(where, String.join(" ", List.of(t).subList(i, Math.min(t.length, i + want.length))));
            }
        }
        m.add("-m tcpmss --mss 0:65535");
        stmts.add("-j TCPMSS --clamp-mss-to-pmtu");
        return i + want.length;
    }

    /** an IPv6 header expression, or {@code meta nfproto ipv6}: no IPv4 packet meets the rule */
    static boolean ipv6Only(String[] t) {
        for (int k = 0; k < t.length; k++) {
            if (t[k].equals("ip6") || t[k].equals("icmpv6")
                    || t[k].equals("nfproto") && k + 1 < t.length && t[k + 1].equals("ipv6") && k > 0 && t[k - 1].equals("meta")) {
                return true;
            }
        }
        return false;
    }

    /** one rule without sets to expand; null when no IPv4 packet matches it */
    private static String single(String[] t, String where, List<Aux> aux, NftExprs exprs) {
        for (String w : t) {
            if (w.equals("ip6") || w.equals("icmpv6")) {
                return null; // an IPv6 header expression: in an inet table nft makes it depend on nfproto ipv6
            }
        }
        // a negated set no one option takes (`ip daddr != { 10.0.0.0/8, 192.168.0.0/16 }`): the
        // rule's statements go to a chain of their own that first RETURNs for each element
        for (int p = 1; p + 1 < t.length; p++) {
            if (!t[p].equals("!=") || !NftSets.isSet(t[p + 1]) || NftSets.nativeSet(t, p + 1)) {
                continue;
            }
            int[] groups = NftSets.concatGroups(t, p); // `ip saddr . tcp dport != { ... }`
            int start = groups != null ? groups[0]
                    : List.of("iifname", "oifname", "iif", "oif", "mark").contains(t[p - 1]) ? p - 1 : p - 2;
            if (start < 0) {
                throw bad(where, String.join(" ", List.of(t).subList(0, p + 2)));
            }
            List<String> excluded = new ArrayList<>();
            for (String e : NftSets.elements(t[p + 1])) {
                List<String> one = new ArrayList<>();
                if (groups != null) {
                    NftSets.keyFields(one, t, groups, e, where);
                } else {
                    one.addAll(List.of(t).subList(start, p));
                    one.add(e);
                }
                excluded.add(single(one.toArray(String[]::new), where, aux, exprs) + " -j RETURN");
            }
            List<String> rest = new ArrayList<>(List.of(t).subList(0, start));
            rest.addAll(List.of(t).subList(p + 2, t.length));
            String r = single(rest.toArray(String[]::new), where, aux, exprs);
            int j = r.lastIndexOf("-j ");
            int g = r.lastIndexOf("-g ");
            int cut = Math.max(j, g);
            if (cut < 0) {
                return r; // no statement: nothing to skip
            }
            String matches = r.substring(0, cut).trim();
            String stmt = r.substring(cut);
            if (stmt.equals("-j RETURN") || stmt.startsWith("-g ")) {
                throw new NftRuleset.NftException(where + ": `return` or `goto` after a negated set is not modelled");
            }
            excluded.add(stmt);
            String name = "nft." + where.substring(where.lastIndexOf(':') + 1) + "." + aux.size();
            aux.add(new Aux(name, excluded));
            return (matches + " -j " + name).trim();
        }
        List<String> ip = new ArrayList<>();
        List<String> m = new ArrayList<>();
        List<String> stmts = new ArrayList<>();
        String proto = null;
        int i = 0;
        boolean stateful = false; // a limit, dynamic set or ct count seen: no match may follow it
        while (i < t.length) {
            String w = t[i];
            if (stateful && isMatchStart(t, i)) {
                // the rewrite evaluates -s/-d/-i/-o/-p before every -m: the stateful expression
                // would then see fewer packets than nft's, which evaluates it first
                throw new NftRuleset.NftException(where + ": a match after a stateful expression (`" + w
                        + "` after a limit, set update or ct count) is not modelled");
            }
            boolean neg = i + 1 < t.length && t[i + 1].equals("!=");
            int v = neg ? i + 2 : i + 1;
            String not = neg ? "! " : "";
            if (w.startsWith("nft#") || w.startsWith("nftl#")) { // a set update or a dynamic set's lookup
                String[] p = w.split("#");
                m.add("-m nft --expr " + p[1]);
                if (!p[2].equals("-")) { // its key's ports depend on the protocol, as nft's payload dependency does
                    if (proto != null && !proto.equals(p[2])) {
                        return null; // no packet is of both protocols
                    }
                    proto = p[2];
                }
                stateful |= w.startsWith("nft#");
                i++;
                continue;
            }
            switch (w) {
                case "numgen-p" -> { // NftSets.numgen's draw
                    m.add("-m statistic --mode random --probability " + arg(t, i + 1, where));
                    i += 2;
                }
                case "iifname", "iif" -> {
                    ip.add(not + "-i " + ifname(arg(t, v, where)));
                    i = v + 1;
                }
                case "oifname", "oif" -> {
                    ip.add(not + "-o " + ifname(arg(t, v, where)));
                    i = v + 1;
                }
                case "ip" -> {
                    String f = arg(t, i + 1, where);
                    String op = i + 2 < t.length ? t[i + 2] : "";
                    neg = op.equals("!=");
                    not = neg ? "! " : "";
                    v = neg ? i + 3 : i + 2;
                    if (v < t.length && t[v].equals("set") && (f.equals("ttl") || f.equals("dscp"))) {
                        stmts.add(NftStatements.ipSet(f, arg(t, v + 1, where), where));
                        i = v + 2;
                        continue;
                    }
                    if (v < t.length && t[v].equals("set")) {
                        throw bad(where, "ip " + f + " set"); // payload mangling (stateless NAT)
                    }
                    switch (f) {
                        case "saddr" -> ip.add(not + "-s " + list(arg(t, v, where)));
                        case "daddr" -> ip.add(not + "-d " + list(arg(t, v, where)));
                        case "protocol" -> proto = not + arg(t, v, where);
                        case "ttl" -> {
                            v = isRelational(op) ? i + 3 : i + 2;
                            m.add("-m ttl " + switch (op) {
                                case "<" -> "--ttl-lt ";
                                case ">" -> "--ttl-gt ";
                                case "!=" -> "! --ttl-eq ";
                                case "==" -> "--ttl-eq ";
                                default -> {
                                    if (isRelational(op)) {
                                        throw bad(where, "ip ttl " + op);
                                    }
                                    yield "--ttl-eq ";
                                }
                            } + arg(t, v, where));
                        }
                        default -> throw bad(where, "ip " + f);
                    }
                    i = v + 1;
                }
                case "meta" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    not = neg ? "! " : "";
                    v = neg ? i + 3 : i + 2;
                    if (f.equals("nftrace") && arg(t, v, where).equals("set")) { // what iptables-nft writes for TRACE
                        if (!arg(t, v + 1, where).equals("1")) {
                            throw bad(where, "meta nftrace set " + t[v + 1]);
                        }
                        stmts.add("-j TRACE");
                        i = v + 2;
                        continue;
                    }
                    if (f.equals("priority") && arg(t, v, where).equals("set")) { // skb->priority: CLASSIFY
                        stmts.add("-j CLASSIFY --set-class " + arg(t, v + 1, where));
                        i = v + 2;
                        continue;
                    }
                    int next = NftStatements.markOrSet(t, i, v, m, stmts, where);
                    if (next >= 0) {
                        i = next;
                        continue;
                    }
                    switch (f) {
                        case "l4proto" -> proto = not + arg(t, v, where);
                        case "mark" -> m.add("-m mark " + not + "--mark " + arg(t, v, where));
                        case "iifname" -> ip.add(not + "-i " + ifname(arg(t, v, where)));
                        case "oifname" -> ip.add(not + "-o " + ifname(arg(t, v, where)));
                        case "pkttype" -> m.add("-m pkttype " + not + "--pkt-type " + arg(t, v, where));
                        case "skuid", "skgid" -> {
                            // nft_meta_get_eval_skugid: a full socket with a file, else the rule
                            // breaks (even for !=); xt_owner's positive test is the same, its
                            // negation holds without a socket, so != also asks for one in range
                            String a = arg(t, v, where);
                            if (!a.matches("\\d+(-\\d+)?")) {
                                throw bad(where, "meta " + f + " " + a);
                            }
                            String opt = f.equals("skuid") ? "--uid-owner " : "--gid-owner ";
                            m.add(neg ? "-m owner ! " + opt + a + " -m owner " + opt + "0-4294967294" : "-m owner " + opt + a);
                        }
                        case "nfproto" -> {
                            String p = arg(t, v, where);
                            if (!p.equals("ipv4") && !p.equals("ipv6")) {
                                throw bad(where, "meta nfproto " + p);
                            }
                            if (p.equals("ipv4") == neg) {
                                return null; // an IPv4 packet never matches it
                            }
                        }
                        default -> throw bad(where, "meta " + f);
                    }
                    i = v + 1;
                }
                case "mark" -> {
                    m.add("-m mark " + not + "--mark " + arg(t, v, where));
                    i = v + 1;
                }
                case "tcp", "udp", "th" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    not = neg ? "! " : "";
                    v = neg ? i + 3 : i + 2;
                    String l4 = w;
                    if (w.equals("th")) { // the transport header of whichever protocol: only where it is known
                        if (proto == null || !(proto.equals("tcp") || proto.equals("udp"))) {
                            throw bad(where, "th " + f + " without meta l4proto tcp or udp before it");
                        }
                        l4 = proto;
                    } else if (proto == null) {
                        proto = w;
                    }
                    if (w.equals("tcp") && f.equals("option")) {
                        i = mssClamp(t, i, m, stmts, where);
                        continue;
                    }
                    if (w.equals("tcp") && f.equals("flags")) {
                        i = NftStatements.tcpFlags(t, i + 2, m, where);
                        continue;
                    }
                    String val = arg(t, v, where);
                    String dir = switch (f) {
                        case "dport" -> "d";
                        case "sport" -> "s";
                        default -> throw bad(where, w + " " + f);
                    };
                    if (NftSets.isSet(val)) {
                        m.add("-m multiport " + not + "--" + dir + "ports " + String.join(",", NftSets.elements(val)).replace('-', ':'));
                    } else {
                        m.add("-m " + l4 + " " + not + "--" + dir + "port " + val.replace('-', ':'));
                    }
                    i = v + 1;
                }
                case "icmp" -> {
                    if (!arg(t, i + 1, where).equals("type")) {
                        throw bad(where, "icmp " + t[i + 1]);
                    }
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    v = neg ? i + 3 : i + 2;
                    proto = "icmp";
                    String type = arg(t, v, where);
                    i = v + 1;
                    if (i + 2 < t.length && t[i].equals("icmp") && t[i + 1].equals("code")) {
                        type = IcmpNames.typeCode(type, t[i + 2], where);
                        i += 3;
                    } else {
                        type = IcmpNames.type(type, where);
                    }
                    m.add("-m icmp " + (neg ? "! " : "") + "--icmp-type " + type);
                }
                case "fib" -> {
                    String f = arg(t, i + 1, where);
                    if (f.equals("saddr") && !arg(t, i + 2, where).equals("type")) {
                        i = reversePath(t, i, m, where);
                        continue;
                    }
                    if (!arg(t, i + 2, where).equals("type") || !(f.equals("daddr") || f.equals("saddr"))) {
                        throw bad(where, "fib " + f + " " + t[i + 2]);
                    }
                    neg = i + 3 < t.length && t[i + 3].equals("!=");
                    v = neg ? i + 4 : i + 3;
                    m.add("-m addrtype " + (neg ? "! " : "") + (f.equals("daddr") ? "--dst-type " : "--src-type ")
                            + arg(t, v, where).toUpperCase());
                    i = v + 1;
                }
                case "ct" -> {
                    String f = arg(t, i + 1, where);
                    if (f.equals("helper")) {
                        if (arg(t, i + 2, where).equals("set")) { // an object's helper for the entry
                            String name = arg(t, i + 3, where);
                            int[] h = exprs.helpers.get(name);
                            if (h == null) {
                                throw new NftRuleset.NftException(where + ": no ct helper named " + name + " in this table");
                            }
                            m.add(exprs.option(where + "#cthelper" + count(t, i, "helper"),
                                    () -> new NftCtHelper(h[0], h[1], "ct helper set " + name)));
                            stateful = true;
                            i += 4;
                        } else { // the entry's helper by name: -m helper
                            String n = t[i + 2].equals("!=") ? arg(t, i + 3, where) : t[i + 2];
                            m.add("-m helper " + (t[i + 2].equals("!=") ? "! " : "") + "--helper " + n);
                            i += t[i + 2].equals("!=") ? 4 : 3;
                        }
                        continue;
                    }
                    if (f.equals("count")) { // nft_connlimit: one list for the rule
                        int[] end = new int[1];
                        int at = i;
                        String[] tt = t;
                        m.add(exprs.option(where + "#ctcount" + count(t, i, "count"), () -> NftConnlimit.parse(tt, at, end, where)));
                        NftConnlimit.parse(t, i, end, where);
                        i = end[0];
                        stateful = true;
                        continue;
                    }
                    int zone = NftStatements.zoneSet(t, i, stmts, where);
                    if (zone >= 0) {
                        i = zone;
                        continue;
                    }
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    not = neg ? "! " : "";
                    v = neg ? i + 3 : i + 2;
                    int next = NftStatements.markOrSet(t, i, v, m, stmts, where);
                    if (next >= 0) {
                        i = next;
                        continue;
                    }
                    String val = arg(t, v, where);
                    switch (f) {
                        case "state" -> m.add("-m conntrack " + not + "--ctstate " + list(val).toUpperCase());
                        case "status" -> m.add(NftStatements.ctStatus(not, list(val), where));
                        case "mark" -> m.add("-m connmark " + not + "--mark " + val);
                        default -> throw bad(where, "ct " + f);
                    }
                    i = v + 1;
                }
                case "limit" -> {
                    int[] end = new int[1];
                    String key = where + "#limit" + count(t, i, "limit");
                    int at = i;
                    m.add(exprs.option(key, () -> NftLimit.parse(t, at, end, where)));
                    NftLimit.parse(t, i, end, where);
                    i = end[0];
                    stateful = true;
                }
                case "counter" -> {
                    i++;
                    if (i < t.length && t[i].equals("packets")) {
                        i += 4; // counter packets N bytes M
                    }
                }
                case "comment" -> i += 2;
                case "accept", "drop" -> {
                    stmts.add("-j " + w.toUpperCase());
                    i++;
                }
                case "return" -> {
                    stmts.add("-j RETURN");
                    i++;
                }
                case "jump", "goto" -> {
                    stmts.add((w.equals("jump") ? "-j " : "-g ") + arg(t, i + 1, where));
                    i += 2;
                }
                case "masquerade", "redirect" -> {
                    StringBuilder s = new StringBuilder(w.equals("masquerade") ? "-j MASQUERADE" : "-j REDIRECT");
                    i++;
                    if (i + 1 < t.length && t[i].equals("to")) {
                        s.append(" --to-ports ").append(t[i + 1].replaceFirst("^:", ""));
                        i += 2;
                    }
                    // persistent only picks among several addresses (find_best_ips_proto): these have one
                    i = NftStatements.natFlags(t, i, s, false);
                    stmts.add(s.toString());
                }
                case "snat", "dnat" -> {
                    int k = i + 1;
                    if (k < t.length && t[k].equals("ip")) {
                        k++;
                    }
                    if (k >= t.length || !t[k].equals("to")) {
                        throw bad(where, w + " without `to`");
                    }
                    StringBuilder s = new StringBuilder(w.equals("snat") ? "-j SNAT --to-source " : "-j DNAT --to-destination ");
                    s.append(arg(t, k + 1, where));
                    i = NftStatements.natFlags(t, k + 2, s, true);
                    stmts.add(s.toString());
                }
                case "log" -> {
                    if (List.of(t).subList(i + 1, t.length).contains("group")) { // to nfnetlink_log: NFLOG
                        StringBuilder s = new StringBuilder("-j NFLOG");
                        i = NftStatements.nflogOptions(t, i + 1, s, where);
                        stmts.add(s.toString());
                        continue;
                    }
                    StringBuilder s = new StringBuilder("-j LOG");
                    i = NftStatements.logOptions(t, i + 1, s, where);
                    stmts.add(s.toString());
                }
                case "reject" -> {
                    i++;
                    String with = "";
                    if (i < t.length && t[i].equals("with")) {
                        int n = arg(t, i + 2, where).equals("type") ? i + 3 : i + 2; // older `with icmp type X`
                        with = " --reject-with " + IcmpNames.rejectWith(arg(t, i + 1, where), arg(t, n, where), where);
                        i = n + 1;
                    }
                    stmts.add("-j REJECT" + with);
                }
                case "quota" -> { // nft_quota: one byte count for the rule
                    if (count(t, i, "quota") > 0) {
                        throw new NftRuleset.NftException(where + ": two quotas in one rule are not modelled");
                    }
                    int[] end = new int[1];
                    int at = i;
                    String[] tt = t;
                    String opt = exprs.option(where + "#quota" + count(t, i, "quota"), () -> NftQuota.parse(tt, at, end, where));
                    m.add(opt);
                    exprs.quotas.put(Integer.parseInt(where.substring(where.lastIndexOf(':') + 1)),
                            (NftQuota) exprs.all.get(Integer.parseInt(opt.substring(opt.lastIndexOf(' ') + 1))));
                    NftQuota.parse(t, i, end, where);
                    i = end[0];
                    stateful = true;
                }
                case "tproxy" -> { // nft_tproxy: breaks the rule without a socket, else goes on
                    int[] end = new int[1];
                    int at = i;
                    String[] tt = t;
                    m.add(exprs.option(where + "#tproxy" + count(t, i, "tproxy"), () -> NftTproxy.parse(tt, at, end, where)));
                    NftTproxy.parse(t, i, end, where);
                    i = end[0];
                    stateful = true;
                }
                case "dup" -> { // nft_dup_ipv4: nf_dup_ipv4() as TEE calls it, the rule goes on
                    if (!arg(t, i + 1, where).equals("to") || !arg(t, i + 2, where).matches("[0-9.]+")) {
                        throw bad(where, String.join(" ", List.of(t).subList(i, Math.min(t.length, i + 3))));
                    }
                    String s = "-j TEE --gateway " + t[i + 2];
                    i += 3;
                    if (i + 1 < t.length && t[i].equals("device")) {
                        s += " --oif " + t[i + 1];
                        i += 2;
                    }
                    stmts.add(s);
                }
                case "notrack" -> {
                    stmts.add("-j CT --notrack");
                    i++;
                }
                default -> throw bad(where, w);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String s : ip) {
            out.append(s).append(' ');
        }
        if (proto != null) {
            out.append(proto.startsWith("! ") ? "! -p " + proto.substring(2) : "-p " + proto).append(' ');
        }
        for (String s : m) {
            out.append(s).append(' ');
        }
        if (stmts.size() == 1) {
            out.append(stmts.getFirst());
        } else if (stmts.size() > 1) {
            for (String s : stmts) {
                if (s.equals("-j RETURN") || s.startsWith("-g ")) {
                    throw new NftRuleset.NftException(where + ": `return` or `goto` after another statement is not modelled");
                }
            }
            String name = "nft." + where.substring(where.lastIndexOf(':') + 1) + "." + aux.size();
            aux.add(new Aux(name, stmts));
            out.append("-j ").append(name);
        }
        return out.toString().trim();
    }

    /**
     * Whether a rule's {@code counter} (if any) comes after all its matches, so it counts the
     * packets the rule matched (what the rewritten rules count): only statements follow it.
     */
    static boolean counterAfterMatches(String[] t) {
        int i = List.of(t).indexOf("counter");
        if (i < 0) {
            return true;
        }
        if (List.of(t).contains("vmap")) {
            return false;
        }
        i++;
        if (i < t.length && t[i].equals("packets")) {
            i += 4;
        }
        if (i >= t.length) {
            return true;
        }
        return switch (t[i]) {
            case "accept", "drop", "return", "jump", "goto", "masquerade", "snat", "dnat", "redirect", "log", "reject",
                    "notrack", "comment", "dup" -> true;
            case "meta", "ct", "ip" -> i + 2 < t.length && t[i + 2].equals("set")
                    || i + 3 < t.length && t[i + 1].matches("original|reply") && t[i + 3].equals("set");
            default -> false;
        };
    }

    /**
     * The rule with each set update ({@code add|update|delete @set { ... }}, {@code meter NAME
     * [size N] { ... }}) and each lookup of a dynamic set ({@code ip saddr [!=] @set}) replaced
     * by one token naming its expression ({@link NftDynset}): {@code nft#K#PROTO} for an update,
     * {@code nftl#K#PROTO} for a lookup (PROTO: the protocol its key's ports need, or -).
     */
    static String[] dynamicSets(String[] t, String where, NftExprs ex) {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < t.length; i++) {
            String w = t[i];
            boolean update = List.of("add", "update", "delete").contains(w) && i + 2 < t.length && t[i + 1].startsWith("@")
                    && NftSets.isSet(t[i + 2]);
            boolean meter = w.equals("meter") && i + 2 < t.length;
            if (update || meter) {
                int body = i + 2;
                long size = 0;
                if (meter && t[body].equals("size") && body + 2 < t.length) {
                    if (!t[body + 1].matches("[0-9]{1,10}")) {
                        throw bad(where, "meter " + t[i + 1] + " size " + t[body + 1]);
                    }
                    size = Long.parseLong(t[body + 1]);
                    body += 2;
                }
                if (!NftSets.isSet(t[body])) {
                    throw bad(where, String.join(" ", List.of(t).subList(i, body + 1)));
                }
                String inner = t[body].substring(1, t[body].length() - 1).trim();
                List<String> in = List.of(inner.split("\\s+"));
                int kl = NftDynset.keyLength(in);
                if (kl == 0) {
                    throw bad(where, String.join(" ", in.subList(0, Math.min(2, in.size()))) + " (in a dynamic set's key)");
                }
                String[] proto = new String[1];
                DynSet set = update ? ex.dynsets.get(t[i + 1].substring(1)) : null;
                List<DynSet.Field> fields = NftDynset.fields(in.subList(0, kl), set, proto, where);
                String text = String.join(" ", List.of(t).subList(i, body)) + " { " + inner + " }"; // as nft lists it
                int op = w.equals("update") ? NftDynset.UPDATE : w.equals("delete") ? NftDynset.DELETE : NftDynset.ADD;
                long meterSize = size;
                String setName = t[i + 1];
                String key = where + "#dynset" + n++;
                String opt = ex.option(key, () -> {
                    DynSet s = set != null ? set
                            : new DynSet(setName, fields.stream().map(DynSet::type).toList(), meterSize, 0, false);
                    long[] timeout = new long[1];
                    List<dev.hairpin.rules.Match> exprs = statefulIn(in, kl, timeout, s, op, where);
                    return new NftDynset(s, op, fields, exprs, timeout[0], text);
                });
                out.add("nft#" + opt.substring(opt.lastIndexOf(' ') + 1) + "#" + (proto[0] == null ? "-" : proto[0]));
                i = body;
                continue;
            }
            if (w.startsWith("@") && ex.dynsets.containsKey(w.substring(1))) { // a lookup of a dynamic set
                DynSet set = ex.dynsets.get(w.substring(1));
                boolean neg = i > 0 && t[i - 1].equals("!=");
                int end = neg ? i - 1 : i;
                int[] groups = NftSets.concatGroups(t, end);
                int start = groups != null ? groups[0] : end >= 1 && List.of("iifname", "oifname", "iif", "oif").contains(t[end - 1]) ? end - 1 : end - 2;
                if (start < 0) {
                    throw bad(where, String.join(" ", List.of(t).subList(0, i + 1)));
                }
                String[] proto = new String[1];
                List<DynSet.Field> fields = NftDynset.fields(List.of(t).subList(start, end), set, proto, where);
                for (int k = start; k < i; k++) {
                    out.removeLast();
                }
                String text = String.join(" ", List.of(t).subList(start, i + 1));
                String opt = ex.option(where + "#lookup" + n++, () -> new NftDynset.Lookup(set, fields, neg, text));
                out.add("nftl#" + opt.substring(opt.lastIndexOf(' ') + 1) + "#" + (proto[0] == null ? "-" : proto[0]));
                continue;
            }
            out.add(w);
        }
        return out.toArray(String[]::new);
    }

    /** a set update's expressions after its key: {@code timeout T}, limits, ct counts, counters */
    private static List<dev.hairpin.rules.Match> statefulIn(List<String> in, int from, long[] timeout, DynSet set, int op,
            String where) {
        String[] a = in.toArray(String[]::new);
        List<dev.hairpin.rules.Match> out = new ArrayList<>();
        int j = from;
        int[] end = new int[1];
        while (j < a.length) {
            switch (a[j]) {
                case "timeout" -> {
                    if (!set.timeoutFlag) {
                        throw new NftRuleset.NftException(where + ": a timeout for set " + set.name + " without the timeout flag");
                    }
                    timeout[0] = DynSet.jiffies(NftDuration.ms(arg(a, j + 1, where), where));
                    j += 2;
                }
                case "limit" -> {
                    out.add(NftLimit.parse(a, j, end, where));
                    j = end[0];
                }
                case "ct" -> {
                    if (!arg(a, j + 1, where).equals("count")) {
                        throw bad(where, "ct " + a[j + 1] + " in a set update");
                    }
                    out.add(NftConnlimit.parse(a, j, end, where));
                    j = end[0];
                }
                case "counter" -> {
                    out.add(new NftCounter());
                    j += j + 1 < a.length && a[j + 1].equals("packets") ? 5 : 1;
                }
                default -> throw bad(where, a[j] + " in a set update");
            }
        }
        if (op == NftDynset.DELETE && (!out.isEmpty() || timeout[0] != 0)) {
            throw bad(where, "delete with expressions");
        }
        return out;
    }

    /** how many tokens {@code w} stand before {@code i}: the expression's ordinal in its rule */
    static int count(String[] t, int i, String w) {
        int n = 0;
        for (int k = 0; k < i; k++) {
            if (t[k].equals(w)) {
                n++;
            }
        }
        return n;
    }

    /** whether token {@code i} starts a match (not a statement, counter or comment) */
    private static boolean isMatchStart(String[] t, int i) {
        if (t[i].startsWith("nft#")) {
            return false; // a set update: a statement
        }
        return switch (t[i]) {
            case "counter", "comment", "accept", "drop", "return", "jump", "goto", "masquerade", "redirect", "snat", "dnat",
                    "log", "reject", "notrack", "dup", "limit", "add", "update", "meter", "tproxy", "quota" -> false;
            case "ct" -> !(i + 2 < t.length && t[i + 2].equals("set") || i + 1 < t.length && t[i + 1].equals("count")
                    || i + 2 < t.length && t[i + 1].equals("helper") && t[i + 2].equals("set")
                    || i + 3 < t.length && t[i + 1].matches("original|reply") && t[i + 3].equals("set"));
            case "meta", "ip" -> !(i + 2 < t.length && t[i + 2].equals("set")
                    || i + 3 < t.length && t[i + 1].matches("original|reply") && t[i + 3].equals("set"));
            default -> true;
        };
    }

    static boolean isRelational(String op) {
        return op.equals("<") || op.equals(">") || op.equals("<=") || op.equals(">=") || op.equals("==") || op.equals("!=");
    }

    /** an interface name: nft's trailing wildcard {@code eth*} is iptables' {@code eth+} (a prefix) */
    private static String ifname(String s) {
        return s.endsWith("*") && !s.endsWith("\\*") ? s.substring(0, s.length() - 1) + "+" : s;
    }

    /** a set of addresses or states as the comma list one iptables option takes */
    private static String list(String s) {
        return NftSets.isSet(s) ? String.join(",", NftSets.elements(s)) : s;
    }

    static String arg(String[] t, int i, String where) {
        if (i >= t.length) {
            throw new NftRuleset.NftException(where + ": a value is missing at the end of the rule");
        }
        return t[i];
    }

    static NftRuleset.NftException bad(String where, String what) {
        return new NftRuleset.NftException(where + ": nft expression `" + what + "` is not modelled");
    }
}
