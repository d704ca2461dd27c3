"""nft-iptables-mixed: native nftables chains next to iptables-nft's tables at the same hook and
priority (a host where Docker/kube write iptables and the admin writes nft): the chain created
later runs first (nf_hook_entries_grow inserts a new hook before its equals). iptables-nft's own
tables also show in `nft list ruleset`; a replay must not load their rules twice."""
from flows import TcpConn, UdpFlow

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
SETUP = [
    # dstnat: nft first, iptables later -> iptables' DNAT to 10.0.0.6 wins
    "nft add table ip pre1",
    "nft 'add chain ip pre1 pre { type nat hook prerouting priority dstnat; policy accept; }'",
    "nft add rule ip pre1 pre iifname eth1 tcp dport 8080 counter dnat to 10.0.0.5:80",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:80",
    # forward filter: nft fw1, then iptables filter, then nft fw2 -> fw2, iptables, fw1
    "nft add table inet fw1",
    "nft 'add chain inet fw1 filt { type filter hook forward priority filter; policy accept; }'",
    "nft add rule inet fw1 filt udp dport 7 counter drop",
    "iptables -A FORWARD -p udp --dport 7",
    "iptables -A FORWARD -p udp --dport 8 -j DROP",
    "nft add table inet fw2",
    "nft 'add chain inet fw2 filt { type filter hook forward priority filter; policy accept; }'",
    "nft add rule inet fw2 filt udp dport 8 counter drop",
    # srcnat: iptables first, nft later -> nft's snat to 203.0.113.7 wins
    "iptables -t nat -A POSTROUTING -o eth1 -s 10.0.0.2 -j SNAT --to-source 203.0.113.5",
    "nft add table ip natfw",
    "nft 'add chain ip natfw post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip natfw post oifname eth1 ip saddr 10.0.0.0/24 snat to 203.0.113.7",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    a.handshake()
    for port in (7, 8):
        u = UdpFlow(h, "lan", "wan", "10.0.0.2", 6000 + port, "198.51.100.10", port)
        u.c(b"x", expect=False)
        h.expect_nothing("wan", 0.4, "dropped in FORWARD")
    for src in ("10.0.0.2", "10.0.0.3"):
        u = UdpFlow(h, "lan", "wan", src, 5000, "198.51.100.10", 53)
        u.c(b"q-" + src.encode())
        u.s(b"a-" + src.encode())
    h.gw("conntrack -L")
