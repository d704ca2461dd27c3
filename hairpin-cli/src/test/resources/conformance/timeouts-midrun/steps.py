"""timeouts-midrun: conntrack timeout sysctls changed under live entries. A timeout is applied when
a packet refreshes the entry, so a change reaches an existing entry only at its next packet:
udp_timeout lowered (a new unreplied flow expires fast, an older replied one keeps its timer until
its next packet), udp_timeout_stream for an ASSURED flow, tcp_timeout_established lowered so an
idle connection expires; its next segment is picked up again mid-stream (tcp_loose)."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 53)
    a.c(b"a1")
    a.s(b"a1 reply")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 46000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    t.handshake()
    s = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, "198.51.100.10", 123)
    s.c(b"s1")
    s.s(b"s1 reply")
    h.gw("sysctl -w net.netfilter.nf_conntrack_udp_timeout=2")
    h.gw("sysctl -w net.netfilter.nf_conntrack_udp_timeout_stream=3")
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=4")
    b = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, "198.51.100.10", 53)
    b.c(b"b1")
    h.sleep(2.5, "b (unreplied, 2 s) expires; s has not been touched since the change")
    s.c(b"s2")
    s.s(b"s2 reply")
    t.c("PA", b"req")
    t.s("A")
    h.gw("conntrack -L")
    h.sleep(3.5, "s (assured now: stream timeout 3 s) expires, t has 4 s")
    h.gw("conntrack -L")
    h.sleep(1.5, "t expires; a keeps the 30 s it had before the change")
    h.gw("conntrack -L")
    t.c("PA", b"more")
    t.s("A")
    a.c(b"a2")
    h.gw("conntrack -L")
