"""tcp-flags-invalid: TCP segments with flag combinations conntrack refuses (tcp_valid_flags), with
NO drop rule: INVALID packets carry no conntrack entry, so MASQUERADE never sees them and they leave
with their LAN source; counted by `--ctstate INVALID` rules. SYN+FIN, SYN+RST, no flags,
FIN+PSH+URG, a lone FIN and a lone RST as first packets; a SYN+FIN inside an established connection
(INVALID, the connection unharmed)."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t mangle -A PREROUTING -m conntrack --ctstate INVALID",
    "iptables -A FORWARD -m conntrack --ctstate INVALID",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -t nat -A POSTROUTING -p tcp",
]


def seg(sport, flags, seq=100, ack=0, data=b""):
    p = IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=sport, dport=80, flags=flags, seq=seq, ack=ack, window=64240)
    return p / Raw(data) if data else p


def fwd(h, sport, flags, what):
    h.send("lan", seg(sport, flags))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 80 and q[TCP].sport == sport, what=what, missing_ok=True)


def steps(h):
    fwd(h, 42001, "SF", "SYN+FIN")
    fwd(h, 42002, "SR", "SYN+RST")
    fwd(h, 42003, "", "no flags")
    fwd(h, 42004, "FPU", "FIN+PSH+URG")
    fwd(h, 42005, "F", "lone FIN")
    fwd(h, 42006, "R", "lone RST")
    fwd(h, 42007, "SU", "SYN+URG (valid)")
    fwd(h, 42008, "SE", "SYN+ECE (valid: ECE ignored)")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 42010, "198.51.100.10", 80, cisn=1000, sisn=7000)
    t.handshake()
    t.c("PA", b"hello")
    t.s("A")
    h.send("lan", seg(42010, "SF", seq=t.cseq, ack=t.sseq))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "SF", what="SYN+FIN mid-connection", missing_ok=True)
    t.c("PA", b"more")
    t.s("A")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
