"""icmp-errors-nat: ICMP errors about NATed flows in both directions: errors quoting ICMP echo
requests (two LAN hosts, same echo id, the second remapped), a router's time exceeded about a
DNATed flow's reply (quoted 203.0.113.1:8080 -> client, mapped back to the LAN server), a
LAN server's port unreachable about a DNATed UDP flow, and the gateway's own fragmentation
needed (eth1 MTU 1400) for a DNATed server's large DF reply, plus an echo request to the
gateway's public address from the WAN."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import IP, ICMP, TCP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5"]
WAN_IPS = ["198.51.100.1", "198.51.100.7", "198.51.100.99"]
SETUP = [
    "ip link set eth1 mtu 1400",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.5:53",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]


def steps(h):
    # A) two LAN hosts ping 198.51.100.99 with id 77; the second id is remapped (random)
    e1 = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.99", 77)
    f1 = e1.request(1)
    e2 = Echo(h, "lan", "wan", "10.0.0.3", "198.51.100.99", 77)
    f2 = e2.request(1)
    # router 198.51.100.1: host unreachable about the second, time exceeded about the first
    h.send("wan", IP(src="198.51.100.1", dst="203.0.113.1") / ICMP(type=3, code=1) / bytes(f2[IP])[:28])
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[IP].dst == "10.0.0.3",
             what="host unreachable to 10.0.0.3, inner id 77")
    h.send("wan", IP(src="198.51.100.1", dst="203.0.113.1") / ICMP(type=11, code=0) / bytes(f1[IP])[:28])
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 11 and q[IP].dst == "10.0.0.2",
             what="time exceeded to 10.0.0.2")
    e2.reply(1)
    # B) DNATed TCP: a router on the way back reports time exceeded for the server's reply
    t = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    t.handshake()
    t.c("PA", b"GET /")
    resp = t.s("PA", b"200 OK")
    h.send("wan", IP(src="198.51.100.1", dst="203.0.113.1") / ICMP(type=11, code=0) / bytes(resp[IP])[:48])
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 11, what="time exceeded to 10.0.0.5 (inner un-NATed)")
    # C) the server's reply with DF, 1460 bytes: too big for eth1 (MTU 1400): frag needed to 10.0.0.5
    big = IP(src="10.0.0.5", dst="198.51.100.7", flags="DF") / TCP(sport=80, dport=51000, flags="PA", seq=t.sseq,
                                                                 ack=t.cseq, window=64240) / Raw(b"x" * 1420)
    h.send("lan", big)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 4,
             what="fragmentation needed from the gateway")
    # D) DNATed UDP; the server answers port unreachable
    u = UdpFlow(h, "wan", "lan", "198.51.100.7", 6000, "203.0.113.1", 5353)
    fwd = u.c(b"query")
    h.send("lan", IP(src="10.0.0.5", dst="198.51.100.7") / ICMP(type=3, code=3) / bytes(fwd[IP]))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable from 203.0.113.1")
    # E) ping the gateway's public address from the WAN
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / ICMP(type=8, id=4242, seq=1) / Raw(b"hello"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply from the gateway")
    h.gw("conntrack -L")
