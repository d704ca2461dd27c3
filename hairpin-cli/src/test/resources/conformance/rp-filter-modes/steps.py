"""rp-filter-modes: reverse path filtering (fib_validate_source) on the WAN interface with an
asymmetric network behind the LAN (192.0.2.0/24 via 10.0.0.254, 192.0.2.128/25 blackholed):
strict (eth1 rp_filter=1) drops sources routed back through eth0, also for the gateway's own
address; loose (2) accepts any source with a unicast route but not a blackholed one; then
all.rp_filter=1 with eth1=0 (the maximum counts); a spoofed own address (dropped unless
accept_local=1). nat PREROUTING sees the dropped packets first (counters)."""
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.254"]
WAN_IPS = ["198.51.100.10"]
SYSCTL = [("net.ipv4.conf.eth1.rp_filter", "1")]
SETUP = [
    "ip route add 192.0.2.0/24 via 10.0.0.254 dev eth0",
    "ip route add blackhole 192.0.2.128/25",
    "iptables -t nat -A PREROUTING -i eth1",
    "iptables -A FORWARD -i eth1",
    "iptables -A INPUT -i eth1 -p icmp",
]


def udp(src, sport, data, dst="10.0.0.2"):
    return IP(src=src, dst=dst) / UDP(sport=sport, dport=7000) / Raw(data)


def fwd(h, src, sport, data, ok):
    h.send("wan", udp(src, sport, data))
    if ok:
        h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == data, what="%s forwarded" % data)
    else:
        h.expect_nothing("lan", 0.4, "%s dropped" % data)


def ping(h, src, ident, ok):
    h.send("wan", IP(src=src, dst="203.0.113.1") / ICMP(type=8, id=ident, seq=1) / Raw(b"rp"))
    side = "lan" if src.startswith("192.0.2.") else "wan"
    if ok:
        h.expect(side, lambda q: ICMP in q and q[ICMP].type == 0 and q[ICMP].id == ident, what="echo reply %d" % ident)
    else:
        h.expect_nothing(side, 0.4, "ping %d dropped" % ident)


def steps(h):
    fwd(h, "198.51.100.10", 1001, b"wan ok", True)
    fwd(h, "192.0.2.7", 1002, b"strict asym", False)
    fwd(h, "10.0.0.9", 1003, b"strict lan src", False)
    ping(h, "192.0.2.7", 11, False)
    h.gw("sysctl -w net.ipv4.conf.eth1.rp_filter=2")
    fwd(h, "192.0.2.7", 1004, b"loose asym", True)
    fwd(h, "10.0.0.9", 1005, b"loose lan src", True)
    fwd(h, "192.0.2.200", 1006, b"loose blackhole", False)
    ping(h, "192.0.2.7", 12, True)
    h.gw("sysctl -w net.ipv4.conf.eth1.rp_filter=0")
    fwd(h, "192.0.2.200", 1007, b"off blackhole", True)
    h.gw("sysctl -w net.ipv4.conf.all.rp_filter=1")
    fwd(h, "192.0.2.7", 1008, b"all strict", False)
    fwd(h, "198.51.100.10", 1009, b"all strict wan", True)
    h.gw("sysctl -w net.ipv4.conf.all.rp_filter=0")
    fwd(h, "203.0.113.1", 1010, b"own source", False)
    h.gw("sysctl -w net.ipv4.conf.eth1.accept_local=1")
    fwd(h, "203.0.113.1", 1011, b"own source accept_local", True)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
