package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m udp} (xt_tcpudp.c udp_mt, libxt_udp.c): source/destination port ranges. */
public final class UdpMatch implements Match {
    public static final int INV_SRCPT = 0x01;
    public static final int INV_DSTPT = 0x02;

    private final int spt0;
    private final int spt1;
    private final int dpt0;
    private final int dpt1;
    private final int invflags;

    public UdpMatch(int spt0, int spt1, int dpt0, int dpt1, int invflags) {
        this.spt0 = spt0;
        this.spt1 = spt1;
        this.dpt0 = dpt0;
        this.dpt1 = dpt1;
        this.invflags = invflags;
    }

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public int proto() {
        return Ipv4.PROTO_UDP;
    }

    public boolean allZero() {
        return spt0 == 0 && spt1 == 0xffff && dpt0 == 0 && dpt1 == 0xffff && invflags == 0;
    }

    /** whether iptables-nft 1.8.9 turns this match into native payload expressions */
    @Override
    public boolean nftNative() {
        return !allZero();
    }

    /** as {@link TcpMatch#nftOverlay}: a later port test replaces an earlier one */
    public UdpMatch nftOverlay(UdpMatch later) {
        int[] p = Ports.nftOverlay(spt0, spt1, dpt0, dpt1, invflags, later.spt0, later.spt1, later.dpt0, later.dpt1, later.invflags);
        return new UdpMatch(p[0], p[1], p[2], p[3], p[4]);
    }

    /** the read-back match before any expression: nothing tested */
    public static final UdpMatch NFT_EMPTY = new UdpMatch(0, 0xffff, 0, 0xffff, 0);

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            return false;
        }
        if (!L4.has(skb, 8)) {
            par.hotdrop = true;
            return false;
        }
        return L4.portMatch(spt0, spt1, L4.sport(skb), (invflags & INV_SRCPT) != 0)
                && L4.portMatch(dpt0, dpt1, L4.dport(skb), (invflags & INV_DSTPT) != 0);
    }

    @Override
    public void save(StringBuilder sb) {
        Ports.save(sb, "sport", spt0, spt1, (invflags & INV_SRCPT) != 0);
        Ports.save(sb, "dport", dpt0, dpt1, (invflags & INV_DSTPT) != 0);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" udp");
        Ports.print(sb, "spt", spt0, spt1, (invflags & INV_SRCPT) != 0, numeric, "udp");
        Ports.print(sb, "dpt", dpt0, dpt1, (invflags & INV_DSTPT) != 0, numeric, "udp");
        if ((invflags & ~0x03) != 0) {
            sb.append(String.format(" Unknown invflags: 0x%X", invflags & ~0x03));
        }
    }

    /** libxt_udp.c: x6 options of type PORTRC. */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("source-port", 0, Opt.INVERT), Opt.arg("sport", 0, Opt.INVERT),
            Opt.arg("destination-port", 1, Opt.INVERT), Opt.arg("dport", 1, Opt.INVERT),
        };
        private int[] spts = {0, 0xffff};
        private int[] dpts = {0, 0xffff};
        private int inv;

        public Parser() {
            super("udp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            int[] r = Xt.parsePortRangeRc(extName, o.name(), arg);
            if (o.id() == 0) {
                spts = r;
                if (invert) {
                    inv |= INV_SRCPT;
                }
            } else {
                dpts = r;
                if (invert) {
                    inv |= INV_DSTPT;
                }
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new UdpMatch(spts[0], spts[1], dpts[0], dpts[1], inv);
        }
    }
}
