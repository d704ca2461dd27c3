"""snat-ranges: SNAT to an address and port range without --random: the address chosen by hash of
(source, destination), a source port inside the range kept, one outside it replaced by one of the
range, the mapping of a (source, port) reused for another destination; --persistent keeps the
address per source whatever the destination."""
from flows import UdpFlow, TcpConn

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
WAN_IPS = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -p udp -j SNAT --to-source 203.0.113.1-203.0.113.3:30000-30010",
    "iptables -t nat -A POSTROUTING -o eth1 -p tcp -j SNAT --to-source 203.0.113.4-203.0.113.6 --persistent",
]


def steps(h):
    flows = [("10.0.0.2", 30005, "198.51.100.10"),   # port inside the range: kept if unique
             ("10.0.0.2", 5000, "198.51.100.10"),    # outside: a port of the range
             ("10.0.0.2", 5000, "198.51.100.11"),    # same source and port: the same mapping
             ("10.0.0.3", 30005, "198.51.100.10"),   # another source, the same port
             ("10.0.0.4", 30005, "198.51.100.12")]
    for src, sport, dst in flows:
        u = UdpFlow(h, "lan", "wan", src, sport, dst, 53)
        u.c(b"q")
        u.s(b"a")
    for i, dst in enumerate(("198.51.100.10", "198.51.100.11", "198.51.100.12")):
        t = TcpConn(h, "lan", "wan", "10.0.0.3", 41000 + i, dst, 443, cisn=1000 + i, sisn=9000)
        t.handshake()
    h.gw("conntrack -L")
