"""masquerade-source-select: which address MASQUERADE takes when eth1 has several: a secondary
203.0.113.5 in the primary's subnet, a second subnet 192.0.2.1/24, a route with `src 203.0.113.5`
(MASQUERADE ignores the route's preferred source: inet_select_addr(out, nexthop)), a route via a
gateway in the second subnet, and a destination on the second subnet's link."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.200", "198.51.100.70", "192.0.2.50", "192.0.2.254"]
SETUP = [
    "ip addr add 203.0.113.5/24 dev eth1",
    "ip addr add 192.0.2.1/24 dev eth1",
    "ip route add 198.51.100.128/25 via 203.0.113.254 dev eth1 src 203.0.113.5",
    "ip route add 198.51.100.64/26 via 192.0.2.254 dev eth1",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    for i, dst in enumerate(["198.51.100.10", "198.51.100.200", "198.51.100.70", "192.0.2.50"]):
        u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000 + i, dst, 53)
        u.c(b"query %d" % i)
        u.s(b"answer %d" % i)
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 45000, "198.51.100.200", 443, cisn=1000, sisn=7000)
    t.handshake()
    t.c("PA", b"hello")
    t.s("A")
    h.gw("conntrack -L")
