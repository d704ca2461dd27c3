"""tcp-window-edges: TCP tracking corner cases through MASQUERADE: a retransmitted SYN (still NEW),
data far beyond the window (INVALID, dropped by an INVALID rule), the same after
tcp_be_liberal=1 (accepted), a RST with a sequence outside the window (INVALID), a SYN inside an
established connection (ignored), then a valid RST that ends it."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]


def seg(src, sport, dst, dport, flags, seq, ack, data=b""):
    p = IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240)
    return p / Raw(data) if data else p


def steps(h):
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 42000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    t.c("S")
    t.cseq -= 1
    t.c("S")                      # retransmitted SYN
    t.s("SA")
    t.c("A")
    t.c("PA", b"hello")
    t.s("A")
    # data far beyond the receiver's window: INVALID, dropped
    h.send("lan", seg("10.0.0.2", 42000, "198.51.100.10", 80, "PA", t.cseq + 10000000, t.sseq, b"far"))
    h.expect_nothing("wan", 0.4, "out-of-window data dropped")
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1")
    h.send("lan", seg("10.0.0.2", 42000, "198.51.100.10", 80, "PA", t.cseq + 10000000, t.sseq, b"far"))
    h.expect("wan", lambda q: TCP in q and bytes(q[TCP].payload) == b"far", what="accepted with be_liberal")
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=0")
    # a RST far outside the window from the server
    h.send("wan", seg("198.51.100.10", 80, "203.0.113.1", 42000, "R", t.sseq + 5000000, 0))
    h.expect_nothing("lan", 0.4, "out-of-window RST")
    # a SYN from the client inside the established connection
    h.send("lan", seg("10.0.0.2", 42000, "198.51.100.10", 80, "S", 555555, 0))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN in ESTABLISHED", missing_ok=True)
    t.c("PA", b"more")
    t.s("R")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
