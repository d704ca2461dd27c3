"""broadcast-delivery: datagrams to broadcast addresses. A LAN datagram to the subnet broadcast
10.0.0.255 or to 255.255.255.255 (DHCP's 0.0.0.0 source too) is delivered to the gateway as a
broadcast: tracked, never answered with port unreachable. A WAN host's datagram to the LAN's
directed broadcast 10.0.0.255 is, by default, also taken as the gateway's own broadcast (the local
table's broadcast route), not forwarded; with bc_forwarding on (all and the input device eth1) it is forwarded to
the LAN (ip_route_input_slow's IN_DEV_BFORWARD)."""
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A INPUT -p udp",
    "iptables -A FORWARD -p udp",
    "iptables -A OUTPUT -p icmp",
]


def steps(h):
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.255") / UDP(sport=5000, dport=9999) / Raw(b"subnet bcast"))
    h.expect_nothing("lan", what="no port unreachable for a subnet broadcast")
    h.send("lan", IP(src="10.0.0.2", dst="255.255.255.255") / UDP(sport=5001, dport=9999) / Raw(b"limited bcast"))
    h.expect_nothing("lan", what="no port unreachable for a limited broadcast")
    h.send("lan", IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) / Raw(b"dhcp discover"))
    h.expect_nothing("lan", what="nothing for a DHCP discover")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / UDP(sport=5002, dport=9999) / Raw(b"unicast"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable for unicast")
    # a directed broadcast from the WAN: the gateway's own, not forwarded
    h.send("wan", IP(src="198.51.100.20", dst="10.0.0.255") / UDP(sport=6000, dport=9999) / Raw(b"directed"))
    h.expect_nothing("lan", what="directed broadcast not forwarded")
    h.gw("sysctl -w net.ipv4.conf.all.bc_forwarding=1")
    h.gw("sysctl -w net.ipv4.conf.eth1.bc_forwarding=1")
    h.send("wan", IP(src="198.51.100.20", dst="10.0.0.255") / UDP(sport=6001, dport=9999) / Raw(b"directed 2"))
    h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == b"directed 2", what="directed broadcast forwarded",
             missing_ok=True)
    h.gw("conntrack -L")
