"""nft-firewalld: a gateway run by firewalld's nftables backend (its `inet firewalld` table as
firewalld 1.x/2.x writes it: mangle/nat/filter base chains at `priority X + 10`, policy and zone
dispatch chains whose names run past iptables' 28 characters, `ct state { established, related }
accept`, `ct status dnat accept`, `ct state invalid drop`, IPv6-only rules (`meta nfproto ipv6 fib
saddr . mark . iif oif missing drop`, `ip6 daddr {...} reject with icmpv6 addr-unreachable`) that
IPv4 never meets, `reject with icmpx admin-prohibited`, a forward port (`meta nfproto ipv4 tcp
dport 8080 dnat ip to 10.0.0.5:80`) and zone masquerade (`meta nfproto ipv4 oifname != "lo"
masquerade`). eth0 is the internal side, eth1 the public zone."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import TCP, ICMP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
RULES = r"""table inet firewalld {
	chain mangle_PREROUTING { type filter hook prerouting priority mangle + 10; policy accept; jump mangle_PREROUTING_POLICIES; }
	chain mangle_PREROUTING_POLICIES { iifname "eth1" jump mangle_PRE_policy_allow-host-ipv6; iifname "eth1" jump mangle_PRE_public; iifname "eth1" return; jump mangle_PRE_public; return; }
	chain mangle_PRE_policy_allow-host-ipv6 { jump mangle_PRE_policy_allow-host-ipv6_pre; jump mangle_PRE_policy_allow-host-ipv6_log; jump mangle_PRE_policy_allow-host-ipv6_deny; jump mangle_PRE_policy_allow-host-ipv6_allow; jump mangle_PRE_policy_allow-host-ipv6_post; }
	chain mangle_PRE_policy_allow-host-ipv6_pre { }
	chain mangle_PRE_policy_allow-host-ipv6_log { }
	chain mangle_PRE_policy_allow-host-ipv6_deny { }
	chain mangle_PRE_policy_allow-host-ipv6_allow { }
	chain mangle_PRE_policy_allow-host-ipv6_post { }
	chain mangle_PRE_public { jump mangle_PRE_public_pre; jump mangle_PRE_public_log; jump mangle_PRE_public_deny; jump mangle_PRE_public_allow; jump mangle_PRE_public_post; }
	chain mangle_PRE_public_pre { }
	chain mangle_PRE_public_log { }
	chain mangle_PRE_public_deny { }
	chain mangle_PRE_public_allow { }
	chain mangle_PRE_public_post { }
	chain nat_PREROUTING { type nat hook prerouting priority dstnat + 10; policy accept; jump nat_PREROUTING_POLICIES; }
	chain nat_PREROUTING_POLICIES { iifname "eth1" jump nat_PRE_public; jump nat_PRE_public; return; }
	chain nat_PRE_public { jump nat_PRE_public_allow; }
	chain nat_PRE_public_allow { meta nfproto ipv4 tcp dport 8080 dnat ip to 10.0.0.5:80; }
	chain nat_POSTROUTING { type nat hook postrouting priority srcnat + 10; policy accept; jump nat_POSTROUTING_POLICIES; }
	chain nat_POSTROUTING_POLICIES { iifname "eth0" oifname "eth1" jump nat_POST_public; oifname "eth1" jump nat_POST_public; return; }
	chain nat_POST_public { jump nat_POST_public_allow; }
	chain nat_POST_public_allow { meta nfproto ipv4 oifname != "lo" masquerade; }
	chain filter_PREROUTING { type filter hook prerouting priority filter + 10; policy accept; icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept; meta nfproto ipv6 fib saddr . mark . iif oif missing drop; }
	chain filter_INPUT { type filter hook input priority filter + 10; policy accept; ct state { established, related } accept; ct status dnat accept; iifname "lo" accept; ct state invalid drop; jump filter_INPUT_POLICIES; reject with icmpx admin-prohibited; }
	chain filter_FORWARD { type filter hook forward priority filter + 10; policy accept; ct state { established, related } accept; ct status dnat accept; iifname "lo" accept; ct state invalid drop; ip6 daddr { ::/96, ::ffff:0.0.0.0/96, 2002::/24 } reject with icmpv6 addr-unreachable; jump filter_FORWARD_POLICIES; reject with icmpx admin-prohibited; }
	chain filter_OUTPUT { type filter hook output priority filter + 10; policy accept; ct state { established, related } accept; oifname "lo" accept; ip6 daddr { ::/96, ::ffff:0.0.0.0/96 } reject with icmpv6 addr-unreachable; jump filter_OUTPUT_POLICIES; }
	chain filter_INPUT_POLICIES { iifname "eth1" jump filter_IN_public; iifname "eth1" reject with icmpx admin-prohibited; jump filter_IN_public; reject with icmpx admin-prohibited; }
	chain filter_FORWARD_POLICIES { iifname "eth0" oifname "eth1" jump filter_FWD_public; iifname "eth0" oifname "eth1" reject with icmpx admin-prohibited; reject with icmpx admin-prohibited; }
	chain filter_OUTPUT_POLICIES { return; }
	chain filter_IN_public { jump filter_IN_public_pre; jump filter_IN_public_log; jump filter_IN_public_deny; jump filter_IN_public_allow; jump filter_IN_public_post; meta l4proto { icmp, ipv6-icmp } accept; }
	chain filter_IN_public_pre { }
	chain filter_IN_public_log { }
	chain filter_IN_public_deny { }
	chain filter_IN_public_allow { tcp dport 22 accept; ip6 daddr fe80::/64 udp dport 546 accept; }
	chain filter_IN_public_post { }
	chain filter_FWD_public { jump filter_FWD_public_allow; }
	chain filter_FWD_public_allow { oifname "eth1" accept; }
}
"""
SETUP = [
    "nft -f - <<'EOF'\n" + RULES + "EOF",
]


def steps(h):
    # A) WAN -> gw:8080, the forward port: DNAT to 10.0.0.5:80, FORWARD accepts it (ct status dnat)
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"GET /")
    a.s("PA", b"200 OK")
    # B) WAN -> gw:22, allowed by the public zone; nothing listens: RST
    b = TcpConn(h, "wan", "lan", "198.51.100.7", 51001, "203.0.113.1", 22, cisn=1100)
    b.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from 203.0.113.1:22")
    # C) WAN -> gw:23: rejected by the input policy chain (admin-prohibited)
    c = TcpConn(h, "wan", "lan", "198.51.100.7", 51002, "203.0.113.1", 23, cisn=1200)
    c.c("S", expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 13, what="admin-prohibited for :23")
    # D) WAN pings the gateway: the zone's icmp accept
    p = Echo(h, "wan", "lan", "198.51.100.10", "203.0.113.1", 9)
    p.request(1, expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply from the gateway")
    # E) LAN -> internet: forwarded (eth0 -> eth1) and masqueraded; the answer un-NATed
    d = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 443, cisn=2000, sisn=6000)
    d.handshake()
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5353, "198.51.100.10", 53)
    u.c(b"query")
    u.s(b"answer")
    # F) WAN -> a LAN host directly (no DNAT): the forward policies reject it
    f = UdpFlow(h, "wan", "lan", "198.51.100.7", 7000, "10.0.0.5", 5000)
    f.c(b"x", expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 13, what="admin-prohibited for WAN -> LAN")
    h.gw("conntrack -L")
