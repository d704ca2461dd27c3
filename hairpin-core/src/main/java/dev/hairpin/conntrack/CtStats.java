package dev.hairpin.conntrack;

/**
 * The counters {@code conntrack -S} prints (struct ip_conntrack_stat), in the kernel's order.
 * Plain fields: one table is owned by one thread; metrics read them at scrape time.
 */
public final class CtStats {
    public long found;
    public long invalid;
    public long insert;
    public long insertFailed;
    public long drop;
    public long earlyDrop;
    public long error;
    public long searchRestart;
    public long clashResolve;
    public long chainTooLong;

    /** the ctnetlink attribute order conntrack -S prints */
    public long[] values() {
        return new long[] {found, invalid, insert, insertFailed, drop, earlyDrop, error, searchRestart, clashResolve, chainTooLong};
    }

    public static final String[] NAMES = {"found", "invalid", "insert", "insert_failed", "drop", "early_drop", "error",
        "search_restart", "clash_resolve", "chaintoolong"};
}
