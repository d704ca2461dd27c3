"""tcp-resync-ignored: the TCP tracker's out-of-sync paths through MASQUERADE (a client restarting
with the same source port while the gateway still holds the old connection), SYN/SYN-ACK
retransmissions with another ISN, and the RFC 5961 challenge ACK in LAST_ACK."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED",
]


def restart(t, isn):
    """the client forgot the connection: a SYN with a new ISN on the same ports."""
    t.cseq = isn
    return t.c("S", missing_ok=True)


def steps(h):
    # A) established; the client restarts (SYN, new ISN): ignored but forwarded; the server's
    #    SYN/ACK acknowledging it resynchronises the entry (SYN_RECV), the ACK re-establishes it.
    a = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, "198.51.100.10", 80, cisn=1000, sisn=7000)
    a.handshake()
    a.c("PA", b"one")
    a.s("A")
    restart(a, 3000000000)
    a.sseq = 900000000
    a.s("SA", missing_ok=True)
    a.c("A", missing_ok=True)
    a.c("PA", b"two", missing_ok=True)
    a.s("A", missing_ok=True)
    h.gw("conntrack -L")

    # B) established; the client restarts, the server answers the ignored SYN with a challenge
    #    ACK (old sequence space), the client resets with the ACK's ack number, then SYNs again.
    b = TcpConn(h, "lan", "wan", "10.0.0.2", 41001, "198.51.100.10", 80, cisn=5000, sisn=9000)
    b.handshake()
    b.c("PA", b"data")
    b.s("PA", b"resp")
    b.c("A")
    old_c = b.cseq
    restart(b, 2000000000)
    b.cseq = old_c               # the challenge ACK acks the old stream
    b.s("A", missing_ok=True)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") /
           TCP(sport=41001, dport=80, flags="R", seq=old_c, window=0))
    h.expect("wan", lambda q: TCP in q and q[TCP].sport != 80 and q[TCP].flags == "R",
             what="client RST after challenge ACK", missing_ok=True)
    h.gw("conntrack -L")
    b.cseq = 2000000000
    b.c("S", missing_ok=True)
    b.sseq = 123456
    b.s("SA", missing_ok=True)
    b.c("A", missing_ok=True)

    # C) SYN retransmitted with a higher ISN (SYN_SENT reinit), then with a lower one.
    c = TcpConn(h, "lan", "wan", "10.0.0.2", 41002, "198.51.100.10", 80, cisn=50000, sisn=11000)
    c.c("S")
    c.cseq = 80000
    c.c("S", missing_ok=True)
    c.cseq = 20000
    c.c("S", missing_ok=True)
    c.cseq = 80001
    c.s("SA", missing_ok=True)     # acks the higher ISN
    c.c("A", missing_ok=True)
    c.c("PA", b"x", missing_ok=True)
    h.gw("conntrack -L")

    # D) SYN/ACK retransmitted with another ISN (SYN_RECV reinit from the reply side).
    d = TcpConn(h, "lan", "wan", "10.0.0.2", 41003, "198.51.100.10", 80, cisn=60000, sisn=30000)
    d.c("S")
    d.s("SA")
    d.sseq = 40000
    d.s("SA", missing_ok=True)
    d.sseq = 10000
    d.s("SA", missing_ok=True)
    d.sseq = 40001
    d.c("A", missing_ok=True)
    d.s("PA", b"y", missing_ok=True)
    d.c("A", missing_ok=True)
    h.gw("conntrack -L")

    # E) LAST_ACK: client FIN, server FIN/ACK; the client restarts before acking (SYN ignored,
    #    challenge ACK expected); the server's challenge ACK is let through, the client's RST
    #    ends the entry and its next SYN opens a new one.
    e = TcpConn(h, "lan", "wan", "10.0.0.2", 41004, "198.51.100.10", 80, cisn=70000, sisn=90000)
    e.handshake()
    e.c("FA")
    e.s("FA")
    fin_acked = e.cseq
    restart(e, 1500000000)
    e.cseq = fin_acked
    e.s("A", missing_ok=True)      # challenge ACK
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") /
           TCP(sport=41004, dport=80, flags="R", seq=fin_acked, window=0))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "R", what="RST after challenge", missing_ok=True)
    e.cseq = 1500000000
    e.c("S", missing_ok=True)
    e.sseq = 555000
    e.s("SA", missing_ok=True)
    e.c("A", missing_ok=True)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
