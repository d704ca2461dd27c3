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
import dev.hairpin.rules.ext.XtError;

import java.util.Set;

/**
 * {@code -j TTL} (xt_HL.c ttl_tg), mangle only: set, increment (saturating at 255) or decrement
 * (saturating at 0) the IP TTL, with the header checksum updated incrementally.
 */
public final class TtlTarget implements Target {
    /** IPT_TTL_SET / _INC / _DEC */
    public static final int SET = 0;
    public static final int INC = 1;
    public static final int DEC = 2;

    private final int mode;
    private final int ttl;

    public TtlTarget(int mode, int ttl) {
        this.mode = mode;
        this.ttl = ttl;
    }

    @Override
    public String name() {
        return "TTL";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        byte[] b = skb.buf;
        int old = Ipv4.ttl(b, skb.l3);
        int nv = switch (mode) {
            case SET -> ttl;
            case INC -> Math.min(255, old + ttl);
            default -> Math.max(0, old - ttl);
        };
        if (nv != old) {
            int off = skb.l3 + Ipv4.CHECK;
            Ipv4.put16(b, off, TcpmssTarget.csumReplace2(Ipv4.check(b, skb.l3), old << 8, nv << 8));
            b[skb.l3 + Ipv4.TTL] = (byte) nv;
        }
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(switch (mode) {
            case SET -> " --ttl-set ";
            case INC -> " --ttl-inc ";
            default -> " --ttl-dec ";
        }).append(ttl);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(switch (mode) {
            case SET -> " TTL set to ";
            case INC -> " TTL increment by ";
            default -> " TTL decrement by ";
        }).append(ttl);
    }

    /** libipt_TTL.c */
    public static final class Parser extends ExtParser<Target> {
        private static final int ANY = 7;
        private static final Opt[] OPTS = {
            Opt.arg("ttl-set", 0).excl(ANY), Opt.arg("ttl-inc", 1).excl(ANY), Opt.arg("ttl-dec", 2).excl(ANY),
        };
        private int mode;
        private int ttl;

        public Parser() {
            super("TTL");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            mode = o.id();
            ttl = (int) Xt.parseInt(extName, o.name(), arg, mode == SET ? 0 : 1, 255);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & ANY) == 0) {
                throw XtError.param("TTL: You must specify an action");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TtlTarget(mode, ttl);
        }
    }
}
