"""policy-local-replies: the gateway's own replies (echo reply, TCP RST for a closed port, ICMP
port unreachable) are routed like any locally generated packet: an output route lookup through
the policy rules with the reply's source address (ip_route_output_key / ip_send_unicast_reply).
A source-based rule as multi-homed hosts use it (`ip rule add from 203.0.113.1 lookup 100`,
table 100's default via docker0) sends them out docker0, not by main's default route. With
`fwmark_reflect` on, a reply carries the mark of the packet it answers (IP4_REPLY_MARK), so a
fwmark rule ahead of the source rule picks table 200 (eth1) for it, and so for the ICMP
error about a marked datagram (icmp_route_lookup with IP4_REPLY_MARK)."""
from scapy.all import IP, ICMP, UDP, TCP, Raw

DOCKER = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
DOCK_IPS = ["172.17.0.254"]
SETUP = [
    "ip route add default via 172.17.0.254 dev docker0 table 100",
    "ip rule add from 203.0.113.1 lookup 100 pref 100",
    "ip route add default via 203.0.113.254 dev eth1 table 200",
    "ip rule add fwmark 7 lookup 200 pref 50",
    "iptables -t mangle -A PREROUTING -i eth1 -p tcp --dport 2223 -j MARK --set-mark 7",
    "iptables -t mangle -A PREROUTING -i eth1 -p icmp --icmp-type echo-request -m length --length 40 -j MARK --set-mark 7",
    "iptables -t mangle -A PREROUTING -i eth1 -p udp --dport 2224 -j MARK --set-mark 7",
    "iptables -A OUTPUT -o docker0",
    "iptables -A OUTPUT -o eth1",
    "iptables -A OUTPUT -m mark --mark 7",
]

C = "198.51.100.20"
GW = "203.0.113.1"


def either(h, pred, what):
    for side in ("dock", "wan"):
        if h.expect(side, pred, timeout=0.4, what=what + " by " + side, missing_ok=True) is not None:
            return side
    return None


def steps(h):
    # echo reply, RST, port unreachable: from 203.0.113.1, so table 100: docker0
    h.send("wan", IP(src=C, dst=GW) / ICMP(type=8, id=1, seq=1) / Raw(b"hello"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 0, "echo reply")
    h.send("wan", IP(src=C, dst=GW) / TCP(sport=40000, dport=2222, flags="S", seq=1))
    either(h, lambda q: TCP in q and q[TCP].flags & 4, "RST")
    h.send("wan", IP(src=C, dst=GW) / UDP(sport=5000, dport=9999) / Raw(b"closed"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 3, "port unreachable")
    # marked (7) requests: without fwmark_reflect the replies carry no mark: still table 100
    h.send("wan", IP(src=C, dst=GW) / TCP(sport=40001, dport=2223, flags="S", seq=1))
    either(h, lambda q: TCP in q and q[TCP].flags & 4 and q[TCP].dport == 40001, "RST to a marked SYN")
    h.send("wan", IP(src=C, dst=GW) / ICMP(type=8, id=2, seq=1) / Raw(b"twelve bytes"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 0 and q[ICMP].id == 2, "echo reply to a marked echo")
    # with fwmark_reflect the replies carry mark 7: the fwmark rule's table 200, eth1
    h.gw("sysctl -w net.ipv4.fwmark_reflect=1")
    h.send("wan", IP(src=C, dst=GW) / TCP(sport=40002, dport=2223, flags="S", seq=1))
    either(h, lambda q: TCP in q and q[TCP].flags & 4 and q[TCP].dport == 40002, "RST reflecting the mark")
    h.send("wan", IP(src=C, dst=GW) / ICMP(type=8, id=3, seq=1) / Raw(b"twelve bytes"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 0 and q[ICMP].id == 3, "echo reply reflecting the mark")
    h.send("wan", IP(src=C, dst=GW) / UDP(sport=5001, dport=2224) / Raw(b"marked, closed"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 3, "port unreachable reflecting the mark")
    h.send("wan", IP(src=C, dst=GW) / ICMP(type=8, id=4, seq=1) / Raw(b"unmarked"))
    either(h, lambda q: ICMP in q and q[ICMP].type == 0 and q[ICMP].id == 4, "echo reply, unmarked")
    h.gw("conntrack -L")
