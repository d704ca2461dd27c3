"""tee-clone: the TEE target (nf_dup_ipv4): a copy of the packet, untracked, DF set, TTL one less
when cloned in PREROUTING, routed to the gateway and sent through OUTPUT and POSTROUTING before the
original goes on; clones from PREROUTING (before NAT), FORWARD (--oif) and POSTROUTING (before
the nat table's SNAT), a TTL 1 original (the clone leaves with TTL 0, the original gets time
exceeded)."""
from flows import UdpFlow
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.9"]
WAN_IPS = ["198.51.100.10", "198.51.100.9"]
SETUP = [
    "iptables -t mangle -A PREROUTING -i eth0 -p udp --dport 7000 -j TEE --gateway 10.0.0.9",
    "iptables -t mangle -A FORWARD -p udp --dport 7002 -j TEE --gateway 198.51.100.9 --oif eth1",
    "iptables -t mangle -A POSTROUTING -o eth1 -p udp --dport 7001 -j TEE --gateway 10.0.0.9",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A OUTPUT -m conntrack --ctstate UNTRACKED",
    "iptables -t mangle -A POSTROUTING -d 10.0.0.9",
    "iptables -t nat -A OUTPUT -p udp",
]
SRV = "198.51.100.10"


def clone_on(h, side, data):
    h.expect(side, lambda q: UDP in q and bytes(q[UDP].payload) == data and q[IP].flags.DF, what="clone %r" % data)


def steps(h):
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, SRV, 7000)
    a.c(b"a1")
    clone_on(h, "lan", b"a1")
    a.s(b"a1r")
    b = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, SRV, 7001)
    b.c(b"b1")
    clone_on(h, "lan", b"b1")
    # FORWARD clone to 198.51.100.9 out eth1: leaves before the original, un-NATed
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / UDP(sport=5002, dport=7002) / Raw(b"c1"))
    clone_on(h, "wan", b"c1")
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"c1" and q[IP].src == "203.0.113.1",
             what="c1 original")
    # TTL 1 to port 7000: the PREROUTING clone leaves with TTL 0, the original gets time exceeded
    h.send("lan", IP(src="10.0.0.2", dst=SRV, ttl=1) / UDP(sport=5003, dport=7000) / Raw(b"ttl1"))
    clone_on(h, "lan", b"ttl1")
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 11, what="time exceeded")
    h.gw("conntrack -L")
