"""ip-options-forward: IPv4 options on forwarded, NATed datagrams: record route (the gateway
writes its outgoing address) and a 1500-byte datagram with options fragmented for a
1400-byte MTU (options without the copied flag only in the first fragment)."""
from scapy.all import IP, UDP, Raw, IPOption_RR, IPOption_NOP

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.30"]
SETUP = [
    "ip link set eth1 mtu 1400",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def is_udp(q):
    return IP in q and q[IP].src == "203.0.113.1"


def steps(h):
    rr = IP(src="10.0.0.2", dst="198.51.100.30", options=[IPOption_RR(pointer=4, routers=["0.0.0.0"] * 3),
                                                           IPOption_NOP()]) / UDP(sport=6000, dport=7000) / Raw(b"rr")
    h.send("lan", rr)
    h.expect("wan", is_udp, what="record route")
    big = IP(src="10.0.0.2", dst="198.51.100.30", options=[IPOption_RR(pointer=4, routers=["0.0.0.0"] * 3),
                                                            IPOption_NOP()]) / UDP(sport=6002, dport=7000) / Raw(bytes(1440))
    h.send("lan", big)
    h.expect("wan", is_udp, what="fragment 1")
    h.expect("wan", is_udp, what="fragment 2")
