"""dnat-ranges-ctstate: DNAT to an address range and to a port range, REDIRECT to a port range,
MASQUERADE --to-ports, SNAT --persistent with a range, and a filter FORWARD policy DROP that
accepts by conntrack details as router firewalls do (`--ctstate DNAT`, `--ctorigdstport`,
`--ctstatus ASSURED`, `--ctdir REPLY`, `--ctstate SNAT`, `--ctorigsrc`)."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
WAN_IPS = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.10"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5-10.0.0.7",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 9000:9009 -j DNAT --to-destination 10.0.0.5:7000-7009",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5000 -j DNAT --to-destination 10.0.0.6:6000-6002",
    "iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 25 -j REDIRECT --to-ports 2525-2530",
    "iptables -t nat -A POSTROUTING -o eth1 -p udp -j MASQUERADE --to-ports 40000-40009",
    "iptables -t nat -A POSTROUTING -o eth1 -p tcp -s 10.0.0.3 -j SNAT --to-source 203.0.113.10-203.0.113.12 --persistent",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -P FORWARD DROP",
    "iptables -A FORWARD -m conntrack --ctstate DNAT --ctorigdstport 8080 -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctstate DNAT --ctorigdst 203.0.113.1 -p tcp -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctstate DNAT -p udp -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctdir REPLY --ctstatus ASSURED -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctdir REPLY --ctstate ESTABLISHED -j ACCEPT",
    "iptables -A FORWARD -i eth0 -o eth1 -m conntrack --ctstate SNAT --ctorigsrc 10.0.0.0/24 -j ACCEPT",
    "iptables -A FORWARD -i eth0 -o eth1 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT",
]


def steps(h):
    # A) DNAT to 10.0.0.5-10.0.0.7: the address is a hash of (client, public address)
    for i, c in enumerate(("198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.7")):
        t = TcpConn(h, "wan", "lan", c, 50000 + i, "203.0.113.1", 8080, cisn=1000 * (i + 1), sisn=9000 + i)
        t.handshake()
        t.c("PA", b"x")
        t.s("A")
    # B) DNAT port range 7000-7009 for dports 9000-9009: starts at the lowest port; two clients share 7000
    for i, (c, dp) in enumerate((("198.51.100.7", 9000), ("198.51.100.8", 9005), ("198.51.100.7", 9001))):
        t = TcpConn(h, "wan", "lan", c, 51000 + i, "203.0.113.1", dp, cisn=100 + i, sisn=200 + i)
        t.handshake()
    # C) UDP DNAT to 10.0.0.6:6000-6002 from the same client port twice (different public port? no: same)
    u = UdpFlow(h, "wan", "lan", "198.51.100.10", 3000, "203.0.113.1", 5000)
    u.c(b"u1")
    u.s(b"u1r")
    v = UdpFlow(h, "wan", "lan", "198.51.100.9", 3000, "203.0.113.1", 5000)
    v.c(b"u2")
    # D) REDIRECT to 2525-2530: the gateway has no listener, it answers RST from the original address
    r = TcpConn(h, "lan", "lan", "10.0.0.2", 41000, "198.51.100.10", 25, cisn=500)
    r.c("S", expect=False)
    h.expect("lan", lambda q: q.haslayer("TCP") and q["TCP"].flags.R, what="RST from 198.51.100.10:25")
    # E) MASQUERADE --to-ports 40000-40009 for UDP: random port in the range
    for i, src in enumerate(("10.0.0.2", "10.0.0.3")):
        w = UdpFlow(h, "lan", "wan", src, 5353, "198.51.100.10", 53)
        w.c(b"q%d" % i)
        w.s(b"a%d" % i)
    # F) SNAT --persistent 203.0.113.10-12 for 10.0.0.3's TCP: same address for every server
    for i, d in enumerate(("198.51.100.7", "198.51.100.8")):
        t = TcpConn(h, "lan", "wan", "10.0.0.3", 42000 + i, d, 443, cisn=3000 + i, sisn=4000 + i)
        t.handshake()
    # G) plain MASQUERADE TCP from 10.0.0.2, accepted by the --ctstate SNAT rule
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 43000, "198.51.100.9", 80, cisn=7000, sisn=8000)
    t.handshake()
    t.c("PA", b"GET /")
    t.s("PA", b"200")
    # H) WAN -> LAN port not DNATed: routed straight to 10.0.0.5, dropped by policy
    x = TcpConn(h, "wan", "lan", "198.51.100.7", 52000, "10.0.0.5", 22, cisn=1)
    x.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "FORWARD policy DROP")
    h.gw("conntrack -L")
