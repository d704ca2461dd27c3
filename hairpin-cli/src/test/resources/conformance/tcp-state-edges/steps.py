"""tcp-state-edges: conntrack's TCP state machine on less common paths, through MASQUERADE:
simultaneous open (SYN both ways: SYN_SENT2), simultaneous close (FINs crossing), a new SYN on a
TIME_WAIT entry (reopen: DESTROY then NEW), a server RST answering a SYN (entry killed at once,
no reply seen), a SYN after a RST-closed entry (reopen), half-close with data after the FIN, an
in-window RST whose sequence is not the expected one (challenge-ACK case), and mid-stream
pick-up with tcp_loose=1 then 0."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]
S = "198.51.100.10"


def out(h, sport, dport, flags, seq, ack, data=b""):
    """LAN -> WAN segment; expect it forwarded unless dropped."""
    p = IP(src="10.0.0.2", dst=S) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240)
    if data:
        p = p / Raw(data)
    h.send("lan", p)
    return h.expect("wan", lambda q: TCP in q and q[TCP].seq == seq and str(q[TCP].flags) == flags,
                    what="%d %s" % (sport, flags), missing_ok=True)


def back(h, sport, dport, flags, seq, ack, data=b""):
    p = IP(src=S, dst="203.0.113.1") / TCP(sport=dport, dport=sport, flags=flags, seq=seq, ack=ack, window=64240)
    if data:
        p = p / Raw(data)
    h.send("wan", p)
    return h.expect("lan", lambda q: TCP in q and q[TCP].seq == seq and str(q[TCP].flags) == flags,
                    what="reply %d %s" % (sport, flags), missing_ok=True)


def steps(h):
    # A) simultaneous open: both send SYN, then both SYN-ACK, then data
    out(h, 41000, 5000, "S", 100, 0)
    back(h, 41000, 5000, "S", 900, 0)
    out(h, 41000, 5000, "SA", 100, 901)
    back(h, 41000, 5000, "SA", 900, 101)
    out(h, 41000, 5000, "PA", 101, 901, b"hi")
    back(h, 41000, 5000, "A", 901, 103)
    # B) simultaneous close: FINs cross, then both ACK
    out(h, 41000, 5000, "FA", 103, 901)
    back(h, 41000, 5000, "FA", 901, 103)
    out(h, 41000, 5000, "A", 104, 902)
    back(h, 41000, 5000, "A", 902, 104)
    h.gw("conntrack -L -p tcp --sport 41000")
    # C) a new SYN on the TIME_WAIT entry (higher ISN): reopen
    out(h, 41000, 5000, "S", 50000, 0)
    back(h, 41000, 5000, "SA", 70000, 50001)
    out(h, 41000, 5000, "A", 50001, 70001)
    # D) a SYN answered by RST/ACK: the entry dies at once (never saw a reply)
    out(h, 41001, 5001, "S", 200, 0)
    back(h, 41001, 5001, "RA", 0, 201)
    h.gw("conntrack -L -p tcp --sport 41001")
    # E) established, server RST (exact seq): CLOSE; a new SYN on the same tuple reopens it
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 41002, S, 5002, cisn=300, sisn=3000)
    t.handshake()
    t.s("R")
    out(h, 41002, 5002, "S", 9000, 0)
    back(h, 41002, 5002, "SA", 9900, 9001)
    out(h, 41002, 5002, "A", 9001, 9901)
    # F) half close: client FIN, server keeps sending, client ACKs, server FIN, last ACK
    f = TcpConn(h, "lan", "wan", "10.0.0.2", 41003, S, 5003, cisn=400, sisn=4000)
    f.handshake()
    f.c("FA")
    f.s("PA", b"more data")
    f.c("A")
    f.s("FA")
    f.c("A")
    # G) an in-window RST from the client whose seq is not the next expected one
    g = TcpConn(h, "lan", "wan", "10.0.0.2", 41004, S, 5004, cisn=500, sisn=5000)
    g.handshake()
    g.c("PA", b"abc")
    g.s("A")
    out(h, 41004, 5004, "R", 600, 0)
    h.gw("conntrack -L -p tcp --sport 41004")
    g.s("PA", b"still")
    g.c("A")
    # H) mid-stream segments of an unknown connection: picked up with tcp_loose=1, INVALID with 0
    out(h, 41005, 5005, "PA", 7000, 8000, b"mid")
    back(h, 41005, 5005, "A", 8000, 7003)
    out(h, 41005, 5005, "A", 7003, 8000)
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_loose=0")
    out(h, 41006, 5006, "PA", 7000, 8000, b"mid")
    h.gw("conntrack -L")
