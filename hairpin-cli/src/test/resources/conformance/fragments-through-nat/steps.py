"""fragments-through-nat: nf_defrag_ipv4 before conntrack; NAT of reassembled datagrams and their
re-fragmentation on output (frag_max_size, eth1 MTU 1400); out-of-order and overlapping fragments;
DF and the frag-needed error; fragment queue timeout (ipfrag_time) with the reassembly-timeout
error for a local destination."""
from scapy.all import IP, UDP, Raw, ICMP, fragment

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.30"]
SETUP = [
    "ip link set eth1 mtu 1400",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5001 -j DNAT --to-destination 10.0.0.2:6001",
]


def is_frag(q):
    return IP in q and (q[IP].flags.MF or q[IP].frag > 0)


def drain(h, side, what, pred=is_frag, limit=12):
    """every frame matching pred that the gateway emits on side (fragments come back to back)"""
    got = []
    while len(got) < limit:
        p = h.expect(side, pred, 0.5, what=what, missing_ok=True)
        if p is None:
            break
        got.append(p)
    return got


def send_all(h, side, frags):
    for f in frags:
        h.send(side, f)


def steps(h):
    data = bytes(range(256)) * 8
    # A) LAN -> WAN, 2000 bytes in order as 1500-byte fragments; out eth1 (MTU 1400) NATed:
    #    frag_max_size 1500 > 1400, re-fragmented at 1400
    a = IP(src="10.0.0.2", dst="198.51.100.30", id=1001) / UDP(sport=6000, dport=7000) / Raw(data[:2000])
    send_all(h, "lan", fragment(a, fragsize=1480))
    drain(h, "wan", "A fragments")
    # B) same flow, 1000 bytes as 400-byte fragments sent last first: out as <= 420-byte fragments
    b = IP(src="10.0.0.2", dst="198.51.100.30", id=1002) / UDP(sport=6000, dport=7000) / Raw(data[:1000])
    send_all(h, "lan", list(reversed(fragment(b, fragsize=400))))
    drain(h, "wan", "B fragments")
    # C) the reply, fragmented by the far side at 600: un-NATed, out eth0 as <= 620-byte fragments
    c = IP(src="198.51.100.30", dst="203.0.113.1", id=2001) / UDP(sport=7000, dport=6000) / Raw(data[:1200])
    send_all(h, "wan", fragment(c, fragsize=600))
    drain(h, "lan", "C fragments")
    # D) overlapping fragments: the queue is dropped, nothing leaves, no conntrack entry
    d = bytes(IP(src="10.0.0.2", dst="198.51.100.30", id=1003, proto=17) / UDP(sport=6002, dport=7000, len=1208)
              / Raw(data[:1200]))
    hdr, body = d[:20], d[20:]
    d1 = IP(src="10.0.0.2", dst="198.51.100.30", id=1003, proto=17, flags="MF", frag=0) / Raw(body[:800])
    d2 = IP(src="10.0.0.2", dst="198.51.100.30", id=1003, proto=17, frag=50) / Raw(body[400:])
    send_all(h, "lan", [d1, d2])
    h.expect_nothing("wan", 0.5, "overlapping fragments: queue dropped")
    # E) 1450-byte datagram with DF towards eth1 (MTU 1400): frag needed, MTU 1400
    e = IP(src="10.0.0.2", dst="198.51.100.30", id=1004, flags="DF") / UDP(sport=6003, dport=7000) / Raw(data[:1422])
    h.send("lan", e)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 4, what="frag needed")
    # F) the same without DF: the gateway fragments it at 1400
    f = IP(src="10.0.0.2", dst="198.51.100.30", id=1005) / UDP(sport=6004, dport=7000) / Raw(data[:1422])
    h.send("lan", f)
    drain(h, "wan", "F fragments")
    # G) WAN -> DNAT -> LAN, 1300 bytes as 600-byte fragments
    g = IP(src="198.51.100.30", dst="203.0.113.1", id=2002) / UDP(sport=7001, dport=5001) / Raw(data[:1300])
    send_all(h, "wan", fragment(g, fragsize=600))
    drain(h, "lan", "G fragments")
    # H) ipfrag_time=2: a first fragment alone expires; its last fragment later sits alone too
    h.gw("sysctl -w net.ipv4.ipfrag_time=2")
    hh = fragment(IP(src="10.0.0.2", dst="198.51.100.30", id=1006) / UDP(sport=6005, dport=7000) / Raw(data[:900]),
                  fragsize=480)
    h.send("lan", hh[0])
    h.sleep(3.0, "(> ipfrag_time=2 s: the queue expires, no ICMP for a forwarded destination)")
    h.send("lan", hh[1])
    h.expect_nothing("wan", 0.5, "lone last fragment")
    # I) a first fragment for the gateway itself expires: ICMP time exceeded (reassembly) to the sender
    i = fragment(IP(src="198.51.100.30", dst="203.0.113.1", id=2003) / UDP(sport=7002, dport=9) / Raw(data[:900]),
                 fragsize=480)
    h.send("wan", i[0])
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 11 and q[ICMP].code == 1,
             timeout=4.0, what="reassembly time exceeded")
    h.gw("conntrack -L")
