"""route-types-unreachable: forwarded packets meeting unreachable / prohibit / blackhole routes
(ip_error(): ICMP host unreachable, packet filtered, nothing) and ip_error's per-source token
bucket (inet_peer: a burst of 5 errors, then one per second), through MASQUERADE."""
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "ip route add unreachable 198.51.100.128/25",
    "ip route add prohibit 198.51.100.64/26",
    "ip route add blackhole 198.51.100.32/27",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p udp",
    "iptables -A OUTPUT -p icmp",
]


def dgram(src, dst, sport, data):
    return IP(src=src, dst=dst) / UDP(sport=sport, dport=9) / Raw(data)


def unreach(code, sport):
    return lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == code and bytes(q[ICMP].payload)[20:22] == sport.to_bytes(2, "big")


def steps(h):
    h.send("lan", dgram("10.0.0.2", "198.51.100.10", 4000, b"routed"))
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"routed", what="normal route")
    h.send("lan", dgram("10.0.0.2", "198.51.100.200", 4001, b"unreachable"))
    h.expect("lan", unreach(1, 4001), what="host unreachable")
    h.send("lan", dgram("10.0.0.2", "198.51.100.70", 4002, b"prohibit"))
    h.expect("lan", unreach(13, 4002), what="packet filtered")
    h.send("lan", dgram("10.0.0.2", "198.51.100.40", 4003, b"blackhole"))
    h.expect_nothing("lan", 0.4, "blackhole: silent")
    # a storm from 10.0.0.3: five errors, then the bucket is empty
    for i in range(7):
        h.send("lan", dgram("10.0.0.3", "198.51.100.200", 5000 + i, b"storm"))
    for i in range(5):
        h.expect("lan", unreach(1, 5000 + i), what="storm error %d" % i)
    h.expect_nothing("lan", 0.3, "storm errors 6 and 7 rate limited")
    # 10.0.0.2 has its own bucket
    h.send("lan", dgram("10.0.0.2", "198.51.100.200", 4004, b"other source"))
    h.expect("lan", unreach(1, 4004), what="other source's error")
    h.sleep(1.5, "the bucket refills one token a second")
    h.send("lan", dgram("10.0.0.3", "198.51.100.200", 5010, b"after"))
    h.expect("lan", unreach(1, 5010), what="one more error after 1.5 s")
    h.send("lan", dgram("10.0.0.3", "198.51.100.200", 5011, b"again"))
    h.expect_nothing("lan", 0.3, "none right after (recorded: one more came: 2.4 s had passed, 2.4 tokens)")
    h.gw("conntrack -L")
