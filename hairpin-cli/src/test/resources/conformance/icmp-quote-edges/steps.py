"""icmp-quote-edges: ICMP errors about MASQUERADEd flows whose quote is unusual: a quoted
non-first fragment (no transport header: the inner tuple cannot be built), a quoted first
fragment, a TCP quote of only 4 bytes (ports only) and of 6 bytes, a UDP quote of 8 bytes with
a wrong inner IP checksum, and an error whose quoted source is not the NAT address."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, TCP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.254"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p icmp -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -p icmp -m conntrack --ctstate INVALID",
    "iptables -A INPUT -p icmp -m conntrack --ctstate INVALID",
    "iptables -A INPUT -p icmp -m conntrack --ctstate RELATED",
]


def err(h, inner_bytes, code, what):
    h.send("wan", IP(src="198.51.100.254", dst="203.0.113.1") / ICMP(type=3, code=code, nexthopmtu=1200 if code == 4 else 0)
           / Raw(inner_bytes))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == code, what=what, missing_ok=True)


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 6000)
    got = u.c(b"x" * 64)
    u.s(b"answer")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, "198.51.100.10", 80, cisn=1000, sisn=9000)
    t.handshake()
    tg = t.c("PA", b"data")
    t.s("A")
    if got is None or tg is None:
        return
    ub = bytes(got[IP])
    tb = bytes(tg[IP])
    # A) the quoted datagram marked as a non-first fragment (offset 8): no inner tuple
    frag = bytearray(ub[:28])
    frag[6], frag[7] = 0x00, 0x01          # fragment offset 1 (8 bytes)
    q = IP(bytes(frag))
    del q.chksum
    err(h, bytes(q)[:28], 4, "error quoting a non-first fragment")
    # B) the quoted datagram as a first fragment (MF set)
    first = bytearray(ub[:28])
    first[6] = 0x20
    q = IP(bytes(first))
    del q.chksum
    err(h, bytes(q)[:28], 4, "error quoting a first fragment")
    # C) TCP quoted with 4 and 6 bytes of header, then 8
    err(h, tb[:24], 3, "tcp quote of 4 bytes")
    err(h, tb[:26], 3, "tcp quote of 6 bytes")
    err(h, tb[:28], 3, "tcp quote of 8 bytes")
    # D) UDP quote whose inner IP checksum is wrong
    bad = bytearray(ub[:28])
    bad[10] ^= 0xff
    err(h, bytes(bad), 3, "udp quote with a wrong inner IP checksum")
    # E) a quote whose source is not the NAT address (no entry): INVALID, to the gateway
    other = IP(src="203.0.113.99", dst="198.51.100.10") / UDP(sport=5000, dport=6000) / Raw(b"zz")
    h.send("wan", IP(src="198.51.100.254", dst="203.0.113.1") / ICMP(type=3, code=3) / Raw(bytes(other)[:28]))
    h.expect_nothing("lan", 0.4, "error about no known flow")
    h.gw("conntrack -S")
