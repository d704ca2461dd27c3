"""notrack-icmp-errors: untracked packets (raw NOTRACK / CT --notrack) meeting NAT rules and the
gateway's ICMP errors about them: time exceeded, fragmentation needed and port unreachable for
untracked datagrams (the error rides no entry: conntrack looks its quote up and finds none);
a DNAT rule that an untracked datagram never reaches; a MASQUERADEd flow whose reply is
untracked (not un-NATed, delivered to the gateway)."""
from flows import UdpFlow
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "ip link set eth1 mtu 1400",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 9000 -j NOTRACK",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --dport 9001 -j CT --notrack",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --sport 9002 -j CT --notrack",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 9001 -j DNAT --to-destination 10.0.0.2:53",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate RELATED",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate INVALID",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate UNTRACKED",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate NEW",
    "iptables -A INPUT -m conntrack --ctstate UNTRACKED",
    "iptables -A FORWARD -m conntrack --ctstate UNTRACKED",
]
SRV = "198.51.100.10"
GW = "203.0.113.1"


def icmp(t):
    return lambda q: ICMP in q and q[ICMP].type == t


def steps(h):
    # untracked LAN datagram, forwarded with its LAN source (no NAT)
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / UDP(sport=5000, dport=9000) / Raw(b"plain"))
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"plain", what="untracked forwarded")
    # the same with TTL 1: time exceeded
    h.send("lan", IP(src="10.0.0.2", dst=SRV, ttl=1) / UDP(sport=5000, dport=9000) / Raw(b"ttl1"))
    h.expect("lan", icmp(11), what="time exceeded (untracked)")
    # DF, too big for eth1 (1400): fragmentation needed
    h.send("lan", IP(src="10.0.0.2", dst=SRV, flags="DF") / UDP(sport=5000, dport=9000) / Raw(b"b" * 1420))
    h.expect("lan", icmp(3), what="frag needed (untracked)")
    # untracked to the gateway's closed port: port unreachable
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / UDP(sport=5000, dport=9000) / Raw(b"closed"))
    h.expect("lan", icmp(3), what="port unreachable (untracked)")
    # WAN datagram for the DNAT port, untracked: no DNAT, delivered to the gateway: port unreachable
    h.send("wan", IP(src=SRV, dst=GW) / UDP(sport=4000, dport=9001) / Raw(b"dnat?"))
    h.expect("wan", icmp(3), what="port unreachable (untracked, not DNATed)")
    # a MASQUERADEd flow whose reply is untracked
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, SRV, 9002)
    u.c(b"query")
    u.s(b"answer", expect=False)
    h.expect("wan", icmp(3), what="port unreachable (untracked reply)")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
