"""raw-notrack-zone: the raw table's CT target. --notrack: the flow is UNTRACKED, never NATed
(the LAN address leaves as is), no entry; --zone 5: the flow is tracked and NATed in zone 5
(conntrack -L shows zone=5), apart from the same tuple in zone 0."""
from flows import UdpFlow

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 9999 -j CT --notrack",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --sport 9999 -j CT --notrack",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --sport 5000 -j CT --zone 5",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --dport 5000 -j CT --zone 5",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT",
]


def steps(h):
    n = UdpFlow(h, "lan", "wan", "10.0.0.2", 4000, "198.51.100.20", 9999)
    n.c(b"untracked")
    n.s(b"untracked-reply")
    z = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.20", 53)
    z.c(b"zone5")
    z.s(b"zone5-reply")
    o = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, "198.51.100.20", 53)
    o.c(b"zone0")
    o.s(b"zone0-reply")
    h.gw("conntrack -L")
