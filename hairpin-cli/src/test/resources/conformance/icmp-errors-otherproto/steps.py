"""icmp-errors-otherproto: ICMP errors about MASQUERADEd flows of the protocols besides TCP, UDP
and ICMP: UDP-Lite (inner ports and checksum), SCTP (inner port; the CRC32c recomputed over the
quoted bytes when 12 or more are quoted, left alone when only 8), GRE (keys), ESP and DCCP
(generic: addresses only). Each error comes from the server (or a router) to the gateway's
address, is RELATED and goes back to the LAN host with the quoted datagram un-NATed."""
import struct

from scapy.all import IP, ICMP, Raw
from scapy.layers.sctp import SCTP, SCTPChunkInit
from scapy.layers.l2 import GRE
from scapy.utils import checksum

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.254"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A FORWARD -p icmp -m conntrack --ctstate RELATED",
]


def pseudo(src, dst, proto, length):
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))
    return s + d + struct.pack("!BBH", 0, proto, length)


def udplite(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 0, 0) + data
    c = checksum(pseudo(src, dst, 17, len(seg)) + seg) or 0xffff   # conntrack's pseudo-header
    return IP(src=src, dst=dst, proto=136) / Raw(seg[:6] + struct.pack("!H", c) + data)


def dccp_request(src, dst, sport, dport):
    seg = struct.pack("!HHBBHBBHIII", sport, dport, 5, 0, 0, 1, 0, 0, 100, 42, 0)[:20]
    c = checksum(pseudo(src, dst, 33, len(seg)) + seg)
    return IP(src=src, dst=dst, proto=33) / Raw(seg[:6] + struct.pack("!H", c) + seg[8:])


def out(h, what, proto, src):
    return h.expect("wan", lambda q: IP in q and q[IP].proto == proto and q[IP].src == "203.0.113.1",
                    what=what, missing_ok=True)


def error_back(h, got, router, code, quote_len, what):
    """an ICMP destination unreachable about `got` (the frame the server side received)"""
    if got is None:
        return
    q = bytes(got[IP])[:quote_len]
    h.send("wan", IP(src=router, dst="203.0.113.1") / ICMP(type=3, code=code) / Raw(q))
    h.expect("lan", lambda p: ICMP in p and p[ICMP].type == 3 and p[ICMP].code == code,
             what=what, missing_ok=True)


def steps(h):
    # A) UDP-Lite: port unreachable from the server, quoting 8 bytes and then the whole datagram
    h.send("lan", udplite("10.0.0.2", "198.51.100.10", 5000, 6000, b"lite-payload"))
    g = out(h, "udplite out", 136, "203.0.113.1")
    error_back(h, g, "198.51.100.10", 3, 28, "udplite error, 8 bytes quoted")
    error_back(h, g, "198.51.100.10", 3, 200, "udplite error, all quoted")
    # B) SCTP INIT: an error quoting the whole INIT (CRC recomputed) and one quoting 8 bytes
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / SCTP(sport=5001, dport=5001, tag=0)
           / SCTPChunkInit(init_tag=0x11223344, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=1))
    g = out(h, "sctp init out", 132, "203.0.113.1")
    error_back(h, g, "198.51.100.254", 1, 200, "sctp error, all quoted")
    error_back(h, g, "198.51.100.254", 1, 28, "sctp error, 8 bytes quoted")
    # C) a second host's SCTP with the same ports: its port is remapped; the error quoting the
    #    remapped port goes back to 10.0.0.3 with its own port
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / SCTP(sport=5001, dport=5001, tag=0)
           / SCTPChunkInit(init_tag=0x55667788, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=7))
    g = out(h, "sctp init second host", 132, "203.0.113.1")
    error_back(h, g, "198.51.100.254", 13, 200, "sctp error for the remapped port")
    # D) GRE version 1 (PPTP call id 0x4242) and ESP: errors quoting them
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / GRE(version=1, proto=0x880b, key_present=1, key=0x00044242)
           / Raw(b"ppp"))
    g = out(h, "gre out", 47, "203.0.113.1")
    error_back(h, g, "198.51.100.10", 2, 200, "gre error (protocol unreachable)")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", proto=50) / Raw(struct.pack("!II", 0x1000, 1) + b"cipher"))
    g = out(h, "esp out", 50, "203.0.113.1")
    error_back(h, g, "198.51.100.254", 4, 200, "esp error (frag needed)")
    # E) DCCP (generic): an error quoting the request
    h.send("lan", dccp_request("10.0.0.2", "198.51.100.10", 40000, 5001))
    g = out(h, "dccp out", 33, "203.0.113.1")
    error_back(h, g, "198.51.100.10", 3, 200, "dccp error")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
