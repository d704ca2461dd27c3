package dev.hairpin.ipset;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** The host's sets by name (ip_set_list), in creation order as {@code ipset list} shows them. */
public final class IpSets {
    final Map<String, IpSet> sets = new LinkedHashMap<>();
    final LongSupplier clock;
    private int seed = 0x3723bb8f;
    /** told when sets appear or go (the rule parser's list of known names) */
    public java.util.function.Consumer<java.util.Set<String>> namesChanged = n -> {};

    public IpSets(LongSupplier clock) {
        this.clock = clock;
    }

    public IpSet get(String name) {
        return sets.get(name);
    }

    int nextInitval() {
        seed = seed * 1103515245 + 12345;
        return seed;
    }

    void changed() {
        namesChanged.accept(sets.keySet());
    }

    public java.util.Collection<IpSet> all() {
        return sets.values();
    }
}
