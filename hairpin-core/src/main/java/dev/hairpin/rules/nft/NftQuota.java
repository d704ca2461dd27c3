package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * nft's {@code quota [over] N unit [used M unit]} (nft_quota.c): every packet reaching it adds its
 * length to what was consumed; the rule goes on while the total is at most the quota (with
 * {@code over}: once it is past it). The listing shows {@code used} capped at the quota; a
 * listing's {@code used} is where counting resumes.
 */
final class NftQuota implements NftStateful {
    private final long quota;
    private final boolean invert;
    /** "quota [over] N unit" as listed, without used */
    private final String text;
    long consumed;

    @Override
    public String text() {
        return text;
    }

    NftQuota(long quota, boolean invert, long consumed, String text) {
        this.quota = quota;
        this.invert = invert;
        this.consumed = consumed;
        this.text = text;
    }

    @Override
    public synchronized boolean matches(Skb skb, XtParam par) {
        consumed += skb.len;
        return (consumed > quota) == invert;
    }

    /** the listing's form: nft prints `used` when something was consumed */
    synchronized String listed() {
        long used = Math.min(consumed, quota);
        return used == 0 ? text : text + " used " + NftQuota.bytes(used);
    }

    /** get_rate(): the largest unit the amount is a whole number of */
    static String bytes(long v) {
        String[] units = {"bytes", "kbytes", "mbytes", "gbytes"};
        int u = 0;
        while (u + 1 < units.length && v != 0 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + " " + units[u];
    }

    /** {@code quota [over] N unit [used M unit]} at {@code t[i]}; the next token at {@code end[0]} */
    static NftQuota parse(String[] t, int i, int[] end, String where) {
        int k = i + 1;
        boolean over = k < t.length && t[k].equals("over");
        if (over) {
            k++;
        }
        long q = amount(NftRule.arg(t, k, where), NftRule.arg(t, k + 1, where), where);
        String text = String.join(" ", java.util.List.of(t).subList(i, k + 2));
        k += 2;
        long used = 0;
        if (k < t.length && t[k].equals("used")) {
            used = amount(NftRule.arg(t, k + 1, where), NftRule.arg(t, k + 2, where), where);
            k += 3;
        }
        end[0] = k;
        return new NftQuota(q, over, used, text);
    }

    private static long amount(String n, String unit, String where) {
        long m = switch (unit) {
            case "bytes" -> 1;
            case "kbytes" -> 1024;
            case "mbytes" -> 1024 * 1024;
            case "gbytes" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (m < 0 || !n.matches("[0-9]{1,12}")) {
            throw NftRule.bad(where, "quota " + n + " " + unit);
        }
        return Long.parseLong(n) * m;
    }
}
