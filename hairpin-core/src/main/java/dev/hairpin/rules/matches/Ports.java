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
