"""tcp-wscale-sack: conntrack's TCP window tracking with the options of a modern stack through
MASQUERADE (`FORWARD --ctstate INVALID -j DROP`): window scaling negotiated by both sides (a
segment far ahead fits only the scaled window), offered by one side only (no scaling: dropped),
a scale of 15 (clamped to 14); SACK blocks beyond the data sent (with SACK permitted on both
sides / on one side only); a SYN-ACK acknowledging the wrong sequence; a retransmitted SYN after
the SYN-ACK; the same unacknowledged segment retransmitted past nf_conntrack_tcp_max_retrans
(timeout_max_retrans 2 s: the entry is gone 3 s later and the next segment is picked up)."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SYSCTL = [("net.netfilter.nf_conntrack_tcp_timeout_max_retrans", "2")]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]
S = "198.51.100.10"


def out(h, sport, dport, flags, seq, ack, data=b"", win=64240, opts=None, missing_ok=False):
    p = IP(src="10.0.0.2", dst=S) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=win,
                                         options=opts or [])
    if data:
        p = p / Raw(data)
    h.send("lan", p)
    return h.expect("wan", lambda q: TCP in q and q[TCP].seq == seq and str(q[TCP].flags) == flags
                    and q[TCP].sport != 0, timeout=0.5, what="%d %s seq %d" % (sport, flags, seq), missing_ok=missing_ok)


def back(h, sport, dport, flags, seq, ack, data=b"", win=64240, opts=None, missing_ok=False):
    p = IP(src=S, dst="203.0.113.1") / TCP(sport=dport, dport=sport, flags=flags, seq=seq, ack=ack, window=win,
                                            options=opts or [])
    if data:
        p = p / Raw(data)
    h.send("wan", p)
    return h.expect("lan", lambda q: TCP in q and q[TCP].seq == seq and str(q[TCP].flags) == flags,
                    timeout=0.5, what="reply %d %s seq %d" % (sport, flags, seq), missing_ok=missing_ok)


def steps(h):
    # A) both sides scale by 7; the server advertises 512 (64 KiB scaled): data 30000 bytes ahead fits
    out(h, 42000, 80, "S", 1000, 0, win=64240, opts=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)])
    back(h, 42000, 80, "SA", 5000, 1001, win=65160, opts=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)])
    out(h, 42000, 80, "A", 1001, 5001, win=502)
    back(h, 42000, 80, "A", 5001, 1001, win=512)
    # SACK (permitted both ways): a block inside what the server sent is fine; a block the
    # server never sent is INVALID
    back(h, 42000, 80, "PA", 5001, 1001, b"x" * 200, win=512)
    out(h, 42000, 80, "A", 1001, 5001, win=502, opts=[("NOP", None), ("NOP", None), ("SAck", (5101, 5201))],
        missing_ok=True)
    out(h, 42000, 80, "A", 1001, 5001, win=502, opts=[("NOP", None), ("NOP", None), ("SAck", (5001 + 100000, 5001 + 100100))],
        missing_ok=True)
    out(h, 42000, 80, "A", 1001, 5201, win=502, missing_ok=True)
    # data 30000 bytes ahead, then 70000 bytes ahead
    out(h, 42000, 80, "PA", 1001 + 30000, 5201, b"ahead", win=502, missing_ok=True)
    out(h, 42000, 80, "PA", 1001 + 70000, 5201, b"beyond", win=502, missing_ok=True)
    # B) only the client offers window scaling: neither side scales; the server's 512 is 512 bytes
    out(h, 42001, 80, "S", 2000, 0, win=64240, opts=[("MSS", 1460), ("WScale", 7)])
    back(h, 42001, 80, "SA", 6000, 2001, win=65160, opts=[("MSS", 1460), ("SAckOK", b"")])
    out(h, 42001, 80, "A", 2001, 6001, win=64240)
    back(h, 42001, 80, "A", 6001, 2001, win=512)
    out(h, 42001, 80, "PA", 2001 + 30000, 6001, b"ahead", missing_ok=True)
    out(h, 42001, 80, "PA", 2001 + 400, 6001, b"near", missing_ok=True)
    # SACK permitted by the server only: the client's SACK option is not looked at
    out(h, 42001, 80, "A", 2001, 6001, opts=[("NOP", None), ("NOP", None), ("SAck", (6001 + 100000, 6001 + 100100))],
        missing_ok=True)
    # C) a window scale of 15 is taken as 14
    out(h, 42002, 80, "S", 3000, 0, win=64240, opts=[("WScale", 15)])
    back(h, 42002, 80, "SA", 7000, 3001, win=65160, opts=[("WScale", 15)])
    out(h, 42002, 80, "A", 3001, 7001, win=4)
    back(h, 42002, 80, "A", 7001, 3001, win=4)
    out(h, 42002, 80, "PA", 3001 + 60000, 7001, b"x14", win=4, missing_ok=True)
    out(h, 42002, 80, "PA", 3001 + 100000, 7001, b"x15", win=4, missing_ok=True)
    # D) a SYN-ACK acknowledging the wrong sequence, then the right one; the client's SYN
    #    retransmitted after the SYN-ACK, and the SYN-ACK again
    out(h, 42003, 80, "S", 4000, 0)
    back(h, 42003, 80, "SA", 8000, 4005, missing_ok=True)
    back(h, 42003, 80, "SA", 8000, 4001)
    out(h, 42003, 80, "S", 4000, 0, missing_ok=True)
    back(h, 42003, 80, "SA", 8000, 4001, missing_ok=True)
    out(h, 42003, 80, "A", 4001, 8001)
    h.gw("conntrack -L -p tcp --sport 42003")
    # E) the same unacknowledged segment five times: past tcp_max_retrans (3) the entry takes
    #    timeout_max_retrans (2 s)
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 42004, S, 80, cisn=9000, sisn=19000)
    t.handshake()
    for i in range(5):
        out(h, 42004, 80, "PA", t.cseq, t.sseq, b"lost?")
    h.gw("conntrack -L -p tcp --sport 42004")
    h.sleep(3.0, "past the 2 s max_retrans timeout")
    h.gw("conntrack -L -p tcp --sport 42004")
    out(h, 42004, 80, "PA", t.cseq, t.sseq, b"lost?")
    h.gw("conntrack -L")
