"""ct-event-mask: the raw table's `CT --ctevents`: an entry made through the template reports
only the events whose cached bits meet its mask (nf_conntrack_eventmask_report / deliver cached
events), with every bit cached so far; without a template every event is reported."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
# a template gets its event mask only when an event listener exists as the rule is added
# (nf_conntrack_events=2): the first rule is there before `conntrack -E` starts, the others are
# added by the run
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5005 -j CT --ctevents destroy",
    "iptables -t mangle -A FORWARD -i eth1 -p udp --sport 5002 -j CONNMARK --set-mark 7",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
SRV = "198.51.100.10"


MID = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5000 -j CT --ctevents new,destroy",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5001 -j CT --ctevents assured",
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 80 -j CT --ctevents protoinfo",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5002 -j CT --ctevents mark",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 5004 -j CT --ctevents reply",
]


def steps(h):
    for cmd in MID:
        h.gw(cmd)
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 6000, SRV, 5000)
    b = UdpFlow(h, "lan", "wan", "10.0.0.2", 6001, SRV, 5001)
    d = UdpFlow(h, "lan", "wan", "10.0.0.2", 6002, SRV, 5002)
    e = UdpFlow(h, "lan", "wan", "10.0.0.2", 6003, SRV, 5003)
    f = UdpFlow(h, "lan", "wan", "10.0.0.2", 6004, SRV, 5004)
    g = UdpFlow(h, "lan", "wan", "10.0.0.2", 6005, SRV, 5005)
    for u in (a, b, d, e, f, g):
        u.c(b"q1")
        u.s(b"r1")
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, SRV, 80, cisn=100, sisn=900)
    t.handshake()
    t.c("PA", b"GET")
    t.s("A")
    h.sleep(2.2, "UDP entries become assured with the next packet")
    for u in (a, b, d, e, f, g):
        u.c(b"q2")
    t.c("FA")
    t.s("FA")
    t.c("A")
    h.gw("conntrack -U -s 10.0.0.2 -p udp --orig-port-dst 5000 -m 3")
    h.gw("conntrack -U -s 10.0.0.2 -p udp --orig-port-dst 5002 -m 9")
    h.gw("conntrack -L")
    h.gw("conntrack -D -p udp")
    h.gw("conntrack -D -p tcp")
