"""ecmp-dual-uplink: a dual-uplink router balancing with a multipath default route
(`ip route replace default nexthop via 203.0.113.254 dev eth1 nexthop via 172.17.0.254 dev
docker0`), MASQUERADE on both uplinks. The kernel picks a nexthop per packet by a hash of its
addresses (fib_multipath_hash, policy 0) with a per-boot random seed, so every packet of a flow
takes the same uplink and the flows spread over both; each leaves masqueraded to its uplink's
address and its reply comes back by that uplink. The gateway's own ICMP error to a WAN host is
routed through the same multipath route."""
from flows import UdpFlow
from scapy.all import IP, ICMP, UDP, Raw

DOCKER = True
LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = []
DOCK_IPS = ["172.17.0.254"]
SETUP = [
    "ip route replace default nexthop via 203.0.113.254 dev eth1 weight 1 nexthop via 172.17.0.254 dev docker0 weight 2",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -o docker0 -j MASQUERADE",
    "iptables -A FORWARD -o eth1",
    "iptables -A FORWARD -o docker0",
    "iptables -A OUTPUT -o eth1",
    "iptables -A OUTPUT -o docker0",
]


def udp_either(h, src, sport, dst, data):
    """a LAN datagram out by whichever uplink the kernel picks; the answer back by that uplink"""
    h.send("lan", IP(src=src, dst=dst) / UDP(sport=sport, dport=53) / Raw(data))
    match = lambda q: UDP in q and bytes(q[UDP].payload) == data
    for side in ("wan", "dock"):
        got = h.expect(side, match, timeout=0.4, what="%s out by %s" % (data, side), missing_ok=True)
        if got is not None:
            return side, got
    return None, None


def steps(h):
    flows = []
    for i in range(8):
        src = "10.0.0.%d" % (2 + i % 2)
        dst = "198.51.100.%d" % (10 + i)
        data = b"q%d" % i
        side, got = udp_either(h, src, 4000 + i, dst, data)
        if side:
            flows.append((side, got, src, 4000 + i, dst, i))
    # the answers, each by the uplink its query left by
    for side, got, src, sport, dst, i in flows:
        h.send(side, IP(src=got[IP].dst, dst=got[IP].src) / UDP(sport=53, dport=got[UDP].sport) / Raw(b"a%d" % i))
        h.expect("lan", lambda q, i=i: UDP in q and bytes(q[UDP].payload) == b"a%d" % i, what="answer %d" % i)
    # a second datagram of each flow: the same uplink as its first
    for side, got, src, sport, dst, i in flows:
        h.send("lan", IP(src=src, dst=dst) / UDP(sport=sport, dport=53) / Raw(b"r%d" % i))
        h.expect(side, lambda q, i=i: UDP in q and bytes(q[UDP].payload) == b"r%d" % i, what="again %d" % i)
    # the gateway's own port unreachable to a WAN host, through the multipath route
    h.send("wan", IP(src="198.51.100.40", dst="203.0.113.1") / UDP(sport=5555, dport=9999) / Raw(b"closed"))
    for side in ("wan", "dock"):
        if h.expect(side, lambda q: ICMP in q and q[ICMP].type == 3, timeout=0.4, what="port unreachable by " + side,
                    missing_ok=True) is not None:
            break
    h.gw("conntrack -L")
