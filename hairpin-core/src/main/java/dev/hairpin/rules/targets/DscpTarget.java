package dev.hairpin.rules.targets;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.matches.DscpMatch;

import java.util.Set;

/** {@code -j DSCP} (xt_DSCP.c): rewrites the six DSCP bits of the TOS byte. mangle only. */
public final class DscpTarget implements Target {
    private final int dscp;

    public DscpTarget(int dscp) {
        this.dscp = dscp;
    }

    @Override
    public String name() {
        return "DSCP";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int old = Ipv4.tos(skb.buf, skb.l3);
        if ((old >> 2) != dscp) {
            setTos(skb, old, (old & 0x03) | dscp << 2);
        }
        return Verdict.XT_CONTINUE;
    }

    /** ipv4_change_dsfield(): new TOS byte with the header checksum updated */
    static void setTos(Skb skb, int old, int now) {
        byte[] b = skb.buf;
        int word = Ipv4.u16(b, skb.l3);
        b[skb.l3 + Ipv4.TOS] = (byte) now;
        int nword = Ipv4.u16(b, skb.l3);
        Ipv4.put16(b, skb.l3 + Ipv4.CHECK, TcpmssTarget.csumReplace2(Ipv4.check(b, skb.l3), word, nword));
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(String.format(" --set-dscp 0x%02x", dscp));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" DSCP set");
        sb.append(String.format(" 0x%02x", dscp));
    }

    /** libxt_DSCP.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("set-dscp", 0).excl(1 << 1), Opt.arg("set-dscp-class", 1).excl(1)};
        private int dscp;

        public Parser() {
            super("DSCP");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            dscp = o.id() == 0 ? (int) Xt.parseInt(extName, o.name(), arg, 0, 0x3f) : DscpMatch.classToDscp(arg);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw dev.hairpin.rules.ext.XtError.param("DSCP target: Parameter --set-dscp is required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new DscpTarget(dscp);
        }
    }
}
