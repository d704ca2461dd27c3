"""ctmatch-details: `-m conntrack` (revision 3) options as counting rules in FORWARD: reply-tuple
addresses and ports, port ranges, --ctexpire at second boundaries, --ctstatus combinations,
negations, --ctdir with NAT states, UNTRACKED; MASQUERADE and a DNAT port forward."""
from flows import TcpConn, UdpFlow, Echo

LAN_IPS = ["10.0.0.2", "10.0.0.200"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
RULES = [
    "--ctreplsrc 198.51.100.10",
    "--ctrepldst 203.0.113.1",
    "! --ctrepldst 203.0.113.1",
    "--ctrepldst 10.0.0.2 --ctstate DNAT",
    "--ctorigsrcport 6000",
    "--ctorigdstport 5000:5001",
    "! --ctorigdstport 5000:5001",
    "--ctreplsrcport 5000",
    "--ctrepldstport 6000:6001",
    "--ctexpire 25:29",
    "--ctexpire 30",
    "--ctexpire 100:119",
    "--ctexpire 120:200",
    "! --ctexpire 0:100",
    "--ctstatus SEEN_REPLY",
    "--ctstatus ASSURED,CONFIRMED",
    "! --ctstatus ASSURED",
    "--ctstatus NONE",
    "--ctstatus CONFIRMED",
    "--ctstate NEW,RELATED ! --ctproto udp",
    "--ctstate UNTRACKED",
    "--ctstate SNAT --ctdir ORIGINAL",
    "--ctstate SNAT --ctdir REPLY",
    "--ctstate DNAT --ctdir REPLY",
    "! --ctstate SNAT,DNAT",
    "--ctorigsrc 10.0.0.0/25 ! --ctorigdst 198.51.100.0/24",
    "! --ctorigsrc 10.0.0.0/25",
    "--ctproto icmp --ctstate ESTABLISHED",
    "--ctproto 6 --ctorigdst 198.51.100.20 --ctorigdstport 80",
    "--ctstate INVALID",
]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 9999 -j CT --notrack",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
] + ["iptables -A FORWARD -m conntrack " + r for r in RULES]
SRV = "198.51.100.10"


def steps(h):
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 6000, SRV, 5000)
    a.c(b"a1")
    a.s(b"a1r")
    b = UdpFlow(h, "lan", "wan", "10.0.0.200", 6001, SRV, 5001)
    b.c(b"b1")
    n = UdpFlow(h, "lan", "wan", "10.0.0.2", 6002, SRV, 9999)
    n.c(b"untracked")
    e = Echo(h, "lan", "wan", "10.0.0.2", SRV, 77)
    e.request(1)
    e.reply(1)
    t = TcpConn(h, "lan", "wan", "10.0.0.200", 40000, "198.51.100.20", 80, cisn=100, sisn=900)
    t.handshake()
    d = TcpConn(h, "wan", "lan", "198.51.100.20", 41000, "203.0.113.1", 8080, cisn=5000, sisn=7000)
    d.handshake()
    h.sleep(2.3, "UDP assured with the next packet; timeouts move")
    a.c(b"a2")
    a.s(b"a2r")
    b.c(b"b2")
    t.c("PA", b"GET")
    t.s("A")
    d.c("PA", b"GET")
    d.s("A")
    h.gw("conntrack -L")
