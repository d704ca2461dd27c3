package dev.hairpin.rules.nft;

import java.util.ArrayList;
import java.util.List;

/**
 * One nft rule (tokens) rewritten as the iptables options that build the same expressions:
 * {@code iifname "eth1" tcp dport 8080 dnat to 10.0.0.5:80} is
 * {@code -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80}.
 */
final class NftRule {
    private NftRule() {}

    static String toIptables(String[] t, String where) {
        List<String> ip = new ArrayList<>();
        List<String> m = new ArrayList<>();
        String proto = null;
        String target = null;
        int i = 0;
        while (i < t.length) {
            String w = t[i];
            boolean neg = i + 1 < t.length && t[i + 1].equals("!=");
            int v = neg ? i + 2 : i + 1;
            switch (w) {
                case "iifname", "iif" -> {
                    ip.add((neg ? "! " : "") + "-i " + arg(t, v, where));
                    i = v + 1;
                }
                case "oifname", "oif" -> {
                    ip.add((neg ? "! " : "") + "-o " + arg(t, v, where));
                    i = v + 1;
                }
                case "ip" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    v = neg ? i + 3 : i + 2;
                    switch (f) {
                        case "saddr" -> ip.add((neg ? "! " : "") + "-s " + arg(t, v, where));
                        case "daddr" -> ip.add((neg ? "! " : "") + "-d " + arg(t, v, where));
                        case "protocol" -> proto = (neg ? "! " : "") + arg(t, v, where);
                        default -> throw bad(where, "ip " + f);
                    }
                    i = v + 1;
                }
                case "meta" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    v = neg ? i + 3 : i + 2;
                    switch (f) {
                        case "l4proto" -> proto = (neg ? "! " : "") + arg(t, v, where);
                        case "mark" -> m.add("-m mark " + (neg ? "! " : "") + "--mark " + arg(t, v, where));
                        default -> throw bad(where, "meta " + f);
                    }
                    i = v + 1;
                }
                case "mark" -> {
                    m.add("-m mark " + (neg ? "! " : "") + "--mark " + arg(t, v, where));
                    i = v + 1;
                }
                case "tcp", "udp" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    v = neg ? i + 3 : i + 2;
                    if (proto == null) {
                        proto = w;
                    }
                    String val = arg(t, v, where);
                    String dir = switch (f) {
                        case "dport" -> "d";
                        case "sport" -> "s";
                        default -> throw bad(where, w + " " + f);
                    };
                    if (val.startsWith("{")) {
                        m.add("-m multiport " + (neg ? "! " : "") + "--" + dir + "ports "
                                + val.substring(1, val.length() - 1).replace('-', ':'));
                    } else {
                        m.add("-m " + w + " " + (neg ? "! " : "") + "--" + dir + "port " + val.replace('-', ':'));
                    }
                    i = v + 1;
                }
                case "icmp" -> {
                    if (!arg(t, i + 1, where).equals("type")) {
                        throw bad(where, "icmp " + t[i + 1]);
                    }
                    proto = "icmp";
                    m.add("-m icmp " + (neg ? "! " : "") + "--icmp-type " + arg(t, neg ? i + 3 : i + 2, where));
                    i = (neg ? i + 3 : i + 2) + 1;
                }
                case "ct" -> {
                    String f = arg(t, i + 1, where);
                    neg = i + 2 < t.length && t[i + 2].equals("!=");
                    v = neg ? i + 3 : i + 2;
                    String val = strip(arg(t, v, where)).toUpperCase();
                    switch (f) {
                        case "state" -> m.add("-m conntrack " + (neg ? "! " : "") + "--ctstate " + val);
                        case "status" -> m.add("-m conntrack " + (neg ? "! " : "") + "--ctstate " + val);
                        default -> throw bad(where, "ct " + f);
                    }
                    i = v + 1;
                }
                case "counter" -> {
                    i++;
                    if (i + 3 < t.length + 1 && i < t.length && t[i].equals("packets")) {
                        i += 4; // counter packets N bytes M
                    }
                }
                case "comment" -> i += 2;
                case "accept", "drop", "return" -> {
                    target = "-j " + w.toUpperCase();
                    i++;
                }
                case "jump", "goto" -> {
                    target = (w.equals("jump") ? "-j " : "-g ") + arg(t, i + 1, where);
                    i += 2;
                }
                case "masquerade" -> {
                    StringBuilder s = new StringBuilder("-j MASQUERADE");
                    i++;
                    while (i < t.length && isNatFlag(t[i])) {
                        s.append(natFlag(t[i]));
                        i++;
                    }
                    if (i + 1 < t.length && t[i].equals("to")) {
                        s.append(" --to-ports ").append(t[i + 1].replaceFirst("^:", ""));
                        i += 2;
                    }
                    target = s.toString();
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
                    i = k + 2;
                    while (i < t.length && isNatFlag(t[i])) {
                        s.append(natFlag(t[i]));
                        i++;
                    }
                    target = s.toString();
                }
                case "redirect" -> {
                    StringBuilder s = new StringBuilder("-j REDIRECT");
                    i++;
                    if (i + 1 < t.length && t[i].equals("to")) {
                        s.append(" --to-ports ").append(t[i + 1].replaceFirst("^:", ""));
                        i += 2;
                    }
                    target = s.toString();
                }
                case "log" -> {
                    StringBuilder s = new StringBuilder("-j LOG");
                    i++;
                    if (i + 1 < t.length && t[i].equals("prefix")) {
                        s.append(" --log-prefix ").append(t[i + 1].replace(' ', '_'));
                        i += 2;
                    }
                    target = s.toString();
                }
                case "reject" -> {
                    target = "-j REJECT";
                    i++;
                    if (i + 2 < t.length && t[i].equals("with") && t[i + 1].equals("tcp")) {
                        target = "-j REJECT --reject-with tcp-reset";
                        i += 3;
                    }
                }
                case "notrack" -> {
                    target = "-j CT --notrack";
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
        if (target != null) {
            out.append(target);
        }
        return out.toString().trim();
    }

    private static boolean isNatFlag(String s) {
        return s.equals("random") || s.equals("fully-random") || s.equals("persistent");
    }

    private static String natFlag(String s) {
        return switch (s) {
            case "random" -> " --random";
            case "fully-random" -> " --random-fully";
            default -> " --persistent";
        };
    }

    private static String strip(String s) {
        return s.startsWith("{") ? s.substring(1, s.length() - 1) : s;
    }

    private static String arg(String[] t, int i, String where) {
        if (i >= t.length) {
            throw new NftRuleset.NftException(where + ": a value is missing at the end of the rule");
        }
        return t[i];
    }

    private static NftRuleset.NftException bad(String where, String what) {
        return new NftRuleset.NftException(where + ": nft expression `" + what + "` is not modelled");
    }
}
