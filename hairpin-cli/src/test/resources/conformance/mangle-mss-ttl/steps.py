"""mangle-mss-ttl: the mangle targets a PPPoE-style router puts on NATed traffic: eth1 MTU 1492,
`TCPMSS --clamp-mss-to-pmtu` on forwarded SYNs (both directions), `TCPMSS --set-mss 1300` for one
port, `TTL --ttl-set 64` and `DSCP --set-dscp-class AF21` on the way out, `TOS --set-tos` and
`TTL --ttl-inc` on the way in; checksums after all of it and MASQUERADE."""
from scapy.all import IP, TCP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
SETUP = [
    "ip link set eth1 mtu 1492",
    "iptables -t mangle -A FORWARD -p tcp --dport 2222 --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1300",
    "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
    "iptables -t mangle -A POSTROUTING -o eth1 -j TTL --ttl-set 64",
    "iptables -t mangle -A POSTROUTING -o eth1 -p udp -j DSCP --set-dscp-class AF21",
    "iptables -t mangle -A PREROUTING -i eth1 -p udp -j TOS --set-tos 0x10/0x3f",
    "iptables -t mangle -A PREROUTING -i eth1 -p tcp -j TTL --ttl-inc 2",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def syn(src, sport, dst, dport, seq, mss, flags="S", ack=0):
    return IP(src=src, dst=dst, ttl=50) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240,
                                             options=[("MSS", mss), ("SAckOK", b""), ("WScale", 7)])


def steps(h):
    # A) LAN SYN with MSS 1460 out through eth1 (MTU 1492): clamped to 1452; SYN-ACK from the WAN
    #    with MSS 1460: clamped towards eth0 (MTU 1500: 1460 stays)
    h.send("lan", syn("10.0.0.2", 40000, "198.51.100.10", 443, 1000, 1460))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN clamped")
    h.send("wan", syn("198.51.100.10", 443, "203.0.113.1", 40000, 5000, 1460, flags="SA", ack=1001))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "SA", what="SYN-ACK")
    # B) --set-mss 1300 for port 2222
    h.send("lan", syn("10.0.0.2", 40001, "198.51.100.10", 2222, 2000, 1460))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 2222, what="SYN set-mss")
    # C) WAN -> DNAT 8080: SYN with MSS 1400 (below the PMTU: left as is), TTL +2 on the way in
    h.send("wan", syn("198.51.100.7", 51000, "203.0.113.1", 8080, 3000, 1400))
    h.expect("lan", lambda q: TCP in q and q[TCP].dport == 80, what="SYN DNATed, ttl+2")
    # D) UDP out (TTL 64, DSCP AF21) and in (TOS 0x10)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", ttl=20, tos=0x03) / UDP(sport=5000, dport=53) / Raw(b"q"))
    h.expect("wan", lambda q: UDP in q, what="UDP out, ttl 64, dscp AF21")
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1", tos=0xa1) / UDP(sport=53, dport=5000) / Raw(b"a"))
    h.expect("lan", lambda q: UDP in q, what="UDP in, tos 0x10")
