"""checksum-invalid: conntrack's checksum verification (nf_conntrack_checksum) on forwarded traffic
through MASQUERADE with `FORWARD --ctstate INVALID -j DROP`: a UDP datagram, a TCP SYN and an ICMP
echo with wrong checksums (INVALID, dropped), a UDP datagram with checksum 0 (none: valid, NATed,
left 0), a reply with a wrong checksum, a frame with a wrong IP header checksum (dropped before
netfilter); then nf_conntrack_checksum=0: the same bad packets are tracked and NATed, their wrong
checksums adjusted incrementally."""
from flows import UdpFlow
from scapy.all import IP, UDP, TCP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A FORWARD -p udp",
    "iptables -t mangle -A PREROUTING -m conntrack --ctstate INVALID",
]


def steps(h):
    # checksum verification on: wrong L4 checksums are INVALID
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / UDP(sport=6000, dport=53, chksum=0x1234) / Raw(b"bad udp"))
    h.expect_nothing("wan", 0.4, "bad UDP checksum dropped")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=41000, dport=80, flags="S", seq=1000, chksum=0x4321))
    h.expect_nothing("wan", 0.4, "bad TCP checksum dropped")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / ICMP(type=8, id=55, seq=1, chksum=0x1111) / Raw(b"bad icmp"))
    h.expect_nothing("wan", 0.4, "bad ICMP checksum dropped")
    # UDP without checksum (0): valid, NATed, stays 0
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / UDP(sport=6001, dport=53, chksum=0) / Raw(b"no csum"))
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"no csum", what="UDP checksum 0 NATed")
    # a good flow, its reply with a wrong checksum (INVALID: dropped), then a good reply
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 6002, "198.51.100.10", 53)
    u.c(b"query")
    s, sp, d, dp = u.srv_view
    h.send("wan", IP(src=d, dst=s) / UDP(sport=dp, dport=sp, chksum=0xbeef) / Raw(b"bad answer"))
    h.expect_nothing("lan", 0.4, "bad reply checksum dropped")
    u.s(b"answer")
    # a wrong IP header checksum: ip_rcv drops it before any hook
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10", chksum=0x0bad) / UDP(sport=6003, dport=53) / Raw(b"bad ip"))
    h.expect_nothing("wan", 0.4, "bad IP header checksum dropped")
    h.gw("conntrack -S")
    # verification off
    h.gw("sysctl -w net.netfilter.nf_conntrack_checksum=0")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / UDP(sport=6004, dport=53, chksum=0x1234) / Raw(b"bad udp"))
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"bad udp", what="bad UDP tracked, NATed")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / TCP(sport=41001, dport=80, flags="S", seq=2000, chksum=0x4321))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="bad TCP SYN tracked, NATed")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / ICMP(type=8, id=56, seq=1, chksum=0x1111) / Raw(b"bad icmp"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 8, what="bad ICMP tracked, NATed")
    h.send("wan", IP(src="198.51.100.10", dst=s) / UDP(sport=dp, dport=sp, chksum=0xbeef) / Raw(b"bad answer"))
    h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == b"bad answer", what="bad reply un-NATed")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
