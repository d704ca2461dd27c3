"""link-route-changes: routes and links change under live NAT flows, as an operator (or a DHCP
client, or a failover script) changes them. A host route for one WAN server via a LAN router
sends the masqueraded UDP flow's next datagram out eth0: nf_nat_oif_changed kills the entry and
drops the datagram; the next one makes an unNATed entry (POSTROUTING -o eth1 does not match)
and is forwarded with an ICMP redirect. With the default route deleted, a LAN segment gets ICMP
net unreachable. `ip link set eth1 down` destroys the entries MASQUERADEd out of eth1 (the
DNAT entry stays), removes eth1's routes but not its local address; `up` brings the connected
routes back but not the default route, which the operator re-adds. The UDP entry made while
routed by eth0 now leaves eth1 unNATed: NAT was decided on its first packet. Last, eth1's MTU
lowered: a DF segment larger gets fragmentation needed with the new MTU."""
from scapy.all import IP, TCP, UDP, ICMP, Raw
from flows import TcpConn, UdpFlow, Echo

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.53"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.3:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def icmp_to(dst, typ, code):
    return lambda q: ICMP in q and q[IP].dst == dst and q[ICMP].type == typ and q[ICMP].code == code


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query-1")
    u.s(b"answer-1")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=1000, sisn=5000)
    t.handshake()
    t.c("PA", b"one")
    t.s("A")
    d = TcpConn(h, "wan", "lan", "198.51.100.10", 41000, "203.0.113.1", 8080, cisn=3000, sisn=9000)
    d.handshake()
    h.gw("conntrack -L")

    # a host route for the DNS server via a LAN router
    h.gw("ip route add 198.51.100.53 via 10.0.0.3 dev eth0")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=5000, dport=53) / Raw(b"query-2"))
    h.expect_nothing("lan", what="oif changed: entry killed, datagram dropped")
    h.expect_nothing("wan")
    h.gw("conntrack -L")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=5000, dport=53) / Raw(b"query-3"))
    h.expect("lan", lambda q: UDP in q and q[UDP].dport == 53 and q[IP].src == "10.0.0.2", what="query-3 via 10.0.0.3")
    h.expect("lan", icmp_to("10.0.0.2", 5, 1), what="redirect to 10.0.0.3", missing_ok=True)
    h.gw("ip route del 198.51.100.53 via 10.0.0.3 dev eth0")

    # no default route: net unreachable
    h.gw("ip route del default")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags="PA", seq=t.cseq, ack=t.sseq) / Raw(b"two"))
    h.expect("lan", icmp_to("10.0.0.2", 3, 0), what="net unreachable")
    h.gw("ip route add default via 203.0.113.254 dev eth1")
    t.c("PA", b"three")
    t.s("A")

    # eth1 down: MASQUERADE's entries out of eth1 go, the DNAT one stays
    h.gw("ip link set eth1 down")
    h.sleep(0.3, "(the flush runs from a work queue)")
    h.gw("conntrack -L")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags="PA", seq=t.cseq, ack=t.sseq) / Raw(b"four"))
    h.expect("lan", icmp_to("10.0.0.2", 3, 0), what="net unreachable (eth1 down)")
    h.send("lan", IP(src="10.0.0.3", dst="203.0.113.1") / ICMP(type=8, id=91, seq=1) / Raw(b"ping"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0 and q[IP].dst == "10.0.0.3", what="eth1's address still answers")

    # up again: connected routes return, the default route and the neighbour do not
    h.gw("ip link set eth1 up")
    h.sleep(1.5, "(carrier via linkwatch)")
    h.gw("ip neigh replace 203.0.113.254 lladdr 02:00:00:00:02:01 dev eth1 nud permanent")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags="PA", seq=t.cseq, ack=t.sseq) / Raw(b"five"))
    h.expect("lan", icmp_to("10.0.0.2", 3, 0), what="net unreachable (no default route)")
    h.gw("ip route add default via 203.0.113.254 dev eth1")
    t.srv_view = None
    t.c("PA", b"six")
    t.s("A")
    # the entry made while routed by eth0 had no NAT: it leaves eth1 unNATed
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=5000, dport=53) / Raw(b"query-4"))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 53, what="query-4 unNATed")
    # the DNAT flow goes on
    d.c("PA", b"hello")
    d.s("A")

    # a lower MTU on eth1
    h.gw("ip link set eth1 mtu 1300")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", flags="DF") / TCP(sport=40000, dport=80, flags="PA", seq=t.cseq, ack=t.sseq) / Raw(b"x" * 1400))
    h.expect("lan", icmp_to("10.0.0.2", 3, 4), what="fragmentation needed, mtu 1300")
    h.expect_nothing("wan")
    h.gw("conntrack -L")
