"""other-protocols-nat: protocols without ports through MASQUERADE and DNAT: IPsec ESP (50)
passthrough, GRE version 0 (47, its own tracker: 30 s, then 180 s and ASSURED), GRE version 1
(PPTP call id as key), IP-in-IP (4). Generic entries are keyed by addresses and protocol only (600 s timeout); a second
LAN host's ESP to the same server shares nothing with the first (no ports to remap)."""
import struct
from scapy.all import IP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p gre -j DNAT --to-destination 10.0.0.5",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    # ESP from two LAN hosts to one server, and the server's answers
    for i, src in enumerate(("10.0.0.2", "10.0.0.3")):
        spi = 0x1000 + i
        h.send("lan", IP(src=src, dst="198.51.100.10", proto=50) / Raw(struct.pack("!II", spi, 1) + b"x" * 16))
        # the second host's ESP has the same reply tuple (no ports to remap): dropped at confirmation
        h.expect("wan", lambda q: IP in q and q[IP].proto == 50 and bytes(q[IP].payload)[:4] == struct.pack("!I", spi),
                 what="ESP out", missing_ok=(i == 1))
        h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1", proto=50) / Raw(struct.pack("!II", 0x2000 + i, 1) + b"y" * 16))
        h.expect("lan", lambda q: IP in q and q[IP].proto == 50, what="ESP back (to the first host: addresses only)")
    # GRE v0 from a WAN peer, DNATed to 10.0.0.5, and its answer
    gre = struct.pack("!HH", 0, 0x0800)
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1", proto=47) / Raw(gre + b"inner-a"))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47, what="GRE DNATed")
    h.send("lan", IP(src="10.0.0.5", dst="198.51.100.7", proto=47) / Raw(gre + b"inner-b"))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47, what="GRE answer un-DNATed")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1", proto=47) / Raw(gre + b"inner-c"))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47, what="GRE again: ASSURED, 180 s")
    # GRE version 1 (PPTP data, call id 0x4242) from the LAN: keyed tuple
    pptp = struct.pack("!BBHHHI", 0x30, 0x81, 0x880B, 0, 0x4242, 1)
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.7", proto=47) / Raw(pptp))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47 and bytes(q[IP].payload)[:2] == b"\x30\x81",
             what="GRE v1 out")
    # IP-in-IP from the LAN
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.7", proto=4) / IP(src="192.0.2.1", dst="192.0.2.2") / Raw(b"z"))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 4, what="IPIP out")
    h.gw("conntrack -L")
