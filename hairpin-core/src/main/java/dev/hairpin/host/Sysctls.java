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
    /** bumped by every write; a device's cached {@link DevConf} from an older one is stale */
    private long version;

    /** The values, read-only: writes go through {@link #set} so the per-device caches follow. */
    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public String get(String key) {
        return values.get(key);
    }

    public void set(String key, String value) {
        values.put(key, value.trim());
        version++;
    }

    /** bumped by every write (for caches of anything a sysctl decides) */
    public long version() {
        return version;
    }

    public long getLong(String key, long dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        try {
            return Long.parseLong(v, 0, end, 10);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /**
     * A device's IPv4 conf values as the packet path reads them (the kernel keeps them in
     * {@code in_device->cnf}), resolved once per sysctl write instead of per packet. Immutable,
     * so a reader on another thread sees a whole one or an older whole one.
     */
    record DevConf(Sysctls owner, long version, boolean routeLocalnet, boolean acceptLocal, int rpFilter,
            boolean forwarding, boolean srcValidMark, boolean bcForwarding) {}

    /**
     * Off: every read resolves the keys again (the straightforward definition the cached values
     * must agree with; the fast-path equivalence test runs a stack this way).
     */
    public boolean cached = true;

    private DevConf conf(NetDevice dev) {
        DevConf c = dev.conf;
        if (!cached || c == null || c.owner != this || c.version != version) {
            c = new DevConf(this, version, orConfSlow("route_localnet", dev, 0), orConfSlow("accept_local", dev, 0),
                    rpFilterSlow(dev), forwardingSlow(dev), orConfSlow("src_valid_mark", dev, 0),
                    andConfSlow("bc_forwarding", dev, 0));
            dev.conf = c;
        }
        return c;
    }

    public boolean ipForward() {
        return getLong("net.ipv4.ip_forward", 0) != 0;
    }

    /** IN_DEV_ORCONF: all || dev */
    private boolean orConfSlow(String name, NetDevice dev, long dflt) {
        return getLong("net.ipv4.conf.all." + name, dflt) != 0
                || (dev != null && getLong("net.ipv4.conf." + dev.name + "." + name, getLong("net.ipv4.conf.default." + name, dflt)) != 0);
    }

    /**
     * IN_DEV_BFORWARD(): directed broadcasts arriving on {@code dev} are forwarded (bc_forwarding
     * on for all and for the device, IN_DEV_ANDCONF)
     */
    public boolean bcForwarding(NetDevice dev) {
        return dev != null && conf(dev).bcForwarding;
    }

    /** IN_DEV_ANDCONF: all && dev */
    private boolean andConfSlow(String name, NetDevice dev, long dflt) {
        return getLong("net.ipv4.conf.all." + name, dflt) != 0
                && getLong("net.ipv4.conf." + dev.name + "." + name, getLong("net.ipv4.conf.default." + name, dflt)) != 0;
    }

    /** icmp_echo_ignore_all: the host answers no echo request */
    public boolean icmpEchoIgnoreAll() {
        return getLong("net.ipv4.icmp_echo_ignore_all", 0) != 0;
    }

    /** icmp_echo_ignore_broadcasts: no answer to an echo or timestamp request sent to a broadcast or multicast address */
    public boolean icmpEchoIgnoreBroadcasts() {
        return getLong("net.ipv4.icmp_echo_ignore_broadcasts", 1) != 0;
    }

    /** fwmark_reflect: the host's replies carry the mark of the packet they answer (IP4_REPLY_MARK) */
    public boolean fwmarkReflect() {
        return getLong("net.ipv4.fwmark_reflect", 0) != 0;
    }

    public boolean routeLocalnet(NetDevice dev) {
        return dev == null ? orConfSlow("route_localnet", null, 0) : conf(dev).routeLocalnet;
    }

    public boolean acceptLocal(NetDevice dev) {
        return dev == null ? orConfSlow("accept_local", null, 0) : conf(dev).acceptLocal;
    }

    /** IN_DEV_SRC_VMARK: all || dev; the reverse-path lookup carries the packet's mark only then */
    public boolean srcValidMark(NetDevice dev) {
        return dev == null ? orConfSlow("src_valid_mark", null, 0) : conf(dev).srcValidMark;
    }

    /** IN_DEV_RPFILTER: max(all, dev) */
    public int rpFilter(NetDevice dev) {
        return dev == null ? rpFilterSlow(null) : conf(dev).rpFilter;
    }

    private int rpFilterSlow(NetDevice dev) {
        long all = getLong("net.ipv4.conf.all.rp_filter", 0);
        long d = dev == null ? 0 : getLong("net.ipv4.conf." + dev.name + ".rp_filter", getLong("net.ipv4.conf.default.rp_filter", 0));
        return (int) Math.max(all, d);
    }

    /** IN_DEV_FORWARD: the per-device forwarding flag (ip_forward sets them all) */
    public boolean forwarding(NetDevice dev) {
        return conf(dev).forwarding;
    }

    private boolean forwardingSlow(NetDevice dev) {
        String k = "net.ipv4.conf." + dev.name + ".forwarding";
        if (values.containsKey(k)) {
            return getLong(k, 0) != 0;
        }
        return ipForward();
    }

    /** IN_DEV_SOURCE_ROUTE: all &amp;&amp; dev (conf.all defaults to 0: source routes are refused) */
    public boolean acceptSourceRoute(NetDevice dev) {
        return getLong("net.ipv4.conf.all.accept_source_route", 0) != 0 && dev != null
                && getLong("net.ipv4.conf." + dev.name + ".accept_source_route",
                        getLong("net.ipv4.conf.default.accept_source_route", 1)) != 0;
    }

    /** IN_DEV_TX_REDIRECTS: all || dev */
    public boolean sendRedirects(NetDevice dev) {
        return orConfSlow("send_redirects", dev, 1);
    }

    public int defaultTtl() {
        return (int) getLong("net.ipv4.ip_default_ttl", 64);
    }

    /** icmp_ratemask: the ICMP types whose errors icmp_send() rate-limits, one bit each */
    public long icmpRatemask() {
        return getLong("net.ipv4.icmp_ratemask", 0x1818);
    }

    /** icmp_ratelimit in milliseconds (0: no limit) */
    public long icmpRatelimitMs() {
        return getLong("net.ipv4.icmp_ratelimit", 1000);
    }

    public boolean icmpErrorsUseInboundIfaddr() {
        return getLong("net.ipv4.icmp_errors_use_inbound_ifaddr", 0) != 0;
    }
}
