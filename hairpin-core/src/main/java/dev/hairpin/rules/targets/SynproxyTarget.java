package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/**
 * {@code -j SYNPROXY} (ipt_SYNPROXY.c): INPUT and FORWARD, {@code -p tcp} only. A client's bare
 * SYN or bare ACK is handed to the stack's SYN proxy ({@link dev.hairpin.rules.XtServices#synproxy},
 * which drops when there is none); any other segment goes on. A truncated TCP header drops.
 */
public final class SynproxyTarget implements Target {
    /** XT_SYNPROXY_OPT_* */
    public static final int OPT_MSS = 1;
    public static final int OPT_WSCALE = 2;
    public static final int OPT_SACK_PERM = 4;
    public static final int OPT_TIMESTAMP = 8;
    public static final int OPT_ECN = 16;

    private final int options;
    private final int wscale;
    private final int mss;

    public SynproxyTarget(int options, int wscale, int mss) {
        this.options = options;
        this.wscale = wscale;
        this.mss = mss;
    }

    @Override
    public String name() {
        return "SYNPROXY";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD);
    }

    @Override
    public int proto() {
        return 6;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        if (skb.l4 + 20 > skb.l3 + skb.len) {
            return Verdict.NF_DROP;
        }
        int flags = skb.buf[skb.l4 + 13] & 0x17;
        // FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10
        if (flags == 0x02) {
            return par.services.synproxy(skb, true, options, wscale, mss);
        }
        if (flags == 0x10) {
            return par.services.synproxy(skb, false, options, wscale, mss);
        }
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        if ((options & OPT_SACK_PERM) != 0) {
            sb.append(" --sack-perm");
        }
        if ((options & OPT_TIMESTAMP) != 0) {
            sb.append(" --timestamp");
        }
        if ((options & OPT_WSCALE) != 0) {
            sb.append(" --wscale ").append(Integer.toUnsignedString(wscale & 0xff));
        }
        if ((options & OPT_MSS) != 0) {
            sb.append(" --mss ").append(Integer.toUnsignedString(mss & 0xffff));
        }
        if ((options & OPT_ECN) != 0) {
            sb.append(" --ecn");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" SYNPROXY ");
        if ((options & OPT_SACK_PERM) != 0) {
            sb.append("sack-perm ");
        }
        if ((options & OPT_TIMESTAMP) != 0) {
            sb.append("timestamp ");
        }
        if ((options & OPT_WSCALE) != 0) {
            sb.append("wscale ").append(wscale & 0xff).append(' ');
        }
        if ((options & OPT_MSS) != 0) {
            sb.append("mss ").append(mss & 0xffff).append(' ');
        }
        if ((options & OPT_ECN) != 0) {
            sb.append("ecn ");
        }
    }

    /** libxt_SYNPROXY.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.flag("sack-perm", 0), Opt.flag("timestamp", 1), Opt.arg("wscale", 2), Opt.arg("mss", 3),
            Opt.flag("ecn", 4),
        };
        private int options;
        private int wscale;
        private int mss;

        public Parser() {
            super("SYNPROXY");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> options |= OPT_SACK_PERM;
                case 1 -> options |= OPT_TIMESTAMP;
                case 2 -> {
                    options |= OPT_WSCALE;
                    // XTTYPE_UINT32 stored in the u8 of xt_synproxy_info
                    wscale = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL) & 0xff;
                }
                case 3 -> {
                    options |= OPT_MSS;
                    mss = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL) & 0xffff;
                }
                default -> options |= OPT_ECN;
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new SynproxyTarget(options, wscale, mss);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
