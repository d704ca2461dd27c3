package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -j TCPMSS} (xt_TCPMSS.c): lowers the MSS option of a SYN to a fixed value or to the path
 * MTU minus 40 (the smaller of the output and input device MTUs here), never raising it, with an
 * incremental checksum update. A SYN without an MSS option and without payload gets one (536 at
 * most, RFC 879) when the buffer has room for it.
 */
public final class TcpmssTarget implements Target {
    public static final int CLAMP_PMTU = 0xffff;

    private final int mss;

    public TcpmssTarget(int mss) {
        this.mss = mss;
    }

    @Override
    public String name() {
        return "TCPMSS";
    }

    @Override
    public int proto() {
        return Ipv4.PROTO_TCP;
    }

    @Override
    public boolean hooksAtEntry() {
        return true;
    }

    @Override
    public int hooks() {
        if (mss == CLAMP_PMTU) {
            return (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING);
        }
        return 0x1f;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        if (par.fragment) {
            return Verdict.XT_CONTINUE;
        }
        byte[] b = skb.buf;
        int th = skb.l4;
        int len = skb.l3 + skb.len - th;
        if (len < 20) {
            return Verdict.NF_DROP;
        }
        int hdrlen = ((b[th + 12] & 0xff) >> 4) * 4;
        if (len < hdrlen || hdrlen < 20) {
            return Verdict.NF_DROP;
        }
        int newmss;
        if (mss == CLAMP_PMTU) {
            // min(dst_mtu(skb_dst(skb)), tcpmss_reverse_mtu()): the packet's route and the route
            // back to its source, each with its mtu metric (compared as the kernel's unsigned ints)
            int out = skb.out != null ? skb.mtu() : par.out != null ? par.out.mtu : 1500;
            int in = par.services != null ? par.services.routeMtu(Ipv4.saddr(skb.buf, skb.l3)) : -1;
            int min = Integer.compareUnsigned(out, in) <= 0 ? out : in;
            if (min <= 40) {
                return Verdict.NF_DROP;
            }
            newmss = min - 40;
        } else {
            newmss = mss;
        }
        for (int i = 20; i <= hdrlen - 4; ) {
            int kind = b[th + i] & 0xff;
            if (kind == 2 && (b[th + i + 1] & 0xff) == 4) {
                int old = Ipv4.u16(b, th + i + 2);
                if (old <= newmss) {
                    return Verdict.XT_CONTINUE;
                }
                Ipv4.put16(b, th + i + 2, newmss);
                Ipv4.put16(b, th + 16, csumReplace2(Ipv4.u16(b, th + 16), old, newmss));
                return Verdict.XT_CONTINUE;
            }
            i += kind < 2 ? 1 : Math.max(1, b[th + i + 1] & 0xff);
        }
        if (len > hdrlen || hdrlen >= 60 || skb.l3 + skb.len + 4 > b.length) {
            return Verdict.XT_CONTINUE;
        }
        newmss = Math.min(newmss, 536);
        int opt = th + 20;
        System.arraycopy(b, opt, b, opt + 4, len - 20);
        int check = Ipv4.u16(b, th + 16);
        check = csumReplace2(check, len, len + 4);
        b[opt] = 2;
        b[opt + 1] = 4;
        Ipv4.put16(b, opt + 2, newmss);
        check = csumReplace2(check, 0, 0x0204);
        check = csumReplace2(check, 0, newmss);
        int oldWord = Ipv4.u16(b, th + 12);
        b[th + 12] = (byte) ((b[th + 12] & 0xff) + 0x10);
        check = csumReplace2(check, oldWord, Ipv4.u16(b, th + 12));
        Ipv4.put16(b, th + 16, check);
        skb.len += 4;
        int totOld = Ipv4.totLen(b, skb.l3);
        Ipv4.put16(b, skb.l3 + Ipv4.TOT_LEN, totOld + 4);
        Ipv4.put16(b, skb.l3 + Ipv4.CHECK, csumReplace2(Ipv4.check(b, skb.l3), totOld, totOld + 4));
        return Verdict.XT_CONTINUE;
    }

    /** RFC 1624 incremental update of a 16-bit one's complement checksum */
    static int csumReplace2(int check, int old, int now) {
        int sum = (~check & 0xffff) + (~old & 0xffff) + (now & 0xffff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return ~sum & 0xffff;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(mss == CLAMP_PMTU ? " --clamp-mss-to-pmtu" : " --set-mss " + mss);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(mss == CLAMP_PMTU ? " TCPMSS clamp to PMTU" : " TCPMSS set " + mss);
    }

    /** libxt_TCPMSS.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("set-mss", 0), Opt.flag("clamp-mss-to-pmtu", 1)};
        private int mss;

        public Parser() {
            super("TCPMSS");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            mss = o.id() == 1 ? CLAMP_PMTU : (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff - 20);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("TCPMSS target: At least one parameter is required");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TcpmssTarget(mss);
        }
    }
}
