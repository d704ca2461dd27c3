"""udplite-dccp-nat: UDP-Lite (136) and DCCP (33) through MASQUERADE and DNAT: whether the
kernel tracks them with ports (and translates them) or as generic protocols, UDP-Lite's
checksum coverage, and a DCCP request/response."""
import struct

from scapy.all import IP, ICMP, Raw
from scapy.utils import checksum

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A PREROUTING -i eth1 -p udplite -m multiport --dports 7000 -j DNAT --to-destination 10.0.0.3",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A FORWARD -p udplite -m conntrack --ctstate NEW",
    "iptables -A FORWARD -p dccp -m conntrack --ctstate NEW",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED",
]


def pseudo(src, dst, proto, length):
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))
    return s + d + struct.pack("!BBH", 0, proto, length)


def udplite(src, dst, sport, dport, data, cscov=0, bad=False, pproto=17, zero=False):
    """pproto: the protocol in the pseudo header. RFC 3828 says 136; conntrack's udplite_error()
    verifies with IPPROTO_UDP (nf_checksum_partial(..., IPPROTO_UDP, ...)), so only 17 passes it."""
    hdr = struct.pack("!HHHH", sport, dport, cscov, 0)
    seg = hdr + data
    cov = len(seg) if cscov == 0 else min(cscov, len(seg))
    c = checksum(pseudo(src, dst, pproto, len(seg)) + seg[:cov])
    if c == 0:
        c = 0xffff
    if bad:
        c ^= 0x5555
    if zero:
        c = 0
    seg = hdr[:6] + struct.pack("!H", c) + data
    return IP(src=src, dst=dst, proto=136) / Raw(seg)


def dccp(src, dst, sport, dport, ptype, seq, ack=None, service=0):
    # X=1 (48-bit sequence numbers); doff in 32-bit words
    body = b""
    if ptype == 0:                      # Request: service code
        body = struct.pack("!I", service)
    elif ptype in (1, 2, 3, 4):         # Response/Data/Ack/DataAck: ack subheader (+ service for Response)
        body = struct.pack("!HHI", 0, (ack >> 32) & 0xffff, ack & 0xffffffff)
        if ptype == 1:
            body += struct.pack("!I", service)
    doff = (16 + len(body)) // 4
    hdr = struct.pack("!HHBBH", sport, dport, doff, 0, 0)
    hdr += struct.pack("!BBHI", (ptype << 1) | 1, 0, (seq >> 32) & 0xffff, seq & 0xffffffff)
    seg = hdr + body
    c = checksum(pseudo(src, dst, 33, len(seg)) + seg)
    seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return IP(src=src, dst=dst, proto=33) / Raw(seg)


def l4(q, proto):
    return IP in q and q[IP].proto == proto


def steps(h):
    # A) UDP-Lite LAN -> WAN with the RFC checksum (pseudo header protocol 136): INVALID for
    #    conntrack (it verifies with 17), dropped by FORWARD
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"rfc-sum", pproto=136))
    h.expect_nothing("wan", 0.4, "udplite with the RFC 3828 checksum: INVALID")
    # B) the same flow with conntrack's checksum: tracked with ports, MASQUERADEd, answered
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"lite-query"))
    got = h.expect("wan", lambda q: l4(q, 136), what="udplite out", missing_ok=True)
    sport = struct.unpack("!H", bytes(got[IP].payload)[:2])[0] if got is not None else 5000
    h.send("wan", udplite("198.51.100.10", "203.0.113.1", 6000, sport, b"lite-answer"))
    h.expect("lan", lambda q: l4(q, 136), what="udplite back", missing_ok=True)
    # C) partial coverage (header only), an illegal coverage (3), a zero checksum, a bad one
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"partial-coverage", cscov=8))
    h.expect("wan", lambda q: l4(q, 136), what="udplite partial coverage", missing_ok=True)
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"cov3", cscov=3))
    h.expect("wan", lambda q: l4(q, 136), what="udplite coverage 3", missing_ok=True)
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"no-sum", zero=True))
    h.expect("wan", lambda q: l4(q, 136), what="udplite checksum 0", missing_ok=True)
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"bad-sum", bad=True))
    h.expect("wan", lambda q: l4(q, 136), what="udplite bad checksum", missing_ok=True)
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"cov-long", cscov=200))
    h.expect("wan", lambda q: l4(q, 136), what="udplite coverage beyond the datagram", missing_ok=True)
    # D) a second LAN host, same ports to the same server: the reply tuple clashes
    h.send("lan", udplite("10.0.0.3", "198.51.100.10", 5000, 6000, b"second"))
    h.expect("wan", lambda q: l4(q, 136), what="udplite second host", missing_ok=True)
    # E) UDP-Lite DNAT from the WAN to 10.0.0.3, answered
    h.send("wan", udplite("198.51.100.10", "203.0.113.1", 6100, 7000, b"inbound"))
    h.expect("lan", lambda q: l4(q, 136), what="udplite dnat", missing_ok=True)
    h.send("lan", udplite("10.0.0.3", "198.51.100.10", 7000, 6100, b"inbound-reply"))
    h.expect("wan", lambda q: l4(q, 136), what="udplite dnat reply", missing_ok=True)
    # F) the RFC checksum to a closed port of the gateway: INVALID (no DNAT), delivered, and the
    #    gateway's UDP-Lite stack (which checks with 136) answers port unreachable
    h.send("wan", udplite("198.51.100.10", "203.0.113.1", 6101, 7000, b"rfc-inbound", pproto=136))
    h.expect("wan", lambda q: ICMP in q, what="port unreachable from the UDP-Lite stack", missing_ok=True)
    # G) without checksum verification the RFC checksum is tracked
    h.gw("sysctl -w net.netfilter.nf_conntrack_checksum=0")
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5002, 6000, b"rfc-unchecked", pproto=136))
    h.expect("wan", lambda q: l4(q, 136), what="udplite unchecked", missing_ok=True)
    h.gw("sysctl -w net.netfilter.nf_conntrack_checksum=1")
    # H) DCCP (its conntrack support is gone since 6.16): a generic entry without ports
    h.send("lan", dccp("10.0.0.2", "198.51.100.10", 40000, 5001, 0, 100, service=42))
    got = h.expect("wan", lambda q: l4(q, 33), what="dccp request", missing_ok=True)
    dport = struct.unpack("!H", bytes(got[IP].payload)[:2])[0] if got is not None else 40000
    h.send("wan", dccp("198.51.100.10", "203.0.113.1", 5001, dport, 1, 900, ack=100, service=42))
    h.expect("lan", lambda q: l4(q, 33), what="dccp response", missing_ok=True)
    h.send("lan", dccp("10.0.0.2", "198.51.100.10", 40000, 5001, 3, 101, ack=900))
    h.expect("wan", lambda q: l4(q, 33), what="dccp ack", missing_ok=True)
    h.send("lan", dccp("10.0.0.3", "198.51.100.10", 40000, 5001, 0, 500, service=42))
    h.expect("wan", lambda q: l4(q, 33), what="dccp request second host", missing_ok=True)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
