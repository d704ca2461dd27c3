"""dnat-ttl-pmtu: ICMP errors the gateway makes about DNATed traffic in the original direction:
time exceeded (TTL 1) and fragmentation needed (DF above eth0's MTU 1400) for the first packet
of a flow (its entry unconfirmed) and for packets of established UDP and TCP flows (RELATED to
the entry: the quoted datagram goes back to what the client sent), and for a reply with TTL 1
from the DNAT target (quoted before the reply's un-DNAT)."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "ip link set eth0 mtu 1400",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.2:53",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate RELATED",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate INVALID",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate UNTRACKED",
]

C = "198.51.100.20"
GW = "203.0.113.1"


def icmp_to(side, t):
    return lambda q: ICMP in q and q[ICMP].type == t


def steps(h):
    # A) first datagram with TTL 1: DNATed in PREROUTING, time exceeded in ip_forward
    h.send("wan", IP(src=C, dst=GW, ttl=1) / UDP(sport=4000, dport=5353) / Raw(b"ttl1-first"))
    h.expect("wan", icmp_to("wan", 11), what="time exceeded (first packet)")
    # B) first datagram with DF, 1450 bytes: fragmentation needed (MTU 1400)
    h.send("wan", IP(src=C, dst=GW, flags="DF") / UDP(sport=4001, dport=5353) / Raw(bytes(1422)))
    h.expect("wan", icmp_to("wan", 3), what="frag needed (first packet)")
    # C) an established DNAT flow
    u = UdpFlow(h, "wan", "lan", C, 4002, GW, 5353)
    u.c(b"query")
    u.s(b"answer")
    h.send("wan", IP(src=C, dst=GW, ttl=1) / UDP(sport=4002, dport=5353) / Raw(b"ttl1-established"))
    h.expect("wan", icmp_to("wan", 11), what="time exceeded (established)")
    h.send("wan", IP(src=C, dst=GW, flags="DF") / UDP(sport=4002, dport=5353) / Raw(bytes(1422)))
    h.expect("wan", icmp_to("wan", 3), what="frag needed (established)")
    # D) the DNAT target answers with TTL 1: time exceeded back to it
    h.send("lan", IP(src="10.0.0.2", dst=C, ttl=1) / UDP(sport=53, dport=4002) / Raw(b"ttl1-reply"))
    h.expect("lan", icmp_to("lan", 11), what="time exceeded (reply)")
    # E) TCP through DNAT: a SYN with TTL 1, then a handshake and a DF segment too big for eth0
    h.send("wan", IP(src=C, dst=GW, ttl=1) / TCP(sport=41000, dport=8080, flags="S", seq=100, window=64240))
    h.expect("wan", icmp_to("wan", 11), what="time exceeded (SYN)")
    t = TcpConn(h, "wan", "lan", C, 41001, GW, 8080, cisn=1000, sisn=9000)
    t.handshake()
    h.send("wan", IP(src=C, dst=GW, flags="DF") / TCP(sport=41001, dport=8080, flags="PA", seq=t.cseq,
                                                      ack=t.sseq, window=64240) / Raw(bytes(1410)))
    h.expect("wan", icmp_to("wan", 3), what="frag needed (TCP)")
    t.c("PA", b"small")
    t.s("A")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
