"""conntrack-on-demand: conntrack's hooks run in a namespace only while some rule holds a reference
(nf_ct_netns_get(): NAT targets, conntrack/state/connmark matches...). With counting rules only,
nothing is tracked; a MASQUERADE rule added mid-run starts tracking: an established UDP flow's
next datagram makes a NEW entry and is NATed from then on, a TCP connection is picked up
mid-stream (tcp_loose) and NATed too; deleting the rule stops tracking: the entries stay in the
table, later packets neither move them nor get NATed."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -A FORWARD -p udp",
    "iptables -A FORWARD -p tcp",
    "iptables -t nat -N COUNT",
    "iptables -t nat -A COUNT -p udp",
]


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 53)
    u.c(b"q1")
    u.s(b"a1")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 44000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    t.handshake()
    t.c("PA", b"req1")
    t.s("A")
    h.gw("conntrack -L")
    h.gw("iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE")
    u.srv_view = None
    u.c(b"q2")
    u.s(b"a2")
    t.srv_view = None
    t.c("PA", b"req2")
    t.s("A")
    t.s("PA", b"resp")
    t.c("A")
    h.gw("conntrack -L")
    h.gw("iptables -t nat -D POSTROUTING -o eth1 -j MASQUERADE")
    u.srv_view = None
    u.c(b"q3")
    u.s(b"a3")
    t.srv_view = None
    t.c("PA", b"req3")
    t.s("A")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
