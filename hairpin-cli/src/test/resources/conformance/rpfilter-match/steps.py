"""rpfilter-match: `-m rpfilter` (xt_rpfilter: a reverse route lookup from iif lo towards the
source) in raw PREROUTING: strict, --loose, --accept-local, --validmark (a fwmark policy rule)
and --invert as counting rules, then `--invert -j DROP` for UDP 9000; spoofed sources on either
side, a source behind a blackhole route, a source of the gateway's own, 0.0.0.0 to broadcast."""
from scapy.all import IP, UDP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "ip route add 192.0.2.0/25 dev eth0 table 100",
    "ip rule add fwmark 0x1 lookup 100 priority 1000",
    "ip route add blackhole 192.0.2.128/26",
    "iptables -t raw -A PREROUTING -s 192.0.2.0/25 -j MARK --set-mark 0x1",
    "iptables -t raw -A PREROUTING -m rpfilter",
    "iptables -t raw -A PREROUTING -m rpfilter --loose",
    "iptables -t raw -A PREROUTING -m rpfilter --validmark",
    "iptables -t raw -A PREROUTING -m rpfilter --accept-local",
    "iptables -t raw -A PREROUTING -m rpfilter --loose --accept-local",
    "iptables -t raw -A PREROUTING -m rpfilter --invert",
    "iptables -t raw -A PREROUTING -p udp --dport 9000 -m rpfilter --invert -j DROP",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]

SENDS = [
    ("lan", "10.0.0.2", "198.51.100.10"),      # a) LAN host: strict match
    ("lan", "198.51.100.50", "198.51.100.10"),  # b) WAN address from the LAN: loose only
    ("lan", "203.0.113.1", "198.51.100.10"),    # c) the gateway's own address from the LAN
    ("lan", "192.0.2.5", "198.51.100.10"),      # d) marked 1: table 100 says eth0 (validmark)
    ("wan", "198.51.100.10", "10.0.0.2"),       # e) WAN host: strict (default route)
    ("wan", "10.0.0.7", "10.0.0.2"),            # f) LAN address from the WAN: loose only
    ("wan", "192.0.2.130", "10.0.0.2"),         # g) behind a blackhole route: never
    ("lan", "0.0.0.0", "255.255.255.255"),      # h) 0.0.0.0 to broadcast: always
    ("lan", "10.0.0.1", "198.51.100.10"),       # i) the gateway's LAN address from the LAN
]


def steps(h):
    for k, (side, src, dst) in enumerate(SENDS):
        for dport in (9001, 9000):
            h.send(side, IP(src=src, dst=dst) / UDP(sport=5000 + k, dport=dport) / Raw(b"s%d-%d" % (k, dport)))
            h.sleep(0.05)
    h.expect_nothing("wan", 0.2)
    h.gw("conntrack -L")
