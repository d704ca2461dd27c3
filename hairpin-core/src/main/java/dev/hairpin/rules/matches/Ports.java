package dev.hairpin.rules.matches;

import dev.hairpin.rules.ext.Xt;

/** The " spt:22" / " dpts:1024:65535" text tcp and udp print in -L. */
final class Ports {
    private Ports() {}

    /**
     * A port test as iptables-nft 1.8.9 reads it back: an inverted range from 0 is stored as
     * "port > hi" and comes back as the range above it, not inverted ({@code ! 0:1023} is
     * 1024:65535; {@code ! 0:65535} tests nothing); {lo, hi, inverted 0/1} (recorded).
     */
    static int[] nftReadBack(int lo, int hi, boolean invert) {
        if (invert && lo == 0 && hi != 0) {
            return hi == 0xffff ? new int[] {0, 0xffff, 0} : new int[] {hi + 1, 0xffff, 0};
        }
        return new int[] {lo, hi, invert ? 1 : 0};
    }

    /** xt_tcp's and xt_udp's invflags bits for the port tests (the same values in both) */
    static final int INV_SRCPT = 0x01;
    static final int INV_DSTPT = 0x02;

    /**
     * The ports {@code {spt0, spt1, dpt0, dpt1, invflags}} iptables-nft reads back when a later
     * port test of the same rule ({@code l*}) follows an earlier one: the later replaces the
     * earlier, negations accumulate, a full range emits nothing ({@link #nftReadBack}).
     */
    static int[] nftOverlay(int s0, int s1, int d0, int d1, int inv, int ls0, int ls1, int ld0, int ld1, int linv) {
        int[] sp = nftReadBack(ls0, ls1, (linv & INV_SRCPT) != 0);
        int[] dp = nftReadBack(ld0, ld1, (linv & INV_DSTPT) != 0);
        if (sp[0] != 0 || sp[1] != 0xffff) {
            s0 = sp[0];
            s1 = sp[1];
            inv |= sp[2] != 0 ? INV_SRCPT : 0;
        }
        if (dp[0] != 0 || dp[1] != 0xffff) {
            d0 = dp[0];
            d1 = dp[1];
            inv |= dp[2] != 0 ? INV_DSTPT : 0;
        }
        return new int[] {s0, s1, d0, d1, inv};
    }

    static void print(StringBuilder sb, String name, int min, int max, boolean invert, boolean numeric, String proto) {
        if (min == 0 && max == 0xffff && !invert) {
            return;
        }
        sb.append(' ').append(name);
        String inv = invert ? "!" : "";
        if (min == max) {
            sb.append(':').append(inv);
            port(sb, min, numeric, proto);
        } else {
            sb.append("s:").append(inv);
            port(sb, min, numeric, proto);
            sb.append(':');
            port(sb, max, numeric, proto);
        }
    }

    static void port(StringBuilder sb, int port, boolean numeric, String proto) {
        String s = numeric ? null : Xt.portToService(port, proto);
        sb.append(s != null ? s : Integer.toString(port));
    }

    /** " --sport 22" / " ! --dport 1:2" as tcp/udp save them */
    static void save(StringBuilder sb, String opt, int min, int max, boolean invert) {
        if (min == 0 && max == 0xffff) {
            return;
        }
        if (invert) {
            sb.append(" !");
        }
        sb.append(" --").append(opt).append(' ').append(min);
        if (min != max) {
            sb.append(':').append(max);
        }
    }
}
