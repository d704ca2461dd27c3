"""icmp-local-queries: ICMP queries to the gateway itself. An echo request to the LAN's broadcast
address or to 224.0.0.1 is ignored while icmp_echo_ignore_broadcasts is 1 (the default), and
answered once it is 0, from the address a reply to the sender would use (fib_compute_spec_dst:
the route back to the sender's preferred source), not the broadcast address. A timestamp
request is answered with a timestamp reply (icmp_timestamp: the originate timestamp echoed,
receive and transmit = milliseconds since midnight UT), also to the broadcast address only when
allowed; information and address mask requests are never answered."""
from scapy.all import IP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A INPUT -p icmp --icmp-type echo-request",
    "iptables -A INPUT -p icmp --icmp-type timestamp-request",
    "iptables -A OUTPUT -p icmp --icmp-type echo-reply",
    "iptables -A OUTPUT -p icmp --icmp-type timestamp-reply",
]


def reply(t):
    return lambda q: ICMP in q and q[ICMP].type == t


def steps(h):
    # default icmp_echo_ignore_broadcasts=1: broadcast and multicast queries are ignored
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.255") / ICMP(type=8, id=1, seq=1) / Raw(b"bcast"))
    h.expect_nothing("lan", what="no reply to a broadcast echo")
    h.send("lan", IP(src="10.0.0.2", dst="224.0.0.1") / ICMP(type=8, id=2, seq=1) / Raw(b"mcast"))
    h.expect_nothing("lan", what="no reply to a multicast echo")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.255") / ICMP(type=13, id=3, seq=1, ts_ori=1000, ts_rx=0, ts_tx=0))
    h.expect_nothing("lan", what="no reply to a broadcast timestamp request")
    # unicast: echo and timestamp answered
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=8, id=4, seq=1) / Raw(b"unicast"))
    h.expect("lan", reply(0), what="echo reply")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=13, id=5, seq=1, ts_ori=123456, ts_rx=0, ts_tx=0))
    h.expect("lan", reply(14), what="timestamp reply")
    h.send("wan", IP(src="198.51.100.20", dst="203.0.113.1") / ICMP(type=13, id=6, seq=7, ts_ori=42, ts_rx=9, ts_tx=9)
           / Raw(b"extra"))
    h.expect("wan", reply(14), what="timestamp reply with extra data")
    # information / address mask requests: no answer
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=15, id=7, seq=1))
    h.expect_nothing("lan", what="no information reply")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=17, id=8, seq=1) / Raw(b"\x00\x00\x00\x00"))
    h.expect_nothing("lan", what="no address mask reply")
    # broadcasts allowed
    h.gw("sysctl -w net.ipv4.icmp_echo_ignore_broadcasts=0")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.255") / ICMP(type=8, id=9, seq=1) / Raw(b"bcast2"))
    h.expect("lan", reply(0), what="echo reply to a broadcast echo")
    h.send("lan", IP(src="10.0.0.2", dst="224.0.0.1") / ICMP(type=8, id=10, seq=1) / Raw(b"mcast2"))
    h.expect("lan", reply(0), what="echo reply to a multicast echo")
    h.send("lan", IP(src="10.0.0.2", dst="255.255.255.255") / ICMP(type=13, id=11, seq=1, ts_ori=77, ts_rx=0, ts_tx=0))
    h.expect("lan", reply(14), what="timestamp reply to a limited broadcast")
    h.gw("conntrack -L")
