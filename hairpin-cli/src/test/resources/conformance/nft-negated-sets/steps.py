"""nft-negated-sets: negated anonymous and named sets in native nftables rules, which no single
iptables option takes: masquerade except towards private destinations (ip daddr != { ... }), a
forward filter that drops new connections not from the LAN device or loopback (iifname != { ... }),
and a named set of ports excluded from a drop (udp dport != @allowed)."""
from flows import TcpConn, UdpFlow
from scapy.all import TCP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.7", "198.51.100.10", "192.0.2.20"]
SETUP = [
    "nft add table inet fw",
    "nft 'add set inet fw allowed { type inet_service; elements = { 53, 123 } }'",
    "nft 'add chain inet fw forward { type filter hook forward priority filter; policy accept; }'",
    "nft 'add rule inet fw forward ct state established,related counter accept'",
    "nft 'add rule inet fw forward iifname != { \"eth0\", \"lo\" } ct state new counter drop'",
    "nft 'add rule inet fw forward udp dport != @allowed counter drop'",
    "nft add table ip natfw",
    "nft 'add chain ip natfw post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft 'add rule ip natfw post oifname eth1 ip daddr != { 192.0.2.0/24, 10.0.0.0/8 } counter masquerade'",
]


def steps(h):
    # A) LAN -> WAN web: masqueraded (198.51.100.10 is no excluded destination)
    a = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=1000, sisn=5000)
    a.handshake()
    # B) LAN -> 192.0.2.20 (excluded): forwarded without NAT, source kept
    b = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "192.0.2.20", 80, cisn=1100, sisn=5100)
    b.handshake()
    # C) LAN DNS (port in @allowed): masqueraded; LAN UDP 5000: dropped
    c = UdpFlow(h, "lan", "wan", "10.0.0.3", 5353, "198.51.100.7", 53)
    c.c(b"q")
    c.s(b"a")
    d = UdpFlow(h, "lan", "wan", "10.0.0.3", 5354, "198.51.100.7", 5000)
    d.c(b"x", expect=False)
    h.expect_nothing("wan", 0.4, "udp dport not in @allowed")
    # D) WAN -> LAN new connection: iifname eth1 is in no element: dropped
    e = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "10.0.0.2", 22, cisn=3000)
    e.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "new from the WAN device")
    h.gw("conntrack -L")
