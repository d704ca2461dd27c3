"""tcp-rst-pickup: resets and first packets the TCP tracker judges: a RST/ACK in SYN_SENT with
the wrong ack, then the right one; an out-of-window RST with nf_conntrack_tcp_ignore_invalid_rst
before the peer's highest ack with
nf_conntrack_tcp_ignore_invalid_rst on and off; a SYN/ACK, a RST and a FIN/ACK as the first
packet of a flow (never a new entry), and a plain ACK (picked up with tcp_loose)."""
from flows import TcpConn
from scapy.all import IP, TCP

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED",
]
SRV = "198.51.100.10"
GW = "203.0.113.1"


def steps(h):
    # A) SYN, then RST/ACK with a wrong ack: still SYN_SENT; then the right RST/ACK: CLOSE
    a = TcpConn(h, "lan", "wan", "10.0.0.2", 42000, SRV, 80, cisn=1000, sisn=0)
    a.c("S")
    h.send("wan", IP(src=SRV, dst=GW) / TCP(sport=80, dport=42000, flags="RA", seq=0, ack=5555))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "RA", what="rst wrong ack", missing_ok=True)
    h.gw("conntrack -L")
    h.send("wan", IP(src=SRV, dst=GW) / TCP(sport=80, dport=42000, flags="RA", seq=0, ack=1001))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "RA" and q[TCP].ack == 1001, what="rst right ack")
    # B) established; a RST with a sequence before the client's highest ack, with
    #    ignore_invalid_rst=1 (the 'invalid rst' check is skipped; the window check judges) then 0
    b = TcpConn(h, "lan", "wan", "10.0.0.2", 42001, SRV, 80, cisn=3000, sisn=7000)
    b.handshake()
    b.c("PA", b"GET")
    b.s("A")
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=1")
    h.send("wan", IP(src=SRV, dst=GW) / TCP(sport=80, dport=42001, flags="R", seq=(7001 - 1000000) % 2**32))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "R", what="ignored rst", missing_ok=True)
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=0")
    h.send("wan", IP(src=SRV, dst=GW) / TCP(sport=80, dport=42001, flags="R", seq=(7001 - 1000000) % 2**32))
    h.expect_nothing("lan", 0.4, "invalid rst dropped")
    b.c("A")
    h.gw("conntrack -L")
    # C) first packets that are no SYN
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / TCP(sport=42002, dport=80, flags="SA", seq=100, ack=200))
    h.expect_nothing("wan", 0.4, "syn/ack first: invalid")
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / TCP(sport=42003, dport=80, flags="R", seq=100))
    h.expect_nothing("wan", 0.4, "rst first: invalid")
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / TCP(sport=42004, dport=80, flags="FA", seq=100, ack=200))
    h.expect("wan", lambda q: TCP in q and q[TCP].sport == 42004, what="fin/ack first", missing_ok=True)
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / TCP(sport=42005, dport=80, flags="A", seq=100, ack=200))
    h.expect("wan", lambda q: TCP in q and q[TCP].sport == 42005, what="ack first: picked up")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
