"""masquerade-addr-change: the WAN address changes under live MASQUERADE flows (a DHCP/PPP
renumbering): adding a second address flushes nothing; deleting the address the flows were
masqueraded to destroys exactly those entries (MASQUERADE's inetaddr notifier; SNAT entries to
the same address stay); the flows' next packets make new entries masqueraded to the new address
(TCP picked up mid-stream with tcp_loose=1). promote_secondaries=1 (systemd's default): the
second address becomes primary, routes and neighbours stay."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.53"]
SYSCTL = [("net.ipv4.conf.all.promote_secondaries", "1")]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -s 10.0.0.3 -j SNAT --to-source 203.0.113.1",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query-1")
    u.s(b"answer-1")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=1000, sisn=5000)
    t.handshake()
    t.c("PA", b"one")
    t.s("A")
    s = TcpConn(h, "lan", "wan", "10.0.0.3", 40001, "198.51.100.10", 80, cisn=2000, sisn=6000)
    s.handshake()
    # a second address on eth1: nothing is flushed
    h.gw("ip addr add 203.0.113.7/24 dev eth1")
    h.gw("conntrack -L")
    # the first address goes; promote_secondaries=1 makes 203.0.113.7 the primary
    h.gw("ip addr del 203.0.113.1/24 dev eth1")
    h.sleep(0.3, "(the flush runs from a work queue)")
    h.gw("conntrack -L")
    # the flows go on: new entries, masqueraded to 203.0.113.7
    t.srv_view = None
    t.c("PA", b"two")
    t.s("A")
    u.srv_view = None
    u.c(b"query-2")
    u.s(b"answer-2")
    # the SNAT flow kept its entry and its mapping to 203.0.113.1
    s.c("PA", b"snat")
    s.s("A")
    h.gw("conntrack -L")
