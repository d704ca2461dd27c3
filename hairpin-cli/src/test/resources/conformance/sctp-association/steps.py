"""sctp-association: an SCTP association through MASQUERADE and conntrack's SCTP tracker
(nf_conntrack_proto_sctp.c): INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK, DATA/SACK both ways,
SHUTDOWN, SHUTDOWN-ACK, SHUTDOWN-COMPLETE; then an INIT for a second association from another
port, answered by ABORT; a WAN peer's association DNATed to another port (CRC32c rewritten),
HEARTBEAT/HEARTBEAT-ACK, a DATA chunk with a wrong verification tag and one with a bad CRC32c
(INVALID, dropped by `FORWARD --ctstate INVALID -j DROP`)."""
import struct
from scapy.all import IP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p sctp --dport 3868 -j DNAT --to-destination 10.0.0.5:3869",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP",
]
A_TAG, B_TAG = 0x11111111, 0x22222222


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def chunk(ctype, flags, value):
    c = struct.pack("!BBH", ctype, flags, 4 + len(value)) + value
    return c + b"\0" * (-len(c) % 4)


def pkt(sport, dport, vtag, *chunks):
    body = b"".join(chunks)
    hdr = struct.pack("!HHII", sport, dport, vtag, 0)
    c = crc32c(hdr + body)
    return struct.pack("!HHI", sport, dport, vtag) + struct.pack("<I", c) + body


def init(ctype, tag):
    return chunk(ctype, 0, struct.pack("!IIHHI", tag, 65535, 1, 1, tag))


def lan(h, sport, vtag, *chunks, what=""):
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", proto=132) / Raw(pkt(sport, 9999, vtag, *chunks)))
    return h.expect("wan", lambda q: IP in q and q[IP].proto == 132, what=what)


def wan(h, dport, vtag, *chunks, what=""):
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1", proto=132) / Raw(pkt(9999, dport, vtag, *chunks)))
    return h.expect("lan", lambda q: IP in q and q[IP].proto == 132, what=what)


def steps(h):
    lan(h, 5000, 0, init(1, A_TAG), what="INIT")
    wan(h, 5000, A_TAG, init(2, B_TAG), what="INIT-ACK")
    lan(h, 5000, B_TAG, chunk(10, 0, b"cookie!!"), what="COOKIE-ECHO")
    wan(h, 5000, A_TAG, chunk(11, 0, b""), what="COOKIE-ACK")
    lan(h, 5000, B_TAG, chunk(0, 3, struct.pack("!IHHI", A_TAG, 0, 0, 0) + b"hello"), what="DATA")
    wan(h, 5000, A_TAG, chunk(3, 0, struct.pack("!IIHH", A_TAG, 65535, 0, 0)), what="SACK")
    wan(h, 5000, A_TAG, chunk(0, 3, struct.pack("!IHHI", B_TAG, 0, 0, 0) + b"world"), what="DATA back")
    lan(h, 5000, B_TAG, chunk(3, 0, struct.pack("!IIHH", B_TAG, 65535, 0, 0)), what="SACK back")
    h.gw("conntrack -L")
    lan(h, 5000, B_TAG, chunk(7, 0, struct.pack("!I", B_TAG)), what="SHUTDOWN")
    wan(h, 5000, A_TAG, chunk(8, 0, b""), what="SHUTDOWN-ACK")
    lan(h, 5000, B_TAG, chunk(14, 0, b""), what="SHUTDOWN-COMPLETE")
    h.gw("conntrack -L")
    lan(h, 5001, 0, init(1, 0x33333333), what="INIT 2")
    wan(h, 5001, 0x33333333, chunk(6, 0, b""), what="ABORT")
    h.gw("conntrack -L")
    # a Diameter peer on the WAN -> 203.0.113.1:3868, DNATed to 10.0.0.5:3869 (port and CRC32c rewritten)
    C, S = 0x44444444, 0x55555555

    def w(vtag, *chunks, what=""):
        h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1", proto=132) / Raw(pkt(6000, 3868, vtag, *chunks)))
        return h.expect("lan", lambda q: IP in q and q[IP].proto == 132, what=what)

    def l(vtag, *chunks, what="", missing_ok=False):
        h.send("lan", IP(src="10.0.0.5", dst="198.51.100.7", proto=132) / Raw(pkt(3869, 6000, vtag, *chunks)))
        return h.expect("wan", lambda q: IP in q and q[IP].proto == 132, what=what, missing_ok=missing_ok)

    w(0, init(1, C), what="INIT (DNAT)")
    l(C, init(2, S), what="INIT-ACK")
    w(S, chunk(10, 0, b"cookie!!"), what="COOKIE-ECHO")
    l(C, chunk(11, 0, b""), what="COOKIE-ACK")
    w(S, chunk(4, 0, struct.pack("!HH", 1, 8) + b"hbinfo!!"), what="HEARTBEAT")
    l(C, chunk(5, 0, struct.pack("!HH", 1, 8) + b"hbinfo!!"), what="HEARTBEAT-ACK")
    w(S, chunk(0, 3, struct.pack("!IHHI", C, 0, 0, 0) + b"CER"), what="DATA")
    # a DATA chunk with the wrong verification tag: INVALID, dropped by FORWARD
    l(0x12345678, chunk(0, 3, struct.pack("!IHHI", S, 0, 0, 0) + b"bad"), what="DATA wrong tag", missing_ok=True)
    # a packet with a bad CRC32c: INVALID in PREROUTING, dropped
    bad = bytearray(pkt(3869, 6000, C, chunk(0, 3, struct.pack("!IHHI", S, 0, 0, 0) + b"crc")))
    bad[8] ^= 0xff
    h.send("lan", IP(src="10.0.0.5", dst="198.51.100.7", proto=132) / Raw(bytes(bad)))
    h.expect_nothing("wan", 0.4, "bad CRC: INVALID, dropped")
    l(C, chunk(0, 3, struct.pack("!IHHI", S, 0, 0, 0) + b"CEA"), what="DATA back")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
