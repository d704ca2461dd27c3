package dev.hairpin.rules.nft;

import java.util.List;

/**
 * nft statements and stateful expressions as the iptables targets and matches that do the same:
 * mark setting, NAT flags, log options, limit, tcp flags, ct status, mark masks.
 */
final class NftStatements {
    private NftStatements() {}

    /**
     * At {@code meta F ...} or {@code ct F ...} ({@code t[i]}, value at {@code v}): a mark mask
     * test (a match) or {@code F set ...} (a statement); returns the next token, -1 for neither.
     */
    static int markOrSet(String[] t, int i, int v, List<String> m, List<String> stmts, String where) {
        String f = t[i + 1];
        if (f.equals("mark") && NftRule.arg(t, i + 2, where).equals("&")) {
            return markMask(t[i].equals("ct") ? "connmark" : "mark", t, i, m, where);
        }
        if (NftRule.arg(t, v, where).equals("set")) {
            String self = selfOp(t[i], f, t, v + 1, where);
            if (self != null) {
                stmts.add(self);
                return v + 5;
            }
            stmts.add(setStatement(t[i], f, t, v + 1, where));
            return v + 2 + (isMarkRef(t, v + 1) ? 1 : 0);
        }
        return -1;
    }

    /** `meta mark & MASK ==|!= VALUE` (ext mark) or `ct mark & ...` (connmark) at {@code i}; returns the next token */
    private static int markMask(String ext, String[] t, int i, List<String> m, String where) {
        String op = NftRule.arg(t, i + 4, where);
        if (!op.equals("==") && !op.equals("!=")) {
            throw NftRule.bad(where, t[i] + " mark & " + t[i + 3] + " " + op);
        }
        m.add("-m " + ext + " " + (op.equals("!=") ? "! " : "") + "--mark " + NftRule.arg(t, i + 5, where) + "/" + t[i + 3]);
        return i + 6;
    }

    /**
     * `meta mark set meta mark | V` (or `^`, `&`; `ct mark` alike): what iptables-nft writes for
     * MARK / CONNMARK --or-mark, --xor-mark and --and-mark, the target's (mark & ~mask) ^ value
     * with value/mask V/V, V/0 and 0/~V. Null when the value is not the field itself with an operator.
     */
    private static String selfOp(String what, String f, String[] t, int v, String where) {
        if (!f.equals("mark") || v + 3 >= t.length || !t[v].equals(what) || !t[v + 1].equals("mark")
                || !List.of("|", "^", "&").contains(t[v + 2])) {
            return null;
        }
        String val = t[v + 3];
        if (!val.matches("0x[0-9a-fA-F]{1,8}|[0-9]+")) {
            throw NftRule.bad(where, what + " mark set " + what + " mark " + t[v + 2] + " " + val);
        }
        long x = Long.decode(val);
        String xmark = switch (t[v + 2]) {
            case "|" -> hex(x) + "/" + hex(x);
            case "^" -> hex(x) + "/0x0";
            default -> "0x0/" + hex(~x & 0xffffffffL);
        };
        return (what.equals("meta") ? "-j MARK" : "-j CONNMARK") + " --set-xmark " + xmark;
    }

    private static String hex(long x) {
        return "0x" + Long.toHexString(x);
    }

    /** `ct mark` or `meta mark` as a statement's value (two tokens) */
    private static boolean isMarkRef(String[] t, int v) {
        return v + 1 < t.length && (t[v].equals("ct") || t[v].equals("meta")) && t[v + 1].equals("mark");
    }

    /** `meta mark set V`, `meta mark set ct mark`, `ct mark set V`, `ct mark set meta mark` */
    static String setStatement(String what, String f, String[] t, int v, String where) {
        if (!f.equals("mark")) {
            throw NftRule.bad(where, what + " " + f + " set");
        }
        String val = NftRule.arg(t, v, where);
        boolean other = (val.equals("ct") || val.equals("meta")) && v + 1 < t.length && t[v + 1].equals("mark");
        if (what.equals("meta")) {
            if (other && val.equals("ct")) {
                return "-j CONNMARK --restore-mark";
            }
            if (other || !val.matches("(0x)?[0-9a-fA-F]+")) {
                throw NftRule.bad(where, "meta mark set " + val);
            }
            return "-j MARK --set-xmark " + val + "/0xffffffff";
        }
        if (other && val.equals("meta")) {
            return "-j CONNMARK --save-mark";
        }
        if (other || !val.matches("(0x)?[0-9a-fA-F]+")) {
            throw NftRule.bad(where, "ct mark set " + val);
        }
        return "-j CONNMARK --set-xmark " + val + "/0xffffffff";
    }

