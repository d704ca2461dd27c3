"""policy-routing-fwmark: policy routing with NAT: a second uplink (10.0.0.254, on the LAN
side) in routing table 100, chosen by `ip rule fwmark 0x1/0xff` (mangle PREROUTING marks SSH,
CONNMARK saves/restores it) and by `ip rule from 10.0.0.3`; table 100 has a more specific
route back via eth1. MASQUERADE on both uplinks: traffic leaving by eth0 is masqueraded to
10.0.0.1."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.254"]
WAN_IPS = ["198.51.100.10", "198.51.100.200"]
SETUP = [
    "ip route add default via 10.0.0.254 dev eth0 table 100",
    "ip route add 198.51.100.128/25 via 203.0.113.254 dev eth1 table 100",
    "ip rule add fwmark 0x1/0xff lookup 100 priority 1000",
    "ip rule add from 10.0.0.3 lookup 100 priority 1001",
    "iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark",
    "iptables -t mangle -A PREROUTING -i eth0 -p tcp --dport 22 -j MARK --set-mark 0x1",
    "iptables -t mangle -A PREROUTING -j CONNMARK --save-mark",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -o eth0 -s 10.0.0.0/24 ! -d 10.0.0.0/24 -j MASQUERADE",
]


def tcp(h, src, sport, dst, dport, side, cisn, sisn):
    t = TcpConn(h, "lan", side, src, sport, dst, dport, cisn=cisn, sisn=sisn)
    t.handshake()
    t.c("PA", b"hello")
    t.s("PA", b"world")
    t.c("FA")
    t.s("FA")
    t.c("A")


def steps(h):
    # A) 10.0.0.2 web: main table, out eth1 as 203.0.113.1
    tcp(h, "10.0.0.2", 40000, "198.51.100.10", 80, "wan", 1000, 5000)
    # B) 10.0.0.2 SSH: marked 1 -> table 100 -> via 10.0.0.254 on eth0, masqueraded to 10.0.0.1;
    #    the replies (in on eth0) carry the restored mark
    tcp(h, "10.0.0.2", 40001, "198.51.100.10", 22, "lan", 2000, 6000)
    # C) 10.0.0.3 (from rule): table 100 -> eth0; UDP too
    tcp(h, "10.0.0.3", 40002, "198.51.100.10", 80, "lan", 3000, 7000)
    u = UdpFlow(h, "lan", "lan", "10.0.0.3", 5353, "198.51.100.10", 53)
    u.c(b"query")
    u.s(b"answer")
    # D) 10.0.0.3 to 198.51.100.200: table 100's specific route via eth1
    tcp(h, "10.0.0.3", 40003, "198.51.100.200", 80, "wan", 4000, 8000)
    h.gw("conntrack -L")
