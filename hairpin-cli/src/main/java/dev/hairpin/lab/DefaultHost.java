package dev.hairpin.lab;

/**
 * The host a new lab state starts with when no snapshot is given: the oracle's gateway (eth0
 * 10.0.0.1/24 towards the LAN, eth1 203.0.113.1/24 towards the WAN, default route via
 * 203.0.113.254, forwarding on), so the recorded scenarios can be rebuilt by hand.
 */
final class DefaultHost {
    private DefaultHost() {}

    static final String IP_ADDR = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","link_type":"loopback","address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"}]},\
            {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","address":"02:00:00:00:00:01","addr_info":[{"family":"inet","local":"10.0.0.1","prefixlen":24,"broadcast":"10.0.0.255","scope":"global","label":"eth0"}]},\
            {"ifindex":3,"ifname":"eth1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","address":"02:00:00:00:00:02","addr_info":[{"family":"inet","local":"203.0.113.1","prefixlen":24,"broadcast":"203.0.113.255","scope":"global","label":"eth1"}]}]
            """;

    static final String IP_ROUTE = """
            [{"dst":"default","gateway":"203.0.113.254","dev":"eth1","flags":[]},\
            {"dst":"10.0.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.0.0.1","flags":[]},\
            {"dst":"203.0.113.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"203.0.113.1","flags":[]}]
            """;

    static final String SYSCTL = """
            # the lab's default gateway
            net.ipv4.ip_forward = 1
            net.ipv4.conf.all.rp_filter = 0
            net.ipv4.conf.default.rp_filter = 0
            net.ipv4.conf.all.send_redirects = 0
            net.ipv4.conf.default.send_redirects = 0
            """;
}
