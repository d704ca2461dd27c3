"""wg-policy-suppress: a full-tunnel VPN set up the way wg-quick does it on a router, the tunnel
emulated by a third uplink (docker0, next hop 172.17.0.254): `ip rule not fwmark 0xca6c lookup
51820` and `ip rule lookup main suppress_prefixlength 0` (main's default route is ignored, its
more specific routes are not), MASQUERADE on both uplinks, DNS marked 0xca6c in mangle PREROUTING
(CONNMARK save/restore) to bypass the tunnel, strict rp_filter on both uplinks: the reverse-path
lookup walks the policy rules too, with the packet's mark only when src_valid_mark is set (the
bypassed DNS reply is dropped until src_valid_mark=1)."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, UDP, Raw

DOCKER = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.53", "192.0.2.5"]
DOCK_IPS = ["172.17.0.254"]
SYSCTL = [
    ("net.ipv4.conf.eth1.rp_filter", "1"),
    ("net.ipv4.conf.docker0.rp_filter", "1"),
]
SETUP = [
    "ip route add 192.0.2.0/24 via 203.0.113.254 dev eth1",
    "ip route add default via 172.17.0.254 dev docker0 table 51820",
    "ip rule add not fwmark 0xca6c lookup 51820",
    "ip rule add lookup main suppress_prefixlength 0",
    "iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark",
    "iptables -t mangle -A PREROUTING -i eth0 -p udp --dport 53 -j MARK --set-mark 0xca6c",
    "iptables -t mangle -A PREROUTING -j CONNMARK --save-mark",
    "iptables -t nat -A POSTROUTING -o docker0 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    # through the tunnel: main's default route is suppressed, table 51820 routes it to docker0
    v = UdpFlow(h, "lan", "dock", "10.0.0.2", 5000, "198.51.100.10", 443)
    v.c(b"quic-1")
    v.s(b"quic-1 reply")      # strict rp_filter on docker0: reverse lookup via table 51820 -> docker0
    t = TcpConn(h, "lan", "dock", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=1000, sisn=9000)
    t.handshake()
    t.c("PA", b"GET /")
    t.s("PA", b"200 OK")
    t.c("A")
    # a more specific route in main (192.0.2.0/24, prefix > 0) is not suppressed: out eth1
    m = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, "192.0.2.5", 123)
    m.c(b"ntp")
    m.s(b"ntp reply")
    # DNS marked 0xca6c: skips the tunnel rule, main's default route -> eth1
    d = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, "198.51.100.53", 53)
    d.c(b"dns-1")
    # the reply gets the mark back (CONNMARK), but rp_filter looks up with mark 0 -> docker0: dropped
    d.s(b"dns-1 reply", expect=False)
    h.expect_nothing("lan", what="dns reply dropped by rp_filter (src_valid_mark=0)")
    h.gw("sysctl -w net.ipv4.conf.all.src_valid_mark=1")
    d.c(b"dns-2")
    d.s(b"dns-2 reply")
    # an unsolicited datagram from the WAN to the gateway: mark 0, reverse route via docker0: dropped
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / UDP(sport=6000, dport=7000) / Raw(b"x"))
    h.expect_nothing("wan", what="dropped by rp_filter, no port unreachable")
    # the same from the tunnel side: accepted, the gateway answers port unreachable via docker0
    h.send("dock", IP(src="198.51.100.10", dst="172.17.0.1") / UDP(sport=6000, dport=7000) / Raw(b"y"))
    h.expect("dock", lambda q: q.haslayer("ICMP"), what="port unreachable via docker0", missing_ok=True)
    h.gw("ip rule del lookup main suppress_prefixlength 0")
    # without the suppress rule the tunnel rule catches everything unmarked, even the LAN: the
    # un-NATed reply to 10.0.0.2 is routed by table 51820 back out docker0
    v.c(b"quic-2")
    v.s(b"quic-2 reply", expect=False)
    h.expect("dock", lambda q: q.haslayer("UDP") and bytes(q["UDP"].payload) == b"quic-2 reply",
             what="reply routed into the tunnel", missing_ok=True)
    h.gw("conntrack -L")
