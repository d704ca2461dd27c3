"""fragments-uneven-local: fragments of unequal sizes through SNAT (what geometry leaves: the
frag_list fast path keeps the original boundaries, the slow path cuts at the largest fragment);
a duplicated fragment; a fragmented echo request to the gateway itself and its 3000-byte reply,
fragmented by the gateway's own stack."""
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.30"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def is_frag(q):
    return IP in q and (q[IP].flags.MF or q[IP].frag > 0)


def drain(h, side, what, pred=is_frag, limit=12):
    got = []
    while len(got) < limit:
        p = h.expect(side, pred, 0.5, what=what, missing_ok=True)
        if p is None:
            break
        got.append(p)
    return got


def frags(src, dst, ident, l4bytes, cuts):
    """fragments of the L4 bytes at the given offsets (multiples of 8)"""
    out = []
    edges = list(cuts) + [len(l4bytes)]
    start = 0
    for end in edges:
        mf = "MF" if end < len(l4bytes) else 0
        out.append(IP(src=src, dst=dst, id=ident, proto=17 if ident < 3000 else 1, flags=mf, frag=start // 8)
                   / Raw(l4bytes[start:end]))
        start = end
    return out


def steps(h):
    data = bytes(range(256)) * 12
    # A) 1800 bytes of UDP as 1000 + 200 + 608 fragments, in order
    a = bytes(UDP(sport=6000, dport=7000) / Raw(data[:1800]))
    a = bytes(IP(src="10.0.0.2", dst="198.51.100.30") / UDP(sport=6000, dport=7000) / Raw(data[:1800]))[20:]
    for f in frags("10.0.0.2", "198.51.100.30", 1101, a, [1000, 1200]):
        h.send("lan", f)
    drain(h, "wan", "A fragments")
    # B) 600 + 1000 + 208, the middle one sent twice (duplicate)
    b = bytes(IP(src="10.0.0.2", dst="198.51.100.30") / UDP(sport=6001, dport=7000) / Raw(data[:1800]))[20:]
    fb = frags("10.0.0.2", "198.51.100.30", 1102, b, [600, 1600])
    for f in [fb[0], fb[1], fb[1], fb[2]]:
        h.send("lan", f)
    drain(h, "wan", "B fragments")
    # C) a 3000-byte echo request to the gateway in 1480-byte fragments; the reply is fragmented
    c = bytes(IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=8, id=99, seq=1) / Raw(data[:2972]))[20:]
    for f in frags("10.0.0.2", "10.0.0.1", 3001, c, [1480, 2960]):
        h.send("lan", f)
    drain(h, "lan", "echo reply fragments")
    h.gw("conntrack -L")
