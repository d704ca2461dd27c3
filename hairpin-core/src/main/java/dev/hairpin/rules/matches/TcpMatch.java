package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m tcp} (xt_tcpudp.c tcp_mt, libxt_tcp.c): port ranges, flags under a mask, an option
 * kind present in the header. Fragments never match, and a fragment at offset 1 (which could
 * overwrite the flags) is dropped outright, as is a header cut short.
 */
public final class TcpMatch implements Match {
    public static final int INV_SRCPT = 0x01;
    public static final int INV_DSTPT = 0x02;
    public static final int INV_FLAGS = 0x04;
    public static final int INV_OPTION = 0x08;

    private static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ALL", "NONE"};
    private static final int[] FLAG_BITS = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x3f, 0};

    private final int spt0;
    private final int spt1;
    private final int dpt0;
    private final int dpt1;
    private final int option;
    private final int flgMask;
    private final int flgCmp;
    private final int invflags;

    public TcpMatch(int spt0, int spt1, int dpt0, int dpt1, int option, int flgMask, int flgCmp, int invflags) {
        this.spt0 = spt0;
        this.spt1 = spt1;
        this.dpt0 = dpt0;
        this.dpt1 = dpt1;
        this.option = option;
        this.flgMask = flgMask;
        this.flgCmp = flgCmp;
        this.invflags = invflags;
    }

    @Override
    public String name() {
        return "tcp";
    }

    /** xt_tcp: only valid with -p tcp */
    @Override
    public int proto() {
        return Ipv4.PROTO_TCP;
    }

    /** true when nothing is tested (iptables-nft keeps such a match as an xt match) */
    public boolean allZero() {
        return spt0 == 0 && spt1 == 0xffff && dpt0 == 0 && dpt1 == 0xffff && option == 0 && flgMask == 0
                && flgCmp == 0 && invflags == 0;
    }

    /**
     * Whether iptables-nft 1.8.9 turns this match into native payload expressions (ports and
     * flags; an option test, or a match testing nothing, stays an xt match).
     */
    @Override
    public boolean nftNative() {
        return option == 0 && (invflags & INV_OPTION) == 0 && !allZero();
    }

    /**
     * What iptables-nft reads back after {@code later}'s expressions follow this one's in the
     * same rule: every native tcp test of a rule lands in one match, a later port or flags test
     * replacing an earlier one, negations accumulating; a full port range emits nothing.
     */
    public TcpMatch nftOverlay(TcpMatch later) {
        int[] p = Ports.nftOverlay(spt0, spt1, dpt0, dpt1, invflags, later.spt0, later.spt1, later.dpt0, later.dpt1, later.invflags);
        int fm = flgMask;
        int fc = flgCmp;
        int inv = p[4];
        if (later.flgMask != 0) {
            fm = later.flgMask;
            fc = later.flgCmp;
            inv |= later.invflags & INV_FLAGS;
        }
        return new TcpMatch(p[0], p[1], p[2], p[3], 0, fm, fc, inv);
    }

    /** the read-back match before any expression: nothing tested */
    public static final TcpMatch NFT_EMPTY = new TcpMatch(0, 0xffff, 0, 0xffff, 0, 0, 0, 0);

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            if (L4.fragoff(skb) == 1) {
                par.hotdrop = true;
            }
            return false;
        }
        if (!L4.has(skb, 20)) {
            par.hotdrop = true;
            return false;
        }
        if (!L4.portMatch(spt0, spt1, L4.sport(skb), (invflags & INV_SRCPT) != 0)) {
            return false;
        }
        if (!L4.portMatch(dpt0, dpt1, L4.dport(skb), (invflags & INV_DSTPT) != 0)) {
            return false;
        }
        if (((L4.u8(skb, 13) & flgMask) == flgCmp) == ((invflags & INV_FLAGS) != 0)) {
            return false;
        }
        if (option != 0) {
            int doff = (L4.u8(skb, 12) >> 4) * 4;
            if (doff < 20) {
                par.hotdrop = true;
                return false;
            }
            return findOption(skb, doff - 20, par);
        }
        return true;
    }

    /** tcp_find_option(): walks the options for the kind, XOR the inversion */
    private boolean findOption(Skb skb, int optlen, XtParam par) {
        boolean invert = (invflags & INV_OPTION) != 0;
        if (optlen == 0) {
            return invert;
        }
        if (!L4.has(skb, 20 + optlen)) {
            par.hotdrop = true;
            return false;
        }
        int base = skb.l4 + 20;
        for (int i = 0; i < optlen; ) {
            int kind = skb.buf[base + i] & 0xff;
            if (kind == option) {
                return !invert;
            }
            if (kind < 2) {
                i++;
            } else {
                int l = i + 1 < optlen ? skb.buf[base + i + 1] & 0xff : 0;
                i += l == 0 ? 1 : l;
            }
        }
        return invert;
    }

    @Override
    public void save(StringBuilder sb) {
        Ports.save(sb, "sport", spt0, spt1, (invflags & INV_SRCPT) != 0);
        Ports.save(sb, "dport", dpt0, dpt1, (invflags & INV_DSTPT) != 0);
        if (option != 0 || (invflags & INV_OPTION) != 0) {
            if ((invflags & INV_OPTION) != 0) {
                sb.append(" !");
            }
            sb.append(" --tcp-option ").append(option);
        }
        if (flgMask != 0 || (invflags & INV_FLAGS) != 0) {
            if ((invflags & INV_FLAGS) != 0) {
                sb.append(" !");
            }
            sb.append(" --tcp-flags ");
            flags(sb, flgMask);
            sb.append(' ');
            flags(sb, flgCmp);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" tcp");
        Ports.print(sb, "spt", spt0, spt1, (invflags & INV_SRCPT) != 0, numeric, "tcp");
        Ports.print(sb, "dpt", dpt0, dpt1, (invflags & INV_DSTPT) != 0, numeric, "tcp");
        if (option != 0 || (invflags & INV_OPTION) != 0) {
            sb.append(" option=").append((invflags & INV_OPTION) != 0 ? "!" : "").append(option);
        }
        if (flgMask != 0 || (invflags & INV_FLAGS) != 0) {
            sb.append(" flags:").append((invflags & INV_FLAGS) != 0 ? "!" : "");
            if (numeric) {
                sb.append(String.format("0x%02X/0x%02X", flgMask, flgCmp));
            } else {
                flags(sb, flgMask);
                sb.append('/');
                flags(sb, flgCmp);
            }
        }
        if ((invflags & ~0x0f) != 0) {
            sb.append(String.format(" Unknown invflags: 0x%X", invflags & ~0x0f));
        }
    }

    /** print_tcpf(): names in table order, ALL when all six, NONE when none */
    private static void flags(StringBuilder sb, int flags) {
        boolean have = false;
        while (flags != 0) {
            int i = 0;
            while ((flags & FLAG_BITS[i]) == 0) {
                i++;
            }
            if (have) {
                sb.append(',');
            }
            sb.append(FLAG_NAMES[i]);
            have = true;
            flags &= ~FLAG_BITS[i];
        }
        if (!have) {
            sb.append("NONE");
        }
    }

    /** libxt_tcp.c: old option API, so its own "Only one ..." messages. */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("source-port", 1), Opt.arg("sport", 1), Opt.arg("destination-port", 2), Opt.arg("dport", 2),
            Opt.flag("syn", 3), Opt.arg("tcp-flags", 4), Opt.arg("tcp-option", 5),
        };
        private int[] spts = {0, 0xffff};
        private int[] dpts = {0, 0xffff};
        private int option;
        private int flgMask;
        private int flgCmp;
        private int inv;

        public Parser() {
            super("tcp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected boolean x6() {
            return false;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 1 -> {
                    if (seen(1)) {
                        throw XtError.param("Only one `--source-port' allowed");
                    }
                    spts = ports(arg);
                    if (invert) {
                        inv |= INV_SRCPT;
                    }
                }
                case 2 -> {
                    if (seen(2)) {
                        throw XtError.param("Only one `--destination-port' allowed");
                    }
                    dpts = ports(arg);
                    if (invert) {
                        inv |= INV_DSTPT;
                    }
                }
                case 3 -> {
                    if (seen(3) || seen(4)) {
                        throw XtError.param("Only one of `--syn' or `--tcp-flags'  allowed");
                    }
                    flags("SYN,RST,ACK,FIN", "SYN", invert);
                }
                case 4 -> {
                    if (seen(3) || seen(4)) {
                        throw XtError.param("Only one of `--syn' or `--tcp-flags'  allowed");
                    }
                    String cmp = ctx.peekArg();
                    if (cmp == null || cmp.startsWith("-") || cmp.startsWith("!")) {
                        throw XtError.param("--tcp-flags requires two args.");
                    }
                    flags(arg, cmp, invert);
                    ctx.skipArg();
                }
                case 5 -> {
                    if (seen(5)) {
                        throw XtError.param("Only one `--tcp-option' allowed");
                    }
                    long v = Xt.strtoui(arg, 1, 255);
                    if (v < 0) {
                        throw XtError.param("Bad TCP option \"" + arg + "\"");
                    }
                    option = (int) v;
                    if (invert) {
                        inv |= INV_OPTION;
                    }
                }
                default -> throw new IllegalStateException();
            }
            // --syn and --tcp-flags share one flag bit in libxt_tcp
            if (o.id() == 3) {
                xflags |= 1 << 4;
            } else if (o.id() == 4) {
                xflags |= 1 << 3;
            }
        }

        private void flags(String mask, String cmp, boolean invert) {
            flgMask = parseFlags(mask);
            flgCmp = parseFlags(cmp);
            if (invert) {
                inv |= INV_FLAGS;
            }
        }

        private static int parseFlags(String s) {
            int r = 0;
            for (String tok : s.split(",")) {
                if (tok.isEmpty()) {
                    continue;
                }
                int i = 0;
                while (i < FLAG_NAMES.length && !FLAG_NAMES[i].equalsIgnoreCase(tok)) {
                    i++;
                }
                if (i == FLAG_NAMES.length) {
                    throw XtError.param("Unknown TCP flag `" + tok + "'");
                }
                r |= FLAG_BITS[i];
            }
            return r;
        }

        /** parse_tcp_ports(): "p", "a:b", ":b", "a:" */
        static int[] ports(String s) {
            int colon = s.indexOf(':');
            if (colon < 0) {
                int p = Xt.parsePort(s, "tcp");
                return new int[] {p, p};
            }
            String a = s.substring(0, colon);
            String b = s.substring(colon + 1);
            int lo = a.isEmpty() ? 0 : Xt.parsePort(a, "tcp");
            int hi = b.isEmpty() ? 0xffff : Xt.parsePort(b, "tcp");
            if (lo > hi) {
                throw XtError.param("invalid portrange (min > max)");
            }
            return new int[] {lo, hi};
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new TcpMatch(spts[0], spts[1], dpts[0], dpts[1], option, flgMask, flgCmp, inv);
        }
    }
}
