"""forwarding-toggle: ip_forward and per-device forwarding changed under live NATed flows. The
check is on the INPUT device (ip_route_input_slow: IN_DEV_FORWARD(in_dev)): with
ip_forward=0 nothing is forwarded either way (the new flow's entry is never confirmed: no event)
while the gateway still answers for itself; with only eth1's forwarding off, LAN->WAN goes out
but replies from eth1 are dropped."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import IP, UDP, TCP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p udp",
    "iptables -t nat -A PREROUTING -p udp",
]


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 53)
    u.c(b"q1")
    u.s(b"a1")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 43000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    t.handshake()
    h.gw("sysctl -w net.ipv4.ip_forward=0")
    u.c(b"q2", expect=False)
    h.expect_nothing("wan", 0.4, "forwarding off: LAN datagram dropped")
    u.s(b"a2", expect=False)
    h.expect_nothing("lan", 0.4, "forwarding off: reply dropped")
    n = UdpFlow(h, "lan", "wan", "10.0.0.3", 5001, "198.51.100.10", 53)
    n.c(b"new", expect=False)
    h.expect_nothing("wan", 0.4, "forwarding off: new flow dropped")
    h.send("lan", IP(src="10.0.0.3", dst="10.0.0.1") / ICMP(type=8, id=9, seq=1) / Raw(b"gw"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="gw still answers pings")
    h.gw("conntrack -L")
    h.gw("sysctl -w net.ipv4.ip_forward=1")
    u.c(b"q3")
    u.s(b"a3")
    t.c("PA", b"data")
    t.s("A")
    h.gw("sysctl -w net.ipv4.conf.eth1.forwarding=0")
    u.c(b"q4")
    u.s(b"a4", expect=False)
    h.expect_nothing("lan", 0.4, "eth1 forwarding off: reply dropped")
    t.c("PA", b"more")
    t.s("A", expect=False)
    h.expect_nothing("lan", 0.4, "eth1 forwarding off: TCP ack dropped")
    h.gw("sysctl -w net.ipv4.conf.eth1.forwarding=1")
    u.s(b"a5")
    h.gw("conntrack -L")
