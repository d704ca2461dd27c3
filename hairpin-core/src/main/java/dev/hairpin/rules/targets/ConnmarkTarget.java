package dev.hairpin.rules.targets;

import dev.hairpin.conntrack.CtView;
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
 * {@code -j CONNMARK} revision 2 (xt_connmark.c): set the connection's mark (xmark pair), save the
 * packet mark into it, or restore it into the packet, each optionally shifted. Packets without a
 * conntrack entry pass untouched.
 */
public final class ConnmarkTarget implements Target {
    public static final int SET = 0;
    public static final int SAVE = 1;
    public static final int RESTORE = 2;
    public static final int SHIFT_LEFT = 0;
    public static final int SHIFT_RIGHT = 1;

    private final int mode;
    private final int ctmark;
    private final int ctmask;
    private final int nfmask;
    private final int shiftDir;
    private final int shiftBits;

    public ConnmarkTarget(int mode, int ctmark, int ctmask, int nfmask, int shiftDir, int shiftBits) {
        this.mode = mode;
        this.ctmark = ctmark;
        this.ctmask = ctmask;
        this.nfmask = nfmask;
        this.shiftDir = shiftDir;
        this.shiftBits = shiftBits;
    }

    @Override
    public String name() {
        return "CONNMARK";
    }

    private int shift(int v) {
        return shiftDir == SHIFT_RIGHT ? v >>> shiftBits : v << shiftBits;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int ct = skb.ct;
        if (ct < 0) {
            return Verdict.XT_CONTINUE;
        }
        CtView v = par.services.conntrack();
        switch (mode) {
            case SET -> {
                int nm = shift((v.mark(ct) & ~ctmask) ^ ctmark);
                if (v.mark(ct) != nm) {
                    v.setMark(ct, nm);
                }
            }
            case SAVE -> {
                int nm = (v.mark(ct) & ~ctmask) ^ shift(skb.mark & nfmask);
                if (v.mark(ct) != nm) {
                    v.setMark(ct, nm);
                }
            }
            default -> skb.mark = (skb.mark & ~nfmask) ^ shift(v.mark(ct) & ctmask);
        }
        return Verdict.XT_CONTINUE;
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }

    @Override
    public void save(StringBuilder sb) {
        switch (mode) {
            case SET -> sb.append(" --set-xmark ").append(hex(ctmark)).append('/').append(hex(ctmask));
            case SAVE -> sb.append(" --save-mark --nfmask ").append(hex(nfmask)).append(" --ctmask ").append(hex(ctmask));
            default -> sb.append(" --restore-mark --nfmask ").append(hex(nfmask)).append(" --ctmask ")
                    .append(hex(ctmask));
        }
        if (shiftBits != 0) {
            sb.append(" --").append(shiftDir == SHIFT_RIGHT ? "right-shift-mark" : "left-shift-mark").append(' ')
                    .append(shiftBits);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        switch (mode) {
            case SET -> sb.append(MarkTarget.xmarkText("CONNMARK", ctmark, ctmask));
            case SAVE -> {
                if (nfmask == -1 && ctmask == -1) {
                    sb.append(" CONNMARK save");
                } else if (nfmask == ctmask) {
                    sb.append(" CONNMARK save mask ").append(hex(nfmask));
                } else {
                    sb.append(" CONNMARK save nfmask ").append(hex(nfmask)).append(" ctmask ~").append(hex(ctmask));
                }
            }
            default -> {
                if (ctmask == -1 && nfmask == -1) {
                    sb.append(" CONNMARK restore");
                } else if (ctmask == nfmask) {
                    sb.append(" CONNMARK restore mask ").append(hex(ctmask));
                } else {
                    sb.append(" CONNMARK restore ctmask ").append(hex(ctmask)).append(" nfmask ~").append(hex(nfmask));
                }
            }
        }
        if (shiftBits != 0) {
            sb.append(' ').append(shiftDir == SHIFT_RIGHT ? "right-shift-mark" : "left-shift-mark").append(' ')
                    .append(shiftBits);
        }
    }

    /** libxt_CONNMARK.c revision 2 */
    public static final class Parser extends ExtParser<Target> {
        private static final int OP_ANY = 0x7f;
        private static final int F_CTMASK = 1 << 9;
        private static final int F_NFMASK = 1 << 10;
        private static final int F_MASK = 1 << 11;
        private static final Opt[] OPTS = {
            Opt.arg("set-xmark", 0).excl(OP_ANY), Opt.arg("set-mark", 1).excl(OP_ANY), Opt.arg("and-mark", 2).excl(OP_ANY),
            Opt.arg("or-mark", 3).excl(OP_ANY), Opt.arg("xor-mark", 4).excl(OP_ANY), Opt.flag("save-mark", 5).excl(OP_ANY),
            Opt.flag("restore-mark", 6).excl(OP_ANY), Opt.arg("left-shift-mark", 7), Opt.arg("right-shift-mark", 8),
            Opt.arg("ctmask", 9).excl(F_MASK), Opt.arg("nfmask", 10).excl(F_MASK), Opt.arg("mask", 11).excl(F_CTMASK | F_NFMASK),
        };
        private int mode;
        private int ctmark;
        private int ctmask = -1;
        private int nfmask = -1;
        private int shiftDir;
        private int shiftBits;

        public Parser() {
            super("CONNMARK");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0, 1, 2, 3, 4 -> {
                    int[] p = MarkTarget.xmark(extName, o, arg);
                    mode = SET;
                    ctmark = p[0];
                    ctmask = p[1];
                }
                case 5 -> mode = SAVE;
                case 6 -> mode = RESTORE;
                case 7, 8 -> {
                    shiftDir = o.id() == 7 ? SHIFT_LEFT : SHIFT_RIGHT;
                    shiftBits = (int) Xt.parseInt(extName, o.name(), arg, 0, 255);
                }
                case 9 -> ctmask = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                case 10 -> nfmask = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                default -> {
                    int m = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                    nfmask = m;
                    ctmask = m;
                }
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((xflags & OP_ANY) == 0) {
                throw XtError.param("CONNMARK target: No operation specified");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new ConnmarkTarget(mode, ctmark, ctmask, nfmask, shiftDir, shiftBits);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
