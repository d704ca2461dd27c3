package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m devgroup} (xt_devgroup.c, libxt_devgroup.c): the group of the input or output device
 * under a mask. The host model gives devices no group, so every device is in group 0, Linux's
 * default ("default" in /etc/iproute2/group, the one name iptables then prints).
 */
public final class DevgroupMatch implements Match {
    static final int MATCH_SRC = 0x1;
    static final int INVERT_SRC = 0x2;
    static final int MATCH_DST = 0x4;
    static final int INVERT_DST = 0x8;

    private final int flags;
    private final int srcGroup;
    private final int srcMask;
    private final int dstGroup;
    private final int dstMask;

    public DevgroupMatch(int flags, int srcGroup, int srcMask, int dstGroup, int dstMask) {
        this.flags = flags;
        this.srcGroup = srcGroup;
        this.srcMask = srcMask;
        this.dstGroup = dstGroup;
        this.dstMask = dstMask;
    }

    @Override
    public String name() {
        return "devgroup";
    }

    /** devgroup_mt_checkentry(): a source group needs an input device, a destination group an output one */
    @Override
    public int hooks() {
        int h = 0x1f;
        if ((flags & MATCH_SRC) != 0) {
            h &= (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD);
        }
        if ((flags & MATCH_DST) != 0) {
            h &= (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.POST_ROUTING);
        }
        return h;
    }

    @Override
    public boolean hooksAtEntry() {
        return true;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        // devgroup_mt(): every device's group is 0 here
        if ((flags & MATCH_SRC) != 0 && ((0 & srcMask) == srcGroup) == ((flags & INVERT_SRC) != 0)) {
            return false;
        }
        return (flags & MATCH_DST) == 0 || ((0 & dstMask) == dstGroup) != ((flags & INVERT_DST) != 0);
    }

    @Override
    public void save(StringBuilder sb) {
        show(sb, "--", true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        show(sb, "", numeric);
    }

    private void show(StringBuilder sb, String pfx, boolean numeric) {
        if ((flags & MATCH_SRC) != 0) {
            sb.append((flags & INVERT_SRC) != 0 ? " !" : "").append(' ').append(pfx).append("src-group");
            valMask(sb, srcGroup, srcMask, numeric);
        }
        if ((flags & MATCH_DST) != 0) {
            sb.append((flags & INVERT_DST) != 0 ? " !" : "").append(' ').append(pfx).append("dst-group");
            valMask(sb, dstGroup, dstMask, numeric);
        }
    }

    /** xtables_print_val_mask() with the devgroups map */
    private static void valMask(StringBuilder sb, int val, int mask, boolean numeric) {
        if (mask == -1 && val == 0 && !numeric) {
            sb.append(" default");
        } else {
            Xt.valMask(sb, val & 0xffffffffL, mask & 0xffffffffL);
        }
    }

    /** libxt_devgroup.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("src-group", 0, Opt.INVERT), Opt.arg("dst-group", 1, Opt.INVERT)};
        private int flags;
        private final int[] v = {0, 0, 0, 0};

        public Parser() {
            super("devgroup");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            long[] vm = arg.equals("default") ? new long[] {0, 0xffffffffL}
                    : Xt.parseMarkMask(extName, o.name(), arg);
            v[o.id() * 2] = (int) vm[0];
            v[o.id() * 2 + 1] = (int) vm[1];
            flags |= o.id() == 0 ? MATCH_SRC : MATCH_DST;
            if (invert) {
                flags |= o.id() == 0 ? INVERT_SRC : INVERT_DST;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("devgroup match: You must specify either '--src-group' or '--dst-group'");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new DevgroupMatch(flags, v[0], v[1], v[2], v[3]);
        }
    }
}
