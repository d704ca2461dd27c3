package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m ecn} (xt_ecn.c): the TCP ECE / CWR flags and the ECT codepoint (low two TOS bits),
 * each optionally inverted.
 */
public final class EcnMatch implements Match {
    /** XT_ECN_OP_MATCH_IP / _ECE / _CWR */
    public static final int OP_IP = 0x01;
    public static final int OP_ECE = 0x10;
    public static final int OP_CWR = 0x20;

    private static final int TCP_ECE = 0x40;
    private static final int TCP_CWR = 0x80;

    private final int operation;
    private final int invert;
    private final int ipEct;

    public EcnMatch(int operation, int invert, int ipEct) {
        this.operation = operation;
        this.invert = invert;
        this.ipEct = ipEct;
    }

    @Override
    public String name() {
        return "ecn";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if ((operation & OP_IP) != 0
                && ((Ipv4.tos(skb.buf, skb.l3) & 3) == ipEct) == ((invert & OP_IP) != 0)) {
            return false;
        }
        if ((operation & (OP_ECE | OP_CWR)) == 0) {
            return true;
        }
        // the tcp header must be there (skb_header_pointer of 20 bytes)
        if (!L4.has(skb, 20)) {
            return false;
        }
        int flags = L4.u8(skb, 13);
        return bit(flags, TCP_ECE, OP_ECE) && bit(flags, TCP_CWR, OP_CWR);
    }

    private boolean bit(int flags, int tcpBit, int op) {
        if ((operation & op) == 0) {
            return true;
        }
        return ((flags & tcpBit) != 0) != ((invert & op) != 0);
    }

    @Override
    public String checkEntry(IptIp ip) {
        if ((operation & (OP_ECE | OP_CWR)) != 0 && (ip.proto() != 6 || ip.inverted(IptIp.INV_PROTO))) {
            return "cannot match TCP bits for non-tcp packets";
        }
        return null;
    }

    @Override
    public void save(StringBuilder sb) {
        if ((operation & OP_ECE) != 0) {
            sb.append((invert & OP_ECE) != 0 ? " !" : "").append(" --ecn-tcp-ece");
        }
        if ((operation & OP_CWR) != 0) {
            sb.append((invert & OP_CWR) != 0 ? " !" : "").append(" --ecn-tcp-cwr");
        }
        if ((operation & OP_IP) != 0) {
            sb.append((invert & OP_IP) != 0 ? " !" : "").append(" --ecn-ip-ect ").append(ipEct);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" ECN match");
        if ((operation & OP_ECE) != 0) {
            sb.append(' ').append((invert & OP_ECE) != 0 ? "!" : "").append("ECE");
        }
        if ((operation & OP_CWR) != 0) {
            sb.append(' ').append((invert & OP_CWR) != 0 ? "!" : "").append("CWR");
        }
        if ((operation & OP_IP) != 0) {
            sb.append(' ').append((invert & OP_IP) != 0 ? "!" : "").append("ECT=").append(ipEct);
        }
    }

    /** libxt_ecn.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.flag("ecn-tcp-cwr", 0, Opt.INVERT), Opt.flag("ecn-tcp-ece", 1, Opt.INVERT),
            Opt.arg("ecn-ip-ect", 2, Opt.INVERT),
        };
        private int operation;
        private int invert;
        private int ipEct;

        public Parser() {
            super("ecn");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            int op = switch (o.id()) {
                case 0 -> OP_CWR;
                case 1 -> OP_ECE;
                default -> {
                    ipEct = (int) Xt.parseInt(extName, o.name(), arg, 0, 3);
                    yield OP_IP;
                }
            };
            operation |= op;
            if (inv) {
                invert |= op;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("ECN match: some option required");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new EcnMatch(operation, invert, ipEct);
        }
    }
}
