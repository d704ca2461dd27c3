package dev.hairpin.host;

/**
 * A policy routing rule ({@code struct fib_rule} as {@code ip rule} shows it): selectors (source
 * and destination prefix, fwmark under a mask, input and output device names; {@code not}
 * inverts them all) and what to do: look up {@code table}, or end the lookup with an error route
 * type (blackhole, unreachable, prohibit). Rules are tried by ascending priority.
 * {@code suppressPrefixLen} (-1: none) is {@code suppress_prefixlength}: a route the table gives
 * whose prefix is that long or shorter is refused and the next rule is tried (fib4_rule_suppress;
 * wg-quick's {@code lookup main suppress_prefixlength 0} ignores main's default route only).
 */
public record FibRule(int priority, int src, int srcLen, int dst, int dstLen, int mark, int markMask, String iif,
        String oif, boolean not, String table, int action, int suppressPrefixLen) {
    /** a rule without suppress_prefixlength */
    public FibRule(int priority, int src, int srcLen, int dst, int dstLen, int mark, int markMask, String iif,
            String oif, boolean not, String table, int action) {
        this(priority, src, srcLen, dst, dstLen, mark, markMask, iif, oif, not, table, action, -1);
    }

    /** FR_ACT_TO_TBL: look up {@link #table} */
    public static final int TO_TABLE = 1;

    /** the three rules every namespace starts with: local (0), main (32766), default (32767) */
    public static FibRule toTable(int priority, String table) {
        return new FibRule(priority, 0, 0, 0, 0, 0, 0, null, null, false, table, TO_TABLE, -1);
    }

    private static int mask(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /**
     * fib4_rule_match() and fib_rule_match(): iif is the receiving device ("lo" for the host's
     * own packets), oif the device an output lookup is bound to (none here).
     */
    public boolean matches(int daddr, int saddr, int pktMark, NetDevice in) {
        boolean m = ((saddr ^ src) & mask(srcLen)) == 0
                && ((daddr ^ dst) & mask(dstLen)) == 0
                && ((pktMark ^ mark) & markMask) == 0
                && (iif == null || iif.equals(in == null ? "lo" : in.name))
                && oif == null;
        return m != not;
    }

    /** whether this is one of the three default rules, unchanged */
    boolean isDefault() {
        return srcLen == 0 && dstLen == 0 && markMask == 0 && iif == null && oif == null && !not && action == TO_TABLE
                && suppressPrefixLen < 0
                && (priority == 0 && "local".equals(table) || priority == 32766 && "main".equals(table)
                        || priority == 32767 && "default".equals(table));
    }
}