    /** `ct status` as the conntrack match has it: snat/dnat are --ctstate bits, the rest --ctstatus */
    static String ctStatus(String not, String val, String where) {
        boolean nat = false;
        boolean status = false;
        for (String s : val.split(",")) {
            switch (s) {
                case "snat", "dnat" -> nat = true;
                case "expected", "seen-reply", "assured", "confirmed" -> status = true;
                default -> throw NftRule.bad(where, "ct status " + s);
            }
        }
        if (nat && status) {
            throw NftRule.bad(where, "ct status " + val);
        }
        return "-m conntrack " + not + (nat ? "--ctstate " : "--ctstatus ") + val.toUpperCase().replace("SEEN-REPLY", "SEEN_REPLY");
    }

    /** `tcp flags A / B` (flags of B, those of A set) or `tcp flags == A`; returns the next token */
    static int tcpFlags(String[] t, int i, List<String> m, String where) {
        if (i < t.length && t[i].equals("&")) { // older nft's listing: `tcp flags & (fin | syn) == syn`
            int[] k = {i + 1};
            String mask = flagGroup(t, k, where);
            String op = NftRule.arg(t, k[0], where);
            if (!op.equals("==") && !op.equals("!=")) {
                throw NftRule.bad(where, "tcp flags & (" + mask + ") " + op);
            }
            k[0]++;
            String val = flagGroup(t, k, where);
            m.add("-m tcp " + (op.equals("!=") ? "! " : "") + "--tcp-flags " + mask.toUpperCase() + " "
                    + (val.equals("0") || val.equals("0x0") ? "NONE" : val.toUpperCase()));
            return k[0];
        }
        boolean neg = i < t.length && t[i].equals("!=");
        boolean eq = i < t.length && t[i].equals("==");
        int v = neg || eq ? i + 1 : i;
        String set = NftRule.arg(t, v, where);
        if (v + 2 < t.length && t[v + 1].equals("/")) {
            m.add("-m tcp " + (neg ? "! " : "") + "--tcp-flags " + t[v + 2].toUpperCase() + " " + set.toUpperCase());
            return v + 3;
        }
        if (eq || neg) {
            m.add("-m tcp " + (neg ? "! " : "") + "--tcp-flags ALL " + set.toUpperCase());
            return v + 1;
        }
        if (set.matches("[a-z]+")) { // one bare flag: any of one is all of one (flags & syn != 0)
            m.add("-m tcp --tcp-flags " + set.toUpperCase() + " " + set.toUpperCase());
            return v + 1;
        }
        throw NftRule.bad(where, "tcp flags " + set + " (a bare flag list tests any of them)");
    }

