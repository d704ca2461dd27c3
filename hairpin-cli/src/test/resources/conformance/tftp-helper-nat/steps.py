"""tftp-helper-nat: the TFTP conntrack helper (`-t raw ... -p udp --dport 69 -j CT --helper
tftp`) through MASQUERADE: a read request expects the server's answer from any port to the
client's NATed port (`conntrack -L expect`); the answer is RELATED and reaches the client's own
port (nf_nat_follow_master), also for a second client whose port was remapped; a write request;
a DATA packet to port 69 expects nothing; without the helper (port 6969) an answer from another
port reaches the gateway itself (port unreachable)."""
from flows import UdpFlow
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 69 -j CT --helper tftp",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 6969 -j CT --helper tftp",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A FORWARD -m helper --helper tftp",
]
S = "198.51.100.10"
RRQ = b"\x00\x01boot.img\x00octet\x00"
WRQ = b"\x00\x02upload.txt\x00octet\x00"


def answer(h, sport, view, data, what):
    """the server answers from a new port to the client's NATed address and port"""
    h.send("wan", IP(src=S, dst=view[0]) / UDP(sport=sport, dport=view[1]) / Raw(data))
    return h.expect("lan", lambda q: UDP in q and q[UDP].sport == sport, what=what)


def steps(h):
    # A) read request from 10.0.0.2:40000, the server answers from 50000
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 40000, S, 69)
    a.c(RRQ)
    h.gw("conntrack -L expect")
    view = (a.srv_view[0], a.srv_view[1])
    answer(h, 50000, view, b"\x00\x03\x00\x01" + b"d" * 32, "DATA 1 (RELATED)")
    h.send("lan", IP(src="10.0.0.2", dst=S) / UDP(sport=40000, dport=50000) / Raw(b"\x00\x04\x00\x01"))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 50000, what="ACK 1")
    h.gw("conntrack -L expect")
    # B) 10.0.0.3:40000 to the same server: its port is remapped; the answer still reaches 40000
    b = UdpFlow(h, "lan", "wan", "10.0.0.3", 40000, S, 69)
    b.c(RRQ)
    answer(h, 50001, (b.srv_view[0], b.srv_view[1]), b"\x00\x03\x00\x01" + b"e" * 16, "DATA to the remapped client")
    # C) a write request; the server's ACK 0 from 50002
    c = UdpFlow(h, "lan", "wan", "10.0.0.2", 40001, S, 69)
    c.c(WRQ)
    answer(h, 50002, (c.srv_view[0], c.srv_view[1]), b"\x00\x04\x00\x00", "ACK 0 for WRQ")
    # D) DATA to port 69 expects nothing: an answer from another port reaches the gateway
    d = UdpFlow(h, "lan", "wan", "10.0.0.2", 40002, S, 69)
    d.c(b"\x00\x03\x00\x07" + b"x" * 8)
    h.gw("conntrack -L expect")
    h.send("wan", IP(src=S, dst="203.0.113.1") / UDP(sport=50003, dport=40002) / Raw(b"\x00\x04\x00\x07"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable from the gateway")
    # E) the helper on another port (6969) works the same
    e = UdpFlow(h, "lan", "wan", "10.0.0.3", 40003, S, 6969)
    e.c(RRQ)
    answer(h, 50004, (e.srv_view[0], e.srv_view[1]), b"\x00\x03\x00\x01" + b"f" * 8, "DATA via 6969")
    h.gw("conntrack -L")
    h.gw("conntrack -S expect")
