"""icmp-query-types: ICMP query types other than echo through MASQUERADE: timestamp (13/14),
information (15/16) and address mask (17/18) request/reply pairs are tracked like echo (id
remapped on a clash); a reply type with no request (echo reply, timestamp reply) and a router
advertisement are INVALID (no entry, so not NATed: they leave with the LAN source); information
and address mask requests to the gateway itself are tracked but never answered."""
from scapy.all import IP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A INPUT -p icmp",
]


def query(h, src, qtype, ident, payload=b""):
    p = IP(src=src, dst="198.51.100.10") / ICMP(type=qtype, id=ident, seq=1)
    if qtype == 13:
        p = IP(src=src, dst="198.51.100.10") / ICMP(type=13, id=ident, seq=1, ts_ori=1000, ts_rx=0, ts_tx=0)
    if payload:
        p = p / Raw(payload)
    h.send("lan", p)
    return h.expect("wan", lambda q: ICMP in q and q[ICMP].type == qtype and q[IP].dst == "198.51.100.10",
                    what="query type %d from %s" % (qtype, src))


def answer(h, got, rtype, src):
    if got is None:
        return
    p = IP(src="198.51.100.10", dst=got[IP].src) / ICMP(type=rtype, id=got[ICMP].id, seq=1)
    if rtype == 14:
        p = IP(src="198.51.100.10", dst=got[IP].src) / ICMP(type=14, id=got[ICMP].id, seq=1,
                                                            ts_ori=1000, ts_rx=2000, ts_tx=2001)
    h.send("wan", p)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == rtype and q[IP].dst == src, what="reply type %d" % rtype)


def steps(h):
    g = query(h, "10.0.0.2", 13, 300)
    answer(h, g, 14, "10.0.0.2")
    g2 = query(h, "10.0.0.3", 13, 300)
    answer(h, g2, 14, "10.0.0.3")
    g = query(h, "10.0.0.2", 15, 301)
    answer(h, g, 16, "10.0.0.2")
    g = query(h, "10.0.0.2", 17, 302, b"\x00\x00\x00\x00")
    answer(h, g, 18, "10.0.0.2")
    g = query(h, "10.0.0.2", 8, 303, b"x" * 1400)
    answer(h, g, 0, "10.0.0.2")
    # reply types and an advertisement with no request: INVALID, forwarded without NAT
    for t, ident in ((0, 400), (14, 401), (9, 402)):
        p = IP(src="10.0.0.2", dst="198.51.100.10") / ICMP(type=t, id=ident, seq=1)
        h.send("lan", p)
        h.expect("wan", lambda q, t=t: ICMP in q and q[ICMP].type == t, what="type %d unNATed" % t, missing_ok=True)
    # information / address mask requests to the gateway: tracked, not answered
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / ICMP(type=15, id=500, seq=1))
    h.expect_nothing("wan", 0.4, "no information reply")
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / ICMP(type=17, id=501, seq=1) / Raw(b"\x00" * 4))
    h.expect_nothing("wan", 0.4, "no address mask reply")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
