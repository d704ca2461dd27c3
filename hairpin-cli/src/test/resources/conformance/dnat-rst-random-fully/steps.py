"""dnat-rst-random-fully: a DNATed TCP connection ended by the server's RST; SNAT --random-fully
inside a port range (UDP) and MASQUERADE --random-fully of ICMP echo ids; an ICMP port unreachable
from a DNATed server, un-NATed; REDIRECT to a closed local port answered by the gateway's RST."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import IP, ICMP, TCP

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.3:53",
    "iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 3128 -j REDIRECT --to-ports 3129",
    "iptables -t nat -A POSTROUTING -o eth1 -p udp -j SNAT --to-source 203.0.113.1:20000-20099 --random-fully",
    "iptables -t nat -A POSTROUTING -o eth1 -p icmp -j MASQUERADE --random-fully",
]


def steps(h):
    # 1) WAN client -> DNAT -> LAN server, which resets the connection
    t = TcpConn(h, "wan", "lan", "198.51.100.10", 5555, "203.0.113.1", 8080, cisn=1000, sisn=8000)
    t.handshake()
    t.c("PA", b"GET /")
    t.s("R")
    h.gw("conntrack -L")
    # 2) SNAT --random-fully in 20000-20099: three UDP flows, each answered
    for i, sport in enumerate((4000, 4001, 4002)):
        u = UdpFlow(h, "lan", "wan", "10.0.0.2", sport, "198.51.100.20", 53)
        u.c(b"q%d" % i)
        u.s(b"a%d" % i)
    # 3) MASQUERADE --random-fully of an echo id
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.20", 777)
    e.request(1)
    e.reply(1)
    # 4) WAN -> DNAT -> LAN UDP; the LAN host answers port unreachable, un-DNATed on the way out
    d = UdpFlow(h, "wan", "lan", "198.51.100.20", 6000, "203.0.113.1", 5353)
    fwd = d.c(b"query")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.20") / ICMP(type=3, code=3) / bytes(fwd[IP]))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable, un-DNATed")
    # 5) REDIRECT to 3129 on the gateway, where nothing listens: the gateway's RST/ACK
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=41000, dport=3128, flags="S", seq=4242,
                                                                window=64240))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags.R, what="RST from the redirected port")
    h.gw("conntrack -L")
