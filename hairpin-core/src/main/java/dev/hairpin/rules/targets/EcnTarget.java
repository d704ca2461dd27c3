package dev.hairpin.rules.targets;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.util.List;
import java.util.Set;

/**
 * {@code -j ECN} (ipt_ECN.c), mangle only: set the ECT codepoint and/or the TCP ECE and CWR
 * flags, fixing the IP and TCP checksums incrementally. {@code --ecn-tcp-remove} is ECE=0 CWR=0.
 */
public final class EcnTarget implements Target {
    /** IPT_ECN_OP_SET_IP / _ECE / _CWR */
    public static final int OP_IP = 0x01;
    public static final int OP_ECE = 0x10;
    public static final int OP_CWR = 0x20;

    private final int operation;
    private final int ipEct;
    private final int ece;
    private final int cwr;

    public EcnTarget(int operation, int ipEct, int ece, int cwr) {
        this.operation = operation;
        this.ipEct = ipEct;
        this.ece = ece;
        this.cwr = cwr;
    }

    @Override
    public String name() {
        return "ECN";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public String checkEntry(IptIp ip, List<Match> matches) {
        if ((operation & (OP_ECE | OP_CWR)) != 0 && (ip.proto() != 6 || ip.inverted(IptIp.INV_PROTO))) {
            return "cannot use operation on non-tcp rule";
        }
        return null;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        byte[] b = skb.buf;
        if ((operation & OP_IP) != 0) {
            int old = Ipv4.tos(b, skb.l3);
            if ((old & 3) != ipEct) {
                DscpTarget.setTos(skb, old, old & ~3 | ipEct);
            }
        }
        if ((operation & (OP_ECE | OP_CWR)) != 0 && Ipv4.protocol(b, skb.l3) == 6) {
            // skb_header_pointer(ip_hdrlen, sizeof tcphdr): too short is a drop
            int th = skb.l3 + Ipv4.ihlBytes(b, skb.l3);
            if (th + 20 > skb.l3 + skb.len) {
                return Verdict.NF_DROP;
            }
            int word = Ipv4.u16(b, th + 12);
            int flags = word & 0xff;
            int nf = flags;
            if ((operation & OP_ECE) != 0) {
                nf = nf & ~0x40 | ece << 6;
            }
            if ((operation & OP_CWR) != 0) {
                nf = nf & ~0x80 | cwr << 7;
            }
            if (nf != flags) {
                int nword = word & 0xff00 | nf;
                Ipv4.put16(b, th + 12, nword);
                Ipv4.put16(b, th + 16, TcpmssTarget.csumReplace2(Ipv4.u16(b, th + 16), word, nword));
            }
        }
        return Verdict.XT_CONTINUE;
    }

    private boolean remove() {
        return operation == (OP_ECE | OP_CWR) && ece == 0 && cwr == 0;
    }

    @Override
    public void save(StringBuilder sb) {
        if (remove()) {
            sb.append(" --ecn-tcp-remove");
            return;
        }
        if ((operation & OP_ECE) != 0) {
            sb.append(" --ecn-tcp-ece ").append(ece);
        }
        if ((operation & OP_CWR) != 0) {
            sb.append(" --ecn-tcp-cwr ").append(cwr);
        }
        if ((operation & OP_IP) != 0) {
            sb.append(" --ecn-ip-ect ").append(ipEct);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" ECN");
        if (remove()) {
            sb.append(" TCP remove");
            return;
        }
        if ((operation & OP_ECE) != 0) {
            sb.append(" ECE=").append(ece);
        }
        if ((operation & OP_CWR) != 0) {
            sb.append(" CWR=").append(cwr);
        }
        if ((operation & OP_IP) != 0) {
            sb.append(" ECT codepoint=").append(ipEct);
        }
    }

    /** libipt_ECN.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.flag("ecn-tcp-remove", 0).excl(0b110), Opt.arg("ecn-tcp-cwr", 1).excl(0b1),
            Opt.arg("ecn-tcp-ece", 2).excl(0b1), Opt.arg("ecn-ip-ect", 3),
        };
        private int operation;
        private int ipEct;
        private int ece;
        private int cwr;

        public Parser() {
            super("ECN");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    operation = OP_ECE | OP_CWR;
                    ece = 0;
                    cwr = 0;
                }
                case 1 -> {
                    operation |= OP_CWR;
                    cwr = (int) Xt.parseInt(extName, o.name(), arg, 0, 1);
                }
                case 2 -> {
                    operation |= OP_ECE;
                    ece = (int) Xt.parseInt(extName, o.name(), arg, 0, 1);
                }
                default -> {
                    operation |= OP_IP;
                    ipEct = (int) Xt.parseInt(extName, o.name(), arg, 0, 3);
                }
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("ECN target: An operation is required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new EcnTarget(operation, ipEct, ece, cwr);
        }
    }
}
