"""icmp-errors-generated: ICMP errors the gateway makes about NATed traffic and errors from an
upstream router: time exceeded for a LAN packet with TTL 1 (before NAT) and for a reply with TTL 1
(after un-NAT: the quoted packet is NATed back as it went out); fragmentation needed from a router
for a MASQUERADEd TCP flow, un-NATed; an out-of-window TCP segment is INVALID and dropped."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.20", "198.51.100.1"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]


def steps(h):
    # 1) TTL 1 from the LAN: time exceeded from 10.0.0.1, nothing forwarded, no entry
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.20", ttl=1) / UDP(sport=7000, dport=33434) / Raw(b"trace"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 11, what="time exceeded (LAN TTL 1)")
    # 2) a MASQUERADEd UDP flow whose reply arrives with TTL 1
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 7001, "198.51.100.20", 53)
    u.c(b"query")
    s, sp, d, dp = u.srv_view
    h.send("wan", IP(src=d, dst=s, ttl=1) / UDP(sport=dp, dport=sp) / Raw(b"answer"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 11, what="time exceeded for the reply, re-NATed")
    # 3) a MASQUERADEd TCP flow; a router on the way reports fragmentation needed (MTU 1280)
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, "198.51.100.10", 443, cisn=1000, sisn=9000)
    t.handshake()
    seg = t.c("PA", b"x" * 100)
    h.send("wan", IP(src="198.51.100.1", dst="203.0.113.1") / ICMP(type=3, code=4, nexthopmtu=1280)
           / bytes(seg[IP])[:28])
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 4, what="frag needed, un-NATed")
    # 4) an out-of-window segment from the server: INVALID, dropped in FORWARD
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=443, dport=41000, flags="A",
                                                                   seq=9001 + 5000000, ack=t.cseq, window=64240))
    h.expect_nothing("lan", 0.5, "out-of-window segment dropped")
    t.s("A")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
