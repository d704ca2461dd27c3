"""ops-conntrack-update: conntrack -U (mark, status, timeout) on routed (un-NATed) flows and on a
DNAT flow, -L -m with masks, -D by mark, -o id/extended, with nf_conntrack_acct off."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
SYSCTL = [("net.netfilter.nf_conntrack_acct", "0")]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
]


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query")
    u.s(b"answer")
    v = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, "198.51.100.54", 53)
    v.c(b"query")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 443, cisn=100, sisn=500)
    t.c("S")
    t.s("SA")
    t.c("A")
    d = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=2000, sisn=9000)
    d.c("S")
    d.s("SA")
    d.c("A")
    for cmd in [
        "conntrack -L",
        "conntrack -U -p udp --dport 53 -s 10.0.0.2 -d 198.51.100.53 -m 7",
        "conntrack -L -m 7",
        "conntrack -U -p udp -m 7",
        "conntrack -U -p udp -m 7",
        "conntrack -L -m 7",
        "conntrack -U -m 0x30/0xf0",
        "conntrack -L -m 0x37",
        "conntrack -L -m 0x30/0xf0",
        "conntrack -L -m 0x0/0xf",
        "conntrack -U -p tcp --dport 8080 -m 9",
        "conntrack -U -p tcp --dport 443 -t 77",
        "conntrack -L -p tcp --dport 443",
        "conntrack -U -p udp --sport 5001 -u ASSURED",
        "conntrack -L -p udp",
        "conntrack -U -p udp --sport 5001 -u SEEN_REPLY",
        "conntrack -U -s 192.0.2.1 -m 1",
        "conntrack -L -o id -p tcp --dport 443",
        "conntrack -D -m 0x37",
        "conntrack -L",
        "conntrack -D -u UNREPLIED",
        "conntrack -C",
    ]:
        h.gw(cmd, check=False)