    /**
     * {@code ct [original|reply] zone set N} at {@code t[i]} ("ct"): nft_ct_set_zone_eval()
     * attaches a conntrack template with the zone (for the direction named, else both) to a
     * packet conntrack has not seen yet, as CT --zone[-orig|-reply] does ({@link NftRuleset}
     * takes it only before conntrack's hook). Returns the next token, -1 when it is not one.
     */
    static int zoneSet(String[] t, int i, List<String> stmts, String where) {
        int k = i + 1;
        String dir = "";
        if (k < t.length && (t[k].equals("original") || t[k].equals("reply"))) {
            dir = t[k].equals("original") ? "-orig" : "-reply";
            k++;
        }
        if (k + 1 >= t.length || !t[k].equals("zone") || !t[k + 1].equals("set")) {
            return -1;
        }
        String v = NftRule.arg(t, k + 2, where);
        if (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) > 65535) {
            throw NftRule.bad(where, String.join(" ", List.of(t).subList(i, k + 3)));
        }
        stmts.add("-j CT --zone" + dir + " " + v);
        return k + 3;
    }

    /** `(fin | syn | rst)` or `syn` from {@code k[0]} on, as a comma list; {@code k[0]} moves past it */
    private static String flagGroup(String[] t, int[] k, String where) {
        StringBuilder sb = new StringBuilder();
        boolean open = NftRule.arg(t, k[0], where).startsWith("(");
        while (true) {
            String w = NftRule.arg(t, k[0]++, where);
            boolean close = w.endsWith(")");
            w = w.replace("(", "").replace(")", "");
            if (!w.isEmpty() && !w.equals("|")) {
                if (!w.matches("fin|syn|rst|psh|ack|urg|0|0x0")) { // ecn, cwr: no --tcp-flags name for them
                    throw NftRule.bad(where, "tcp flags " + w);
                }
                sb.append(sb.isEmpty() ? "" : ",").append(w);
            }
            if (!open || close) {
                return sb.toString();
            }
        }
    }

    /** NAT flags, space- or comma-separated (`random,persistent`); returns the next token */
    static int natFlags(String[] t, int i, StringBuilder s, boolean persistent) {
        while (i < t.length && isNatFlags(t[i])) {
            for (String f : t[i].split(",")) {
                s.append(switch (f) {
                    case "random" -> " --random";
                    case "fully-random" -> " --random-fully";
                    default -> persistent ? " --persistent" : "";
                });
            }
            i++;
        }
        return i;
    }

    static boolean isNatFlags(String s) {
        for (String f : s.split(",")) {
            if (!(f.equals("random") || f.equals("fully-random") || f.equals("persistent"))) {
                return false;
            }
        }
        return true;
    }

    /** `log [prefix "p"] [level L] [flags F]`; returns the next token */
    static int logOptions(String[] t, int i, StringBuilder s, String where) {
        while (i + 1 < t.length) {
            switch (t[i]) {
                case "prefix" -> s.append(" --log-prefix \"").append(t[i + 1].replace("\"", "\\\"")).append('"');
                case "level" -> s.append(" --log-level ").append(switch (t[i + 1]) {
                    case "emerg" -> 0;
                    case "alert" -> 1;
                    case "crit" -> 2;
                    case "err" -> 3;
                    case "warn" -> 4;
                    case "notice" -> 5;
                    case "info" -> 6;
                    case "debug" -> 7;
                    default -> throw NftRule.bad(where, "log level " + t[i + 1]);
                });
                case "flags" -> {
                    if (!t[i + 1].equals("all")) {
                        throw NftRule.bad(where, "log flags " + t[i + 1]);
                    }
                    s.append(" --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode");
                }
                default -> {
                    return i;
                }
            }
            i += 2;
        }
        return i;
    }

    /**
     * `log group N [prefix P] [snaplen S] [queue-threshold Q]`: nft_log to nfnetlink_log, what
     * iptables-nft writes for NFLOG; returns the next token
     */
    static int nflogOptions(String[] t, int i, StringBuilder s, String where) {
        while (i + 1 < t.length) {
            switch (t[i]) {
                case "group" -> s.append(" --nflog-group ").append(t[i + 1]);
                case "prefix" -> s.append(" --nflog-prefix \"").append(t[i + 1].replace("\"", "\\\"")).append('"');
                case "snaplen" -> s.append(" --nflog-size ").append(t[i + 1]);
                case "queue-threshold" -> s.append(" --nflog-threshold ").append(t[i + 1]);
                case "level", "flags" -> throw NftRule.bad(where, "log " + t[i] + " with group");
                default -> {
                    return i;
                }
            }
            i += 2;
        }
        return i;
    }

    /**
     * `ip ttl set N` and `ip dscp set X`: the header field written with the header checksum
     * updated, as the TTL and DSCP targets write it (mangle's)
     */
    static String ipSet(String field, String v, String where) {
        if (field.equals("ttl")) {
            if (!v.matches("[0-9]{1,3}") || Integer.parseInt(v) > 255) {
                throw NftRule.bad(where, "ip ttl set " + v);
            }
            return "-j TTL --ttl-set " + v;
        }
        if (v.matches("(cs[0-7]|af[1-4][1-3]|ef)")) {
            return "-j DSCP --set-dscp-class " + v.toUpperCase();
        }
        if (v.matches("0x[0-9a-fA-F]{1,2}|[0-9]{1,2}")) {
            return "-j DSCP --set-dscp " + v;
        }
        throw NftRule.bad(where, "ip dscp set " + v);
    }
}
