package dev.hairpin.host;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sysctl values a host snapshot carries ({@code key = value}, dotted names as
 * {@code sysctl} prints them), with typed readers for the ones the stack consults and the
 * kernel's defaults where a key is absent. Per-device IPv4 settings follow the kernel's rules
 * for combining {@code conf.all} with {@code conf.DEV}.
 */
public final class Sysctls {
    private final Map<String, String> values = new LinkedHashMap<>();

    public Map<String, String> asMap() {
        return values;
    }

    public String get(String key) {
        return values.get(key);
    }

    public void set(String key, String value) {
        values.put(key, value.trim());
    }

    public long getLong(String key, long dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    public boolean ipForward() {
        return getLong("net.ipv4.ip_forward", 0) != 0;
    }

    /** IN_DEV_ORCONF: all || dev */
    private boolean orConf(String name, NetDevice dev, long dflt) {
        return getLong("net.ipv4.conf.all." + name, dflt) != 0
                || (dev != null && getLong("net.ipv4.conf." + dev.name + "." + name, getLong("net.ipv4.conf.default." + name, dflt)) != 0);
    }

    public boolean routeLocalnet(NetDevice dev) {
        return orConf("route_localnet", dev, 0);
    }

    public boolean acceptLocal(NetDevice dev) {
        return orConf("accept_local", dev, 0);
    }

    /** IN_DEV_RPFILTER: max(all, dev) */
    public int rpFilter(NetDevice dev) {
        long all = getLong("net.ipv4.conf.all.rp_filter", 0);
        long d = dev == null ? 0 : getLong("net.ipv4.conf." + dev.name + ".rp_filter", getLong("net.ipv4.conf.default.rp_filter", 0));
        return (int) Math.max(all, d);
    }

    /** IN_DEV_FORWARD: the per-device forwarding flag (ip_forward sets them all) */
    public boolean forwarding(NetDevice dev) {
        String k = "net.ipv4.conf." + dev.name + ".forwarding";
        if (values.containsKey(k)) {
            return getLong(k, 0) != 0;
        }
        return ipForward();
    }

    /** IN_DEV_TX_REDIRECTS: all || dev */
    public boolean sendRedirects(NetDevice dev) {
        return orConf("send_redirects", dev, 1);
    }

    public int defaultTtl() {
        return (int) getLong("net.ipv4.ip_default_ttl", 64);
    }

    public boolean icmpErrorsUseInboundIfaddr() {
        return getLong("net.ipv4.icmp_errors_use_inbound_ifaddr", 0) != 0;
    }
}
