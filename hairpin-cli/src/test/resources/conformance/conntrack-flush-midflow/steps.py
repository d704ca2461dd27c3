"""conntrack-flush-midflow: conntrack -F / -D in the middle of flows. A flushed MASQUERADEd TCP
flow is picked up again mid-stream (tcp_loose=1) and NATed afresh by the nat table; a deleted
DNAT UDP flow is re-evaluated by a replaced rule; with tcp_loose=0 a deleted TCP flow's next
packets are INVALID: not NATed (the LAN address leaks out) and the un-NATed reply is the
gateway's own, answered by its stack with a RST."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, TCP

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.2:53",
]


def steps(h):
    # 1) TCP through MASQUERADE, flushed while established, then picked up mid-stream
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80)
    t.handshake()
    t.c("PA", b"GET / HTTP/1.0\r\n\r\n")
    t.s("A")
    h.gw("conntrack -F")
    t.s("PA", b"HTTP/1.0 200 OK\r\n\r\n", expect=False)   # reply direction first: loose pickup
    h.expect_nothing("lan", 0.5, "reply after flush: picked up as a new flow towards 203.0.113.1")
    t.c("A")
    t.s("PA", b"more")
    t.c("FA")
    t.s("FA")
    t.c("A")
    # 2) UDP DNAT: replacing the rule keeps the entry; deleting the entry re-evaluates
    u = UdpFlow(h, "wan", "lan", "198.51.100.20", 5000, "203.0.113.1", 5353)
    u.c(b"q1")
    u.s(b"a1")
    h.gw("iptables -t nat -R PREROUTING 1 -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.3:53")
    u.c(b"q2")
    h.gw("conntrack -D -p udp --orig-port-dst 5353")
    u.srv_view = None
    u.c(b"q3")
    u.s(b"a3")
    # 3) tcp_loose=0: a deleted TCP flow's next packets are INVALID
    h.gw("sysctl -w net.netfilter.nf_conntrack_tcp_loose=0")
    v = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 80, cisn=3000, sisn=9000)
    v.handshake()
    h.gw("conntrack -D -p tcp --orig-port-src 40001")
    v.cseq_before = v.cseq
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40001, dport=80, flags="PA", seq=v.cseq,
                                                                ack=v.sseq, window=64240) / b"data")
    h.expect("wan", lambda q: TCP in q and q[TCP].sport == 40001, what="INVALID, forwarded without NAT",
             missing_ok=True)
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=80, dport=40001, flags="A", seq=v.sseq,
                                                                   ack=v.cseq + 4, window=64240))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="gw's own RST for port 40001", missing_ok=True)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
