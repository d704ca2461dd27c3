package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Chain;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.matches.TcpMatch;
import dev.hairpin.rules.matches.UdpMatch;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.ext.Xt;

/**
 * How iptables 1.8.9 (nf_tables) writes one rule: the {@code -A} line of iptables-save and
 * {@code -S} (nft_rule_print_save, save_ipv4_addr, save_rule_details, save_matches_and_target)
 * and the table row of {@code -L} (print_rule_details, print_ifaces, print_ipv4_addresses).
 */
public final class RuleFormat {
    private RuleFormat() {}

    /** counters as "[p:b] " before -A (iptables-save -c) */
    public static final int SAVE_COUNTERS_PREFIX = 1;
    /** counters as " -c p b" before the target (iptables -S -v) */
    public static final int SAVE_COUNTERS_C = 2;

    /** FMT_* flags of the -L printer */
    public static final int FMT_NUMERIC = 0x0001;
    public static final int FMT_NOCOUNTS = 0x0002;
    public static final int FMT_KILOMEGAGIGA = 0x0004;
    public static final int FMT_OPTIONS = 0x0008;
    public static final int FMT_NOTABLE = 0x0010;
    public static final int FMT_NOTARGET = 0x0020;
    public static final int FMT_VIA = 0x0040;
    public static final int FMT_NONEWLINE = 0x0080;
    public static final int FMT_LINENUMBERS = 0x0100;

    /** The save line of a rule (with a trailing newline). */
    public static void save(StringBuilder sb, String chain, Rule r, int counters) {
        if (counters == SAVE_COUNTERS_PREFIX) {
            sb.append('[').append(Long.toUnsignedString(r.counter().packets())).append(':')
                    .append(Long.toUnsignedString(r.counter().bytes())).append("] ");
        }
        sb.append("-A ").append(chain);
        IptIp ip = r.ip();
        saveAddr(sb, 's', ip.src(), ip.smsk(), ip.inverted(IptIp.INV_SRCIP));
        saveAddr(sb, 'd', ip.dst(), ip.dmsk(), ip.inverted(IptIp.INV_DSTIP));
        saveIface(sb, 'i', ip.iniface(), ip.inverted(IptIp.INV_VIA_IN));
        saveIface(sb, 'o', ip.outiface(), ip.inverted(IptIp.INV_VIA_OUT));
        if (ip.proto() > 0) {
            if (ip.inverted(IptIp.INV_PROTO)) {
                sb.append(" !");
            }
            String name = Xt.protoName(ip.proto(), false);
            sb.append(" -p ").append(name != null ? name : Integer.toString(ip.proto()));
        }
        if ((ip.flags() & IptIp.F_FRAG) != 0) {
            if (ip.inverted(IptIp.INV_FRAG)) {
                sb.append(" !");
            }
            sb.append(" -f");
        }
        for (Match m : listed(r.matches())) {
            sb.append(" -m ").append(m.name());
            m.save(sb);
        }
        if (counters == SAVE_COUNTERS_C) {
            sb.append(" -c ").append(Long.toUnsignedString(r.counter().packets())).append(' ')
                    .append(Long.toUnsignedString(r.counter().bytes()));
        }
        switch (r.kind()) {
            case NONE -> {
            }
            case TARGET -> {
                sb.append(" -j ").append(r.target().name());
                r.target().save(sb);
            }
            case GOTO -> sb.append(" -g ").append(r.chain());
            default -> sb.append(" -j ").append(r.targetName());
        }
        sb.append('\n');
    }

    private static void saveAddr(StringBuilder sb, char letter, int addr, int mask, boolean invert) {
        if (mask == 0 && !invert && addr == 0) {
            return;
        }
        sb.append(invert ? " !" : "").append(" -").append(letter).append(' ').append(Xt.ipToString(addr))
                .append('/').append(maskToStr(mask));
    }

    /** mask_to_str(): the prefix length, or the dotted mask when not contiguous */
    static String maskToStr(int mask) {
        int cidr = Xt.maskToCidr(mask);
        return cidr >= 0 ? Integer.toString(cidr) : Xt.ipToString(mask);
    }

    private static void saveIface(StringBuilder sb, char letter, String iface, boolean invert) {
        if (iface.isEmpty()) {
            return;
        }
        sb.append(invert ? " !" : "").append(" -").append(letter).append(' ').append(iface);
    }

    // ---------------------------------------------------------------- -L

