"""reject-variants: every --reject-with of REJECT (net/host/proto/port unreachable, net/host/admin
prohibited, tcp-reset) in FORWARD and INPUT, REJECT of an echo request, of TCP with an ICMP, of
DNATed connections (the RST and the ICMP error leave translated back to the public address), of
a SYN carrying data (the RST's ack counts it), of a RST (nothing), and a REJECT rule inserted
before an established MASQUERADEd flow's next packet."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.30"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8081 -j DNAT --to-destination 10.0.0.5:81",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 5354 -j DNAT --to-destination 10.0.0.5:54",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p udp --dport 1000 -j REJECT --reject-with icmp-net-unreachable",
    "iptables -A FORWARD -p udp --dport 1001 -j REJECT --reject-with icmp-host-unreachable",
    "iptables -A FORWARD -p udp --dport 1002 -j REJECT --reject-with icmp-proto-unreachable",
    "iptables -A FORWARD -p udp --dport 1003 -j REJECT --reject-with icmp-net-prohibited",
    "iptables -A FORWARD -p udp --dport 1004 -j REJECT --reject-with icmp-host-prohibited",
    "iptables -A FORWARD -p udp --dport 1005 -j REJECT --reject-with icmp-admin-prohibited",
    "iptables -A FORWARD -p udp --dport 1006 -j REJECT --reject-with icmp-port-unreachable",
    "iptables -A FORWARD -p tcp --dport 1007 -j REJECT",
    "iptables -A FORWARD -p icmp --icmp-type echo-request -d 198.51.100.99 -j REJECT",
    "iptables -A FORWARD -p tcp --dport 81 -j REJECT --reject-with tcp-reset",
    "iptables -A FORWARD -p udp --dport 54 -j REJECT --reject-with icmp-host-prohibited",
    "iptables -A FORWARD -p tcp --dport 1008 -j REJECT --reject-with tcp-reset",
    "iptables -A INPUT -p tcp --dport 2222 -j REJECT --reject-with tcp-reset",
    "iptables -A INPUT -p udp --dport 161 -j REJECT --reject-with icmp-admin-prohibited",
]


def err(h, side, what, typ=3, code=None):
    return h.expect(side, lambda q: ICMP in q and q[ICMP].type == typ and (code is None or q[ICMP].code == code),
                    what=what)


def rst(h, side, what):
    return h.expect(side, lambda q: TCP in q and "R" in str(q[TCP].flags), what=what)


def steps(h):
    for port, code in [(1000, 0), (1001, 1), (1002, 2), (1003, 9), (1004, 10), (1005, 13), (1006, 3)]:
        h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / UDP(sport=4000 + port, dport=port) / Raw(b"r%d" % port))
        err(h, "lan", "reject code %d" % code, code=code)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=5007, dport=1007, flags="S", seq=77))
    err(h, "lan", "tcp rejected with port unreachable", code=3)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.99") / ICMP(type=8, id=31, seq=1) / Raw(b"ping"))
    err(h, "lan", "echo request rejected", code=3)
    # DNATed TCP rejected with a reset, DNATed UDP with host prohibited: both leave as 203.0.113.1
    h.send("wan", IP(src="198.51.100.30", dst="203.0.113.1") / TCP(sport=52000, dport=8081, flags="S", seq=500))
    rst(h, "wan", "RST for the DNATed SYN")
    h.send("wan", IP(src="198.51.100.30", dst="203.0.113.1") / UDP(sport=52001, dport=5354) / Raw(b"dns"))
    err(h, "wan", "host prohibited for the DNATed datagram", code=10)
    # a SYN with data: the reset acknowledges seq + 1 + data; a RST to that port: no answer
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=5008, dport=1008, flags="S", seq=1000) / Raw(b"fastopen"))
    rst(h, "lan", "RST for a SYN with data")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=5009, dport=1008, flags="R", seq=1000))
    h.expect_nothing("lan", 0.4, "no reset for a reset")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=5010, dport=1008, flags="FA", seq=3000, ack=4000) / Raw(b"bye"))
    rst(h, "lan", "RST for FIN+data (seq = its ack)")
    # INPUT: the gateway's own ports
    h.send("wan", IP(src="198.51.100.30", dst="203.0.113.1") / TCP(sport=52002, dport=2222, flags="S", seq=9))
    rst(h, "wan", "INPUT tcp-reset")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / UDP(sport=52003, dport=161) / Raw(b"snmp"))
    err(h, "lan", "INPUT admin prohibited", code=13)
    # an established MASQUERADEd flow; a REJECT inserted before its next datagram
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 6000, "198.51.100.10", 7000)
    u.c(b"one")
    u.s(b"two")
    h.gw("iptables -I FORWARD 1 -p udp --dport 7000 -j REJECT --reject-with icmp-host-unreachable")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / UDP(sport=6000, dport=7000) / Raw(b"three"))
    err(h, "lan", "REJECT of an established flow", code=1)
    # ... and its reply direction (the error goes to the server, quoting the reply as received)
    h.gw("iptables -I FORWARD 1 -p udp --sport 7000 -j REJECT --reject-with icmp-port-unreachable")
    s, sp, d, dp = u.srv_view
    h.send("wan", IP(src=d, dst=s) / UDP(sport=dp, dport=sp) / Raw(b"four"))
    err(h, "wan", "REJECT of a reply", code=3)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
