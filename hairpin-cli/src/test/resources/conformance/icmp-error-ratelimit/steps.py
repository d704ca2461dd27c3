"""icmp-error-ratelimit: the gateway's ICMP errors with the default icmp_ratelimit (1000 ms; the
oracle's base setup turns it off, this scenario turns it back on): the per-destination inet_peer
token bucket for time exceeded / port unreachable (REJECT) / ip_error's unreachable, what
icmp_ratemask exempts (frag needed, echo replies, a cleared mask), icmp_ratelimit=0,
ip_default_ttl for generated packets, icmp_errors_use_inbound_ifaddr, and time exceeded for a
DNATed connection's first packet (quoted header NATed back)."""
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.9"]
WAN_IPS = ["198.51.100.20", "198.51.100.30"]
SYSCTL = [("net.ipv4.icmp_ratelimit", "1000")]
SETUP = [
    "ip link set eth1 mtu 1400",
    "ip route add unreachable 198.51.100.128/25",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p udp --dport 69 -j REJECT",
    "iptables -A FORWARD -p tcp --dport 23 -j REJECT --reject-with tcp-reset",
    "iptables -A OUTPUT -p icmp --icmp-type time-exceeded",
    "iptables -A OUTPUT -p icmp --icmp-type destination-unreachable",
    "iptables -A OUTPUT -p icmp --icmp-type echo-reply",
]


def ttl1(h, src, i, dst="198.51.100.20"):
    h.send("lan", IP(src=src, dst=dst, ttl=1) / UDP(sport=7000 + i, dport=33434 + i) / Raw(b"trace"))


def collect(h, side, n, what, typ=11, code=None, timeout=0.4):
    for i in range(n):
        h.expect(side, lambda q: ICMP in q and q[ICMP].type == typ and (code is None or q[ICMP].code == code),
                 timeout=timeout, what="%s %d" % (what, i + 1), missing_ok=True)


def steps(h):
    # A) nine TTL-1 datagrams from 10.0.0.2 back to back: a burst, then the bucket is empty
    for i in range(9):
        ttl1(h, "10.0.0.2", i)
    collect(h, "lan", 9, "time exceeded to 10.0.0.2")
    # B) another source has its own bucket
    ttl1(h, "10.0.0.3", 20)
    collect(h, "lan", 1, "time exceeded to 10.0.0.3")
    # C) REJECT's port unreachable to 10.0.0.2 shares its (empty) bucket
    for i in range(2):
        h.send("lan", IP(src="10.0.0.2", dst="198.51.100.20") / UDP(sport=6900 + i, dport=69) / Raw(b"tftp"))
    collect(h, "lan", 2, "port unreachable (REJECT) to 10.0.0.2", typ=3, code=3)
    # D) fragmentation needed is never rate limited
    for i in range(3):
        h.send("lan", IP(src="10.0.0.2", dst="198.51.100.20", flags="DF") / UDP(sport=6000 + i, dport=9000)
               / Raw(b"x" * 1420))
    collect(h, "lan", 3, "frag needed to 10.0.0.2", typ=3, code=4)
    # E) an echo reply is not in icmp_ratemask
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=8, id=9, seq=1) / Raw(b"ping"))
    collect(h, "lan", 1, "echo reply to 10.0.0.2", typ=0)
    # F) ip_error's unreachable: its own bucket on the same peer, then icmp_send's
    for i in range(7):
        h.send("lan", IP(src="10.0.0.6", dst="198.51.100.200") / UDP(sport=5100 + i, dport=53) / Raw(b"q"))
    collect(h, "lan", 7, "host unreachable to 10.0.0.6", typ=3, code=1)
    # G) a second later: one token back
    h.sleep(1.2, "one token back")
    for i in range(3):
        ttl1(h, "10.0.0.2", 40 + i)
    collect(h, "lan", 3, "time exceeded to 10.0.0.2 after 1.2 s")
    # H) icmp_ratemask=0: nothing is rate limited
    h.gw("sysctl -w net.ipv4.icmp_ratemask=0")
    for i in range(4):
        ttl1(h, "10.0.0.2", 50 + i)
    collect(h, "lan", 4, "time exceeded to 10.0.0.2, mask 0")
    h.gw("sysctl -w net.ipv4.icmp_ratemask=6168")
    ttl1(h, "10.0.0.2", 60)
    collect(h, "lan", 1, "time exceeded to 10.0.0.2, mask back")
    # I) icmp_ratelimit=0: no limit either
    h.gw("sysctl -w net.ipv4.icmp_ratelimit=0")
    for i in range(8):
        ttl1(h, "10.0.0.4", 70 + i)
    collect(h, "lan", 8, "time exceeded to 10.0.0.4, ratelimit 0")
    # J) ip_default_ttl: the TTL of what the gateway makes
    h.gw("sysctl -w net.ipv4.ip_default_ttl=100")
    ttl1(h, "10.0.0.3", 80)
    collect(h, "lan", 1, "time exceeded, default ttl 100")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.20") / UDP(sport=6990, dport=69) / Raw(b"tftp"))
    collect(h, "lan", 1, "REJECT port unreachable, default ttl 100", typ=3, code=3)
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.20") / TCP(sport=2300, dport=23, flags="S", seq=1))
    h.expect("lan", lambda q: TCP in q and "R" in str(q[TCP].flags), what="REJECT tcp-reset, default ttl 100")
    h.send("lan", IP(src="10.0.0.3", dst="10.0.0.1") / ICMP(type=8, id=10, seq=1) / Raw(b"ping"))
    collect(h, "lan", 1, "echo reply, default ttl 100", typ=0)
    h.send("lan", IP(src="10.0.0.3", dst="10.0.0.1") / TCP(sport=2301, dport=2222, flags="S", seq=1))
    h.expect("lan", lambda q: TCP in q and "R" in str(q[TCP].flags), what="stack RST, default ttl 100")
    h.gw("sysctl -w net.ipv4.ip_default_ttl=64")
    # K) icmp_errors_use_inbound_ifaddr: a LAN-sourced packet arriving on eth1 with TTL 1
    h.send("wan", IP(src="10.0.0.9", dst="10.0.0.2", ttl=1) / UDP(sport=4000, dport=4001) / Raw(b"odd"))
    collect(h, "lan", 1, "time exceeded from the route's source")
    h.gw("sysctl -w net.ipv4.icmp_errors_use_inbound_ifaddr=1")
    h.send("wan", IP(src="10.0.0.9", dst="10.0.0.2", ttl=1) / UDP(sport=4000, dport=4002) / Raw(b"odd"))
    collect(h, "lan", 1, "time exceeded from the inbound address")
    # L) a WAN SYN to the DNATed port with TTL 1: time exceeded, quoted header NATed back
    h.send("wan", IP(src="198.51.100.30", dst="203.0.113.1", ttl=1) / TCP(sport=51000, dport=8080, flags="S", seq=100))
    collect(h, "wan", 1, "time exceeded for the DNATed SYN")
    h.gw("sysctl -w net.ipv4.icmp_errors_use_inbound_ifaddr=0")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
