"""udp-hairpin-random: UDP NAT loopback and the less common SNAT options. DNAT of
203.0.113.1:5353 to 10.0.0.5:53 (no -i: LAN clients reach it by the public address), hairpin
MASQUERADE on eth0 for LAN sources; a second LAN client without the hairpin rule's help (port
5354 DNATed only: the server answers directly, the gateway sees one direction, UNREPLIED);
`SNAT --to-source 203.0.113.1:20000-20009 --random` (ports from a random offset, adopted by a
replay) and `SNAT --to-source 203.0.113.2-203.0.113.3 --persistent` for UDP from two hosts;
`conntrack -L` after each part."""
from flows import UdpFlow
from scapy.all import IP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.53", "198.51.100.54"]
SETUP = [
    "ip addr add 203.0.113.2/24 dev eth1",
    "ip addr add 203.0.113.3/24 dev eth1",
    "iptables -t nat -A PREROUTING -d 203.0.113.1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.5:53",
    "iptables -t nat -A PREROUTING -d 203.0.113.1 -p udp --dport 5354 -j DNAT --to-destination 10.0.0.5:54",
    "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -d 10.0.0.5 -p udp --dport 53 -o eth0 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -o eth1 -p udp --dport 7000 -j SNAT --to-source 203.0.113.1:20000-20009 --random",
    "iptables -t nat -A POSTROUTING -o eth1 -p udp --dport 7001 -j SNAT --to-source 203.0.113.2-203.0.113.3 --persistent",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    # A) hairpin: 10.0.0.2 -> 203.0.113.1:5353 reaches 10.0.0.5:53 from 10.0.0.1
    a = UdpFlow(h, "lan", "lan", "10.0.0.2", 40000, "203.0.113.1", 5353)
    a.c(b"query-a")
    a.s(b"answer-a")
    a.c(b"query-a2")
    # the same from 10.0.0.3 with the same source port: 10.0.0.1:40000 is taken towards the server
    b = UdpFlow(h, "lan", "lan", "10.0.0.3", 40000, "203.0.113.1", 5353)
    b.c(b"query-b")
    b.s(b"answer-b")
    # B) DNAT without hairpin SNAT: the server's answer goes straight to the client
    h.send("lan", IP(src="10.0.0.6", dst="203.0.113.1") / UDP(sport=40001, dport=5354) / Raw(b"query-c"))
    h.expect("lan", lambda q: UDP in q and q[UDP].dport == 54, what="DNATed, source kept")
    h.gw("conntrack -L -p udp")
    # C) SNAT --random into a 10-port range, three flows
    for i, src in enumerate(["10.0.0.2", "10.0.0.3", "10.0.0.6"]):
        u = UdpFlow(h, "lan", "wan", src, 41000 + i, "198.51.100.53", 7000)
        u.c(b"r%d" % i)
        u.s(b"R%d" % i)
    # D) --persistent over two addresses: the same address for a source whatever the server
    for src in ["10.0.0.2", "10.0.0.3"]:
        for dst in ["198.51.100.53", "198.51.100.54"]:
            u = UdpFlow(h, "lan", "wan", src, 42000, dst, 7001)
            u.c(b"p")
            u.s(b"P")
    h.gw("conntrack -L")
