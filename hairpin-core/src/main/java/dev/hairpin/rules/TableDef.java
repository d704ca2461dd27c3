package dev.hairpin.rules;

import dev.hairpin.packet.Hooks;

import java.util.List;

/**
 * The iptables tables the kernel registers ({@code iptable_raw}, {@code iptable_mangle} ...):
 * which hooks each has a built-in chain for, and at which priority it runs there.
 */
public enum TableDef {
    RAW("raw", mask(Hooks.PRE_ROUTING, Hooks.LOCAL_OUT), Hooks.PRI_RAW),
    MANGLE("mangle", mask(Hooks.PRE_ROUTING, Hooks.LOCAL_IN, Hooks.FORWARD, Hooks.LOCAL_OUT, Hooks.POST_ROUTING),
            Hooks.PRI_MANGLE),
    FILTER("filter", mask(Hooks.LOCAL_IN, Hooks.FORWARD, Hooks.LOCAL_OUT), Hooks.PRI_FILTER),
    /** DNAT runs at PRI_NAT_DST in PREROUTING/OUTPUT, SNAT at PRI_NAT_SRC in INPUT/POSTROUTING */
    NAT("nat", mask(Hooks.PRE_ROUTING, Hooks.LOCAL_IN, Hooks.LOCAL_OUT, Hooks.POST_ROUTING), Hooks.PRI_NAT_DST),
    SECURITY("security", mask(Hooks.LOCAL_IN, Hooks.FORWARD, Hooks.LOCAL_OUT), Hooks.PRI_SECURITY);

    /**
     * The order iptables-nft 1.8.9 lists existing tables in (its {@code enum nft_table_type}),
     * which is what {@code iptables-save} prints.
     */
    public static final List<TableDef> SAVE_ORDER = List.of(MANGLE, SECURITY, RAW, FILTER, NAT);

    private final String tableName;
    private final int hookMask;
    private final int priority;

    TableDef(String tableName, int hookMask, int priority) {
        this.tableName = tableName;
        this.hookMask = hookMask;
        this.priority = priority;
    }

    public String tableName() {
        return tableName;
    }

    /** bit (1 &lt;&lt; hook) for every hook this table has a built-in chain on */
    public int hookMask() {
        return hookMask;
    }

    public boolean hasHook(int hook) {
        return hook >= 0 && hook < Hooks.COUNT && (hookMask & (1 << hook)) != 0;
    }

    /** The priority of the table's hook function at {@code hook} (nat differs per direction). */
    public int priority(int hook) {
        if (this == NAT && (hook == Hooks.LOCAL_IN || hook == Hooks.POST_ROUTING)) {
            return Hooks.PRI_NAT_SRC;
        }
        return priority;
    }

    /** null when no such table */
    public static TableDef byName(String name) {
        for (TableDef t : values()) {
            if (t.tableName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static int mask(int... hooks) {
        int m = 0;
        for (int h : hooks) {
            m |= 1 << h;
        }
        return m;
    }
}
