"""tcp-retrans-zerowin: which timeout an ESTABLISHED entry gets (tcp_packet's ladder): the
retransmission count against nf_conntrack_tcp_max_retrans (timeout_max_retrans), unacknowledged
data (timeout_unacknowledged), a zero window (last_win == 0: timeout_max_retrans too), and the
entries expiring on those short timeouts, through MASQUERADE."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SYSCTL = [
    ("net.netfilter.nf_conntrack_tcp_max_retrans", "2"),
    ("net.netfilter.nf_conntrack_tcp_timeout_max_retrans", "4"),
    ("net.netfilter.nf_conntrack_tcp_timeout_unacknowledged", "6"),
]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]


def steps(h):
    # A) data the server never acknowledges: unacknowledged timeout (6 s)
    a = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    a.handshake()
    a.c("PA", b"unacked-data")
    h.gw("conntrack -L")
    # B) the same segment three times: retrans 1, 2 -> timeout_max_retrans (4 s)
    b = TcpConn(h, "lan", "wan", "10.0.0.2", 41001, "198.51.100.10", 80, cisn=2000, sisn=8000)
    b.handshake()
    b.c("PA", b"hello")
    b.s("A")
    for i in range(3):
        b.c("PA", b"lost?")
        b.cseq -= 5
        if i == 0:
            h.gw("conntrack -L")
    h.gw("conntrack -L")
    b.cseq += 5
    b.s("A")                      # acknowledged: a new segment resets the count
    b.c("PA", b"next")
    b.s("A")
    h.gw("conntrack -L")
    # C) the server advertises a zero window: last_win == 0 -> timeout_max_retrans
    c = TcpConn(h, "lan", "wan", "10.0.0.2", 41002, "198.51.100.10", 80, cisn=3000, sisn=9000)
    c.handshake()
    c.c("PA", b"fill")
    c.win = 0
    c.s("A")
    h.gw("conntrack -L")
    c.win = 64240
    c.s("A")                      # window update
    h.gw("conntrack -L")
    c.win = 0
    c.s("A")
    # D) wait: C (4 s) and then A (6 s) expire; B stays (ESTABLISHED)
    h.sleep(4.5, "zero-window entry expires")
    h.gw("conntrack -L")
    h.sleep(2.0, "unacknowledged entry expires")
    h.gw("conntrack -L")
    # E) the server's late ACK for A: no entry any more; not forwarded
    a.s("A", missing_ok=True)
    h.gw("conntrack -L")
