package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * nft's {@code limit rate [over] N/unit [burst B packets|bytes]} (nft_limit.c): a token bucket in
 * nanoseconds, full when made. Packets cost {@code unit / rate} with room for {@code burst}
 * (default 5) of them; bytes cost {@code unit * len / rate} with room for
 * {@code unit * (rate + burst) / rate}. The bucket is spent the same way with {@code over}
 * (NFT_LIMIT_F_INV): the rule then goes on when it is empty, not when it had a token.
 */
public final class NftLimit implements NftStateful {
    private final long rate;
    private final long unitSeconds;
    private final long burst;
    private final boolean bytes;
    private final boolean invert;
    private final String text;
    private final long nsecs;
    private final long cost;
    private final long tokensMax;
    private long tokens;
    private long last = Long.MIN_VALUE;

    @Override
    public String text() {
        return text;
    }

    NftLimit(long rate, long unitSeconds, long burst, boolean bytes, boolean invert, String text) {
        this.rate = rate;
        this.unitSeconds = unitSeconds;
        this.bytes = bytes;
        this.invert = invert;
        this.text = text;
        this.nsecs = unitSeconds * 1_000_000_000L;
        this.burst = !bytes && burst == 0 ? 5 : burst; // NFT_LIMIT_PKT_BURST_DEFAULT
        this.cost = bytes ? 0 : Long.divideUnsigned(nsecs, rate);
        this.tokensMax = bytes ? Long.divideUnsigned(nsecs * (rate + this.burst), rate) : cost * this.burst;
        this.tokens = tokensMax;
    }

    /** a fresh bucket of the same limit: nft_limit_clone() for a new set element (full, now) */
    NftLimit copy() {
        return new NftLimit(rate, unitSeconds, burst, bytes, invert, text);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return eval(skb, par.services.nowNanos());
    }

    /** nft_limit_eval(): true when the rule goes on */
    synchronized boolean eval(Skb skb, long now) {
        long c = bytes ? Long.divideUnsigned(nsecs * skb.len, rate) : cost;
        if (last == Long.MIN_VALUE) {
            last = now;
        }
        long t = tokens + now - last;
        if (Long.compareUnsigned(t, tokensMax) > 0) {
            t = tokensMax;
        }
        last = now;
        long delta = t - c;
        if (delta >= 0) {
            tokens = delta;
            return !invert;
        }
        tokens = t;
        return invert;
    }

    /**
     * {@code limit rate [over] N/unit [burst B packets|bytes]} at {@code t[i]} ("limit"); returns
     * the limit, its last token at {@code end[0]}.
     */
    static NftLimit parse(String[] t, int i, int[] end, String where) {
        int k = i + 1;
        if (k >= t.length || !t[k].equals("rate")) {
            throw NftRule.bad(where, "limit " + (k < t.length ? t[k] : ""));
        }
        k++;
        boolean over = k < t.length && t[k].equals("over");
        if (over) {
            k++;
        }
        String r = NftRule.arg(t, k, where);
        // `N/unit` (packets) or `N [k|m]bytes/unit`
        long mult = 0;
        String unit;
        String num;
        if (r.contains("/")) {
            num = r.substring(0, r.indexOf('/'));
            unit = r.substring(r.indexOf('/') + 1);
        } else {
            num = r;
            String u = NftRule.arg(t, ++k, where);
            int s = u.indexOf('/');
            if (s < 0) {
                throw NftRule.bad(where, "limit rate " + r + " " + u);
            }
            mult = switch (u.substring(0, s)) {
                case "bytes" -> 1;
                case "kbytes" -> 1024;
                case "mbytes" -> 1024 * 1024;
                default -> throw NftRule.bad(where, "limit rate " + r + " " + u);
            };
            unit = u.substring(s + 1);
        }
        long secs = switch (unit) {
            case "second" -> 1;
            case "minute" -> 60;
            case "hour" -> 3600;
            case "day" -> 86400;
            case "week" -> 604800;
            default -> throw NftRule.bad(where, "limit rate " + r);
        };
        if (!num.matches("[0-9]{1,12}") || Long.parseLong(num) == 0) {
            throw NftRule.bad(where, "limit rate " + r);
        }
        long rate = Long.parseLong(num) * (mult == 0 ? 1 : mult);
        long burst = 0;
        k++;
        if (k + 2 < t.length && t[k].equals("burst")) {
            String b = t[k + 1];
            String bu = t[k + 2];
            long bm = switch (bu) {
                case "packets" -> mult == 0 ? 1 : -1;
                case "bytes" -> mult == 0 ? -1 : 1;
                case "kbytes" -> mult == 0 ? -1 : 1024;
                case "mbytes" -> mult == 0 ? -1 : 1024 * 1024;
                default -> -1;
            };
            if (bm < 0 || !b.matches("[0-9]{1,9}")) {
                throw NftRule.bad(where, "limit ... burst " + b + " " + bu);
            }
            burst = Long.parseLong(b) * bm;
            k += 3;
        }
        end[0] = k;
        return new NftLimit(rate, secs, burst, mult != 0, over, String.join(" ", java.util.List.of(t).subList(i, k)));
    }
}
