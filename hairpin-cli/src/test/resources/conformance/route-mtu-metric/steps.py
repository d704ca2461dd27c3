"""route-mtu-metric: a route's mtu metric (`ip route add ... mtu N`, as VPN and cloud setups and
DHCP option 26 set it) is the path MTU of what is forwarded or sent that way, not the device's:
ip_forward's fragmentation-needed (with that MTU in the error), ip_fragment's fragment size, and
TCPMSS --clamp-mss-to-pmtu, which takes the smaller of the packet's route and the route back to
its source (tcpmss_reverse_mtu), so a SYN-ACK towards a LAN host is clamped by the WAN route's
metric and a SYN from a LAN host behind a small-MTU route by that route's. The gateway's own echo
reply to a big ping leaves in fragments of the route's size."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.130"]
WAN_IPS = ["198.51.100.70", "198.51.100.10"]
SETUP = [
    "ip route add 198.51.100.64/26 via 203.0.113.254 dev eth1 mtu 1300",
    "ip route add 10.0.0.128/25 dev eth0 mtu 1200",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
    "iptables -A INPUT -p icmp",
    "iptables -A OUTPUT -p icmp",
]

GW = "203.0.113.1"


def icmp_type(t):
    return lambda q: ICMP in q and q[ICMP].type == t


def frag(q):
    return IP in q and (q[IP].flags.MF or q[IP].frag > 0)


def syn(src, sport, dst, dport, flags="S", seq=100, ack=0):
    return IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                                      window=64240, options=[("MSS", 1460)])


def steps(h):
    # A) a new flow's DF datagram of 1350 bytes into the mtu-1300 route: fragmentation needed, MTU 1300
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.70", flags="DF") / UDP(sport=5000, dport=53) / Raw(bytes(1322)))
    h.expect("lan", icmp_type(3), what="frag needed 1300 (first packet)")
    # B) the flow established, then DF 1350 again (established: the route is not cached), then
    #    without DF: two fragments of the route's size on eth1
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, "198.51.100.70", 53)
    u.c(b"query")
    u.s(b"answer")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.70", flags="DF") / UDP(sport=5001, dport=53) / Raw(bytes(1322)))
    h.expect("lan", icmp_type(3), what="frag needed 1300 (established)")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.70") / UDP(sport=5001, dport=53) / Raw(bytes(1322)))
    h.expect("wan", frag, what="fragment 1")
    h.expect("wan", frag, what="fragment 2")
    # C) the same size to a host the default route (device MTU 1500) reaches: forwarded whole
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", flags="DF") / UDP(sport=5002, dport=53) / Raw(bytes(1322)))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 53 and len(q) > 1300, what="1350 whole (default route)")
    # D) TCP through the small-MTU route: the SYN is clamped by the route out (1300 - 40), the
    #    SYN-ACK towards the LAN by the route back to its source (the same route)
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.70", 80, cisn=1000, sisn=9000)
    h.send("lan", syn("10.0.0.2", 40000, "198.51.100.70", 80, seq=1000))
    got = h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN clamped")
    t.cseq = 1001
    t.srv_view = (got[IP].src, got[TCP].sport, got[IP].dst, got[TCP].dport)
    h.send("wan", syn("198.51.100.70", 80, got[IP].src, got[TCP].sport, flags="SA", seq=9000, ack=1001))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "SA", what="SYN-ACK clamped")
    t.sseq = 9001
    t.c("A")
    # E) a LAN host behind the mtu-1200 route opens to the default route's side: its SYN is
    #    clamped by the route back to it (1200 - 40), not by eth0's MTU
    h.send("lan", syn("10.0.0.130", 40001, "198.51.100.10", 80, seq=5000))
    got = h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN clamped by the reverse route")
    h.send("wan", syn("198.51.100.10", 80, got[IP].src, got[TCP].sport, flags="SA", seq=7000, ack=5001))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "SA", what="SYN-ACK to 10.0.0.130")
    # F) a big ping to the gateway from behind the mtu-1300 route: the echo reply in fragments
    h.send("wan", IP(src="198.51.100.70", dst=GW) / ICMP(type=8, id=77, seq=1) / Raw(bytes(1400)))
    h.expect("wan", frag, what="echo reply fragment 1")
    h.expect("wan", frag, what="echo reply fragment 2")
    h.gw("conntrack -L")
