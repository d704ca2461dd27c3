"""neigh-unresolved: next hops without a neighbour entry (a port forward to a LAN host that is
off, a routed packet to an absent host). The gateway sends ARP requests (nobody answers) and
queues the packets; when resolution fails the queued packets get ICMP host unreachable."""
from scapy.all import IP, TCP, UDP, ICMP, Raw
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.11"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.99:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def unreach(dst):
    return lambda q: ICMP in q and q[IP].dst == dst and q[ICMP].type == 3


def steps(h):
    # a port forward to a host that is off: SYN, and its retransmission a second later
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=41000, dport=8080, flags="S", seq=3000))
    h.expect_nothing("lan", timeout=1.0, what="ARP only")
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=41000, dport=8080, flags="S", seq=3000))
    # meanwhile a masqueraded flow works
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.11", 53)
    u.c(b"query-1")
    u.s(b"answer-1")
    h.expect("wan", unreach("198.51.100.10"), timeout=4.0, what="host unreachable 1", missing_ok=True)
    h.expect("wan", unreach("198.51.100.10"), timeout=1.0, what="host unreachable 2", missing_ok=True)
    h.gw("conntrack -L")
    # a routed datagram to an absent LAN host
    h.send("wan", IP(src="198.51.100.11", dst="10.0.0.98") / UDP(sport=6000, dport=7000) / Raw(b"hello?"))
    h.expect("wan", unreach("198.51.100.11"), timeout=4.5, what="host unreachable 3", missing_ok=True)
    # the failed neighbour: a new SYN starts another resolution
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=41001, dport=8080, flags="S", seq=4000))
    h.expect("wan", unreach("198.51.100.10"), timeout=4.5, what="host unreachable 4", missing_ok=True)
    h.gw("conntrack -L")
