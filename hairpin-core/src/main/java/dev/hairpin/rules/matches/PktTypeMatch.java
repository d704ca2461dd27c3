package dev.hairpin.rules.matches;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m pkttype} (xt_pkttype.c): the link-layer class of the packet, which the kernel sets from
 * the Ethernet destination when the frame arrives (PACKET_HOST / BROADCAST / MULTICAST /
 * OTHERHOST); locally generated packets are PACKET_HOST.
 */
public final class PktTypeMatch implements Match {
    public static final int HOST = 0;
    public static final int BROADCAST = 1;
    public static final int MULTICAST = 2;
    public static final int OTHERHOST = 3;

    private static final String[] NAMES = {"unicast", "broadcast", "multicast", "otherhost", "bcast", "mcast", "host"};
    private static final int[] TYPES = {HOST, BROADCAST, MULTICAST, OTHERHOST, BROADCAST, MULTICAST, HOST};

    private final int pkttype;
    private final boolean invert;

    public PktTypeMatch(int pkttype, boolean invert) {
        this.pkttype = pkttype;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "pkttype";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return (typeOf(skb) == pkttype) ^ invert;
    }

    /** skb->pkt_type as eth_type_trans() sets it */
    static int typeOf(Skb skb) {
        NetDevice dev = skb.in;
        if (dev == null || skb.macLen < 6) {
            return HOST;
        }
        byte[] b = skb.buf;
        int d = skb.mac;
        if ((b[d] & 1) != 0) {
            boolean bcast = true;
            for (int i = 0; i < 6; i++) {
                bcast &= b[d + i] == (byte) 0xff;
            }
            return bcast ? BROADCAST : MULTICAST;
        }
        if (dev.mac != null && dev.mac.length == 6) {
            for (int i = 0; i < 6; i++) {
                if (b[d + i] != dev.mac[i]) {
                    return OTHERHOST;
                }
            }
        }
        return HOST;
    }

    private String typeName() {
        for (int i = 0; i < NAMES.length; i++) {
            if (TYPES[i] == pkttype) {
                return NAMES[i];
            }
        }
        return Integer.toString(pkttype);
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --pkt-type ").append(typeName());
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" PKTTYPE ").append(invert ? "!" : "").append("= ").append(typeName());
    }

    /** libxt_pkttype.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("pkt-type", 0, Opt.MAND | Opt.INVERT)};
        private int type;
        private boolean invert;

        public Parser() {
            super("pkttype");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equalsIgnoreCase(arg)) {
                    type = TYPES[i];
                    invert |= inv;
                    return;
                }
            }
            throw XtError.param("Bad packet type '" + arg + "'");
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new PktTypeMatch(type, invert);
        }
    }
}
