"""tcp-window-edge2: tcp_in_window's bounds with window scaling offered by both (wscale 2)
through MASQUERADE. A SYN/ACK's window is never scaled, so the client may send up to ack + 250
(td_maxend 1251) until the server's first scaled window: data at 2001 and 2002 is INVALID; the
server's ACKs of data the tracker never saw go past td_end: INVALID (delivered to the gateway,
which answers RST); an old segment 70000 bytes below passes the lower bound (its end is after
td_end - td_maxwin - MAXACKWINDOW); a zero window ACK and data after it."""
from flows import TcpConn
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]


def seg(h, side, src, sport, dst, dport, flags, seq, ack, win, data=b"", what="", opts=None):
    p = IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=win,
                                   options=opts or [])
    if data:
        p = p / Raw(data)
    h.send(side, p)
    other = "wan" if side == "lan" else "lan"
    return h.expect(other, lambda q: TCP in q and q[TCP].seq == seq and str(q[TCP].flags) == flags,
                    what=what, missing_ok=True)


def steps(h):
    C, S = ("10.0.0.2", 43000), ("198.51.100.10", 80)
    seg(h, "lan", C[0], C[1], S[0], S[1], "S", 1000, 0, 1000, what="SYN wscale 2", opts=[("WScale", 2)])
    got = seg(h, "wan", S[0], S[1], "203.0.113.1", 43000, "SA", 5000, 1001, 250, what="SYN/ACK wscale 2",
              opts=[("WScale", 2)])
    # server window 250 << 2 = 1000 bytes from ack 1001: td_maxend = 2001
    seg(h, "lan", C[0], C[1], S[0], S[1], "A", 1001, 5001, 1000, what="ACK")
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", 1001, 5001, 1000, b"a" * 10, what="data in window")
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", 2001, 5001, 1000, b"edge", what="data at td_maxend")
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", 2002, 5001, 1000, b"past", what="one byte past")
    # server ACKs: exactly the highest sequence sent, then beyond it
    seg(h, "wan", S[0], S[1], "203.0.113.1", 43000, "A", 5001, 2005, 250, what="ack of all sent")
    seg(h, "wan", S[0], S[1], "203.0.113.1", 43000, "A", 5001, 2010, 250, what="ack beyond what was sent")
    # data far below the lower bound (an old retransmission)
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", (1001 - 70000) & 0xffffffff, 5001, 1000, b"old", what="below the window")
    # the server shrinks its window to 0, then the client sends at the edge
    seg(h, "wan", S[0], S[1], "203.0.113.1", 43000, "A", 5001, 2005, 0, what="zero window")
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", 2005, 5001, 1000, b"z", what="data into a zero window")
    seg(h, "lan", C[0], C[1], S[0], S[1], "PA", 3005, 5001, 1000, b"z", what="data past the old window")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
