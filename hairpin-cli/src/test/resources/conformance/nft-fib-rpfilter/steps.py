"""nft-fib-rpfilter: anti-spoofing the nftables way, `fib saddr . iif oif missing counter drop` in a
prerouting chain at priority raw (strict: the route back to the source must leave by the
interface the packet came in on), after `fib saddr oif missing counter drop` (loose: any route
back) in a second table's chain at raw - 10. Genuine LAN and WAN traffic passes both; a WAN-side
packet claiming the gateway's own LAN address is dropped by the loose rule (a local route is no
answer); a LAN-side packet with a WAN source and a WAN-side packet with a LAN source pass the
loose rule (a route back exists) and are dropped by the strict one."""
from flows import UdpFlow
from scapy.all import IP, UDP, Raw

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.7", "192.0.2.9"]
SETUP = [
    "nft add table ip antispoof",
    "nft 'add chain ip antispoof pre { type filter hook prerouting priority raw; policy accept; }'",
    "nft add rule ip antispoof pre fib saddr . iif oif missing counter drop",
    "nft add table ip loose",
    "nft 'add chain ip loose pre { type filter hook prerouting priority raw - 10; policy accept; }'",
    "nft add rule ip loose pre fib saddr oif missing counter drop",
    "nft add table ip nat",
    "nft 'add chain ip nat post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip nat post oifname eth1 masquerade",
]


def steps(h):
    # A) genuine LAN -> WAN UDP and its answer: pass both checks, masqueraded
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.7", 53)
    u.c(b"query")
    u.s(b"answer")
    # B) genuine WAN -> LAN directly (192.0.2.9 is reached through eth1's default route)
    v = UdpFlow(h, "wan", "lan", "192.0.2.9", 6000, "10.0.0.5", 7000)
    v.c(b"hello")
    # C) a LAN-side packet with a WAN source: strict drops it (the route back leaves by eth1)
    h.send("lan", IP(src="198.51.100.7", dst="192.0.2.9") / UDP(sport=5001, dport=53) / Raw(b"spoof1"))
    h.expect_nothing("wan", 0.4, "WAN source on the LAN side: strict rpfilter drop")
    # D) a WAN-side packet with a LAN source: strict drops it
    h.send("wan", IP(src="10.0.0.2", dst="10.0.0.5") / UDP(sport=5002, dport=7000) / Raw(b"spoof2"))
    h.expect_nothing("lan", 0.4, "LAN source on the WAN side: strict rpfilter drop")
    # E) a WAN-side packet claiming the gateway's own LAN address: a local route is no answer
    #    (the loose rule drops it first)
    h.send("wan", IP(src="10.0.0.1", dst="10.0.0.5") / UDP(sport=5003, dport=7000) / Raw(b"spoof3"))
    h.expect_nothing("lan", 0.4, "the gateway's own address as source: dropped")
    h.gw("conntrack -L")
    h.gw("nft list ruleset")
