package dev.hairpin.rules.ext;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What extensions keep per network namespace rather than per rule: the kernel's
 * {@code net_generic()} data, such as the named lists of xt_recent. One per
 * {@link dev.hairpin.rules.Ruleset}, so two simulated hosts never share a list.
 */
public final class NetState {
    /** for rules evaluated without having been installed in a ruleset */
    public static final NetState GLOBAL = new NetState();

    private final ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();

    /** the state kept under {@code key}, made by {@code make} the first time */
    @SuppressWarnings("unchecked")
    public <T> T get(String key, Supplier<T> make) {
        return (T) map.computeIfAbsent(key, k -> make.get());
    }
}
