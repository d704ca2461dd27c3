"""helpers-named: the raw table's per-port helper assignment as OpenWrt's firewall makes it
(CT --helper irc / sip / pptp / sane / netbios-ns...): connections on those ports carry the
helper (conntrack -L's helper=NAME, -m helper matches it) even when their payload gives the
helper nothing to do."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, UDP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 6667 -j CT --helper irc",
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 1723 -j CT --helper pptp",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5060 -j CT --helper sip",
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 6566 -j CT --helper sane",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m helper --helper irc",
    "iptables -A FORWARD -m helper --helper pptp",
    "iptables -A FORWARD -m helper --helper sip",
    "iptables -A FORWARD -m helper --helper sane",
]


def steps(h):
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.20", 6667, cisn=100, sisn=900)
    t.handshake()
    t.c("PA", b"NICK hairpin\r\n")
    t.s("A")
    p = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.20", 1723, cisn=200, sisn=800)
    p.handshake()
    s = TcpConn(h, "lan", "wan", "10.0.0.2", 40002, "198.51.100.20", 6566, cisn=300, sisn=700)
    s.handshake()
    h.gw("conntrack -L")
