"""nft-mangle-statements: header-writing and logging statements of native nftables in a forward
chain at priority mangle: `ip ttl set 65` on everything leaving by eth1, `ip dscp set af21` on DNS,
`ip dscp set 0x2e` on NTP, `meta priority set 1:2` (skb->priority, nothing on the wire), and `log
prefix "fw: " group 2` (to nfnetlink_log: nothing on the wire either), before masquerade; the
answers come back with their own TTL and DSCP untouched. The listing's counters are compared."""
from flows import UdpFlow
from scapy.all import IP, UDP, Raw

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
SETUP = [
    "nft add table ip mg",
    "nft 'add chain ip mg forward_mg { type filter hook forward priority mangle; policy accept; }'",
    "nft add rule ip mg forward_mg oifname eth1 ip ttl set 65 counter",
    "nft add rule ip mg forward_mg oifname eth1 udp dport 53 ip dscp set af21",
    "nft add rule ip mg forward_mg oifname eth1 udp dport 123 ip dscp set 0x2e",
    "nft add rule ip mg forward_mg oifname eth1 meta priority set 1:2",
    "nft add rule ip mg forward_mg iifname eth1 log prefix '\"fw: \"' group 2 counter",
    "nft 'add chain ip mg post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip mg post oifname eth1 masquerade",
]


def steps(h):
    # A) LAN DNS with TTL 20 and TOS 0x03 (ECN bits kept): TTL 65, DSCP AF21 (0x48 | 0x03)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.7", ttl=20, tos=0x03) / UDP(sport=5000, dport=53) / Raw(b"q1"))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 53, what="DNS out: ttl 65, dscp af21")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1", ttl=50, tos=0x10) / UDP(sport=53, dport=5000) / Raw(b"a1"))
    h.expect("lan", lambda q: UDP in q and q[UDP].sport == 53, what="DNS answer back, logged to group 2")
    # B) LAN NTP: TTL 65, DSCP 0x2e (EF)
    h.send("lan", IP(src="10.0.0.5", dst="198.51.100.10", ttl=64) / UDP(sport=5001, dport=123) / Raw(b"q2"))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 123, what="NTP out: ttl 65, dscp 0x2e")
    # C) LAN other UDP: only the TTL (and the priority, not on the wire)
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, "198.51.100.10", 9000)
    u.c(b"q3")
    u.s(b"a3")
    h.gw("nft list ruleset")