    /** xtables_print_num() */
    static void num(StringBuilder sb, long n, int format) {
        boolean notable = (format & FMT_NOTABLE) != 0;
        if ((format & FMT_KILOMEGAGIGA) == 0) {
            pad(sb, Long.toUnsignedString(n), notable ? 0 : 8, false);
            sb.append(' ');
            return;
        }
        if (Long.compareUnsigned(n, 99999) <= 0) {
            pad(sb, Long.toUnsignedString(n), notable ? 0 : 5, false);
            sb.append(' ');
            return;
        }
        String[] suffix = {"K", "M", "G"};
        for (String s : suffix) {
            n = Long.divideUnsigned(n + 500, 1000);
            if (Long.compareUnsigned(n, 9999) <= 0) {
                pad(sb, Long.toUnsignedString(n), notable ? 0 : 4, false);
                sb.append(s).append(' ');
                return;
            }
        }
        n = Long.divideUnsigned(n + 500, 1000);
        pad(sb, Long.toUnsignedString(n), notable ? 0 : 4, false);
        sb.append("T ");
    }

    /** printf %Ns / %-Ns: the width counts bytes, so a name in UTF-8 gets fewer spaces (recorded) */
    static void pad(StringBuilder sb, String s, int width, boolean left) {
        if (left) {
            sb.append(s);
        }
        int bytes = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                break;
            }
        }
        for (int i = bytes; i < width; i++) {
            sb.append(' ');
        }
        if (!left) {
            sb.append(s);
        }
    }

    /** print_header() */
    public static void header(StringBuilder sb, int format, Chain c, int refs) {
        sb.append("Chain ").append(c.name());
        if (c.builtin()) {
            sb.append(" (policy ").append(c.policyName());
            if ((format & FMT_NOCOUNTS) == 0) {
                sb.append(' ');
                num(sb, c.policyCounter().packets(), format | FMT_NOTABLE);
                sb.append("packets, ");
                num(sb, c.policyCounter().bytes(), format | FMT_NOTABLE);
                sb.append("bytes");
            }
            sb.append(")\n");
        } else {
            sb.append(" (").append(refs).append(" references)\n");
        }
        if ((format & FMT_LINENUMBERS) != 0) {
            pad(sb, "num", 4, true);
            sb.append(' ');
        }
        if ((format & FMT_NOCOUNTS) == 0) {
            if ((format & FMT_KILOMEGAGIGA) != 0) {
                pad(sb, "pkts", 5, false);
                sb.append(' ');
                pad(sb, "bytes", 5, false);
                sb.append(' ');
            } else {
                pad(sb, "pkts", 8, false);
                sb.append(' ');
                pad(sb, "bytes", 10, false);
                sb.append(' ');
            }
        }
        if ((format & FMT_NOTARGET) == 0) {
            pad(sb, "target", 9, true);
            sb.append(' ');
        }
        sb.append(" prot ");
        if ((format & FMT_OPTIONS) != 0) {
            sb.append("opt");
        }
        if ((format & FMT_VIA) != 0) {
            sb.append(' ');
            pad(sb, "in", 6, true);
            sb.append(' ');
            pad(sb, "out", 6, true);
            sb.append(' ');
        }
        sb.append(' ');
        pad(sb, "source", 19, true);
        sb.append(' ');
        sb.append(' ');
        pad(sb, "destination", 19, true);
        sb.append(' ');
        sb.append('\n');
    }

    /** FMT_PRINT_RULE: how -v shows a rule it adds, deletes or checks */
    public static final int FMT_PRINT_RULE = FMT_NOCOUNTS | FMT_OPTIONS | FMT_VIA | FMT_NUMERIC | FMT_NOTABLE;

    /** nft_ipv4_print_rule(): a -L row, or with FMT_NOTABLE the one-line form -v prints. */
    public static void list(StringBuilder sb, int num, Rule r, int format) {
        IptIp ip = r.ip();
        boolean numeric = (format & FMT_NUMERIC) != 0;
        boolean notable = (format & FMT_NOTABLE) != 0;
        if ((format & FMT_LINENUMBERS) != 0) {
            pad(sb, Integer.toString(num), notable ? 0 : 4, true);
            sb.append(' ');
        }
        if ((format & FMT_NOCOUNTS) == 0) {
            num(sb, r.counter().packets(), format);
            num(sb, r.counter().bytes(), format);
        }
        if ((format & FMT_NOTARGET) == 0) {
            pad(sb, r.target() != null ? r.target().listName() : r.targetName(), notable ? 0 : 9, true);
            sb.append(' ');
        }
        sb.append(ip.inverted(IptIp.INV_PROTO) ? '!' : ' ');
        String pname = Xt.protoName(ip.proto(), numeric);
        if ((numeric && !notable) || pname == null) {
            pad(sb, Integer.toString(ip.proto()), notable ? 0 : 4, true);
        } else {
            pad(sb, pname, notable ? 0 : 4, true);
        }
        sb.append(' ');
        if ((format & FMT_OPTIONS) != 0) {
            if (notable) {
                sb.append("opt ");
            }
            sb.append(ip.inverted(IptIp.INV_FRAG) ? '!' : '-');
            sb.append((ip.flags() & IptIp.F_FRAG) != 0 ? 'f' : '-');
            sb.append(' ');
        }
        if ((format & FMT_VIA) != 0) {
            String any = numeric ? "*" : "any";
            String in = (ip.inverted(IptIp.INV_VIA_IN) ? "!" : "") + (ip.iniface().isEmpty() ? any : ip.iniface());
            String out = (ip.inverted(IptIp.INV_VIA_OUT) ? "!" : "") + (ip.outiface().isEmpty() ? any : ip.outiface());
            if (notable) {
                sb.append("in ").append(in).append(" out ").append(out).append(' ');
            } else {
                sb.append(' ');
                pad(sb, in, 6, true);
                sb.append(' ');
                pad(sb, out, 6, true);
                sb.append(' ');
            }
        }
        sb.append(ip.inverted(IptIp.INV_SRCIP) ? '!' : ' ');
        pad(sb, addr(ip.src(), ip.smsk(), numeric), notable ? 0 : 19, true);
        sb.append(' ');
        sb.append(ip.inverted(IptIp.INV_DSTIP) ? '!' : ' ');
        if (notable) {
            sb.append("-> ").append(addr(ip.dst(), ip.dmsk(), numeric));
            sb.append("  ");
        } else {
            pad(sb, addr(ip.dst(), ip.dmsk(), numeric), 19, true);
            sb.append(' ');
        }
        if (r.ip().isGoto()) {
            sb.append("[goto] ");
        }
        for (Match m : listed(r.matches())) {
            m.print(sb, numeric);
        }
        if (r.target() != null) {
            r.target().print(sb, numeric);
        }
        sb.append('\n');
    }

    /** ipv4_addr_to_string() */
    static String addr(int a, int mask, boolean numeric) {
        if (mask == 0 && !numeric) {
            return "anywhere";
        }
        return (numeric ? Xt.ipToString(a) : anyname(a)) + Xt.maskToNumeric(mask);
    }

    /**
     * xtables_ipaddr_to_anyname(): the host name (gethostbyaddr: /etc/hosts, as DNS answers
     * nothing here), else the network name (getnetbyaddr: Debian's /etc/networks), else numeric.
     */
    static String anyname(int a) {
        return switch (a) {
            case 0x7f000001 -> "localhost";
            case 0 -> "default";
            case 0x7f000000 -> "loopback";
            case 0xa9fe0000 -> "link-local";
            default -> Xt.ipToString(a);
        };
    }

    /**
     * The matches as iptables-nft lists them back from the kernel: the tcp (and udp) tests it
     * stored as native expressions come back as one match, at the place of the first, each later
     * test overriding an earlier one of the same field (recorded with iptables 1.8.9); a native
     * match whose tests all emitted nothing (a full port range) disappears.
     */
    static java.util.List<Match> listed(java.util.List<Match> ms) {
        int natives = 0;
        for (Match m : ms) {
            if ((m instanceof TcpMatch t && t.nftNative()) || (m instanceof UdpMatch u && u.nftNative())) {
                natives++;
            }
        }
        if (natives == 0) {
            return ms;
        }
        java.util.List<Match> out = new java.util.ArrayList<>(ms.size());
        int tcpAt = -1;
        int udpAt = -1;
        for (Match m : ms) {
            if (m instanceof TcpMatch t && t.nftNative()) {
                if (tcpAt < 0) {
                    tcpAt = out.size();
                    out.add(TcpMatch.NFT_EMPTY.nftOverlay(t));
                } else {
                    out.set(tcpAt, ((TcpMatch) out.get(tcpAt)).nftOverlay(t));
                }
            } else if (m instanceof UdpMatch u && u.nftNative()) {
                if (udpAt < 0) {
                    udpAt = out.size();
                    out.add(UdpMatch.NFT_EMPTY.nftOverlay(u));
                } else {
                    out.set(udpAt, ((UdpMatch) out.get(udpAt)).nftOverlay(u));
                }
            } else {
                out.add(m);
            }
        }
        // a native match whose tests all emitted nothing is not read back at all
        for (int at : new int[] {Math.max(tcpAt, udpAt), Math.min(tcpAt, udpAt)}) {
            if (at >= 0 && ((out.get(at) instanceof TcpMatch t && t.allZero())
                    || (out.get(at) instanceof UdpMatch u && u.allZero()))) {
                out.remove(at);
            }
        }
        return out;
    }
}
