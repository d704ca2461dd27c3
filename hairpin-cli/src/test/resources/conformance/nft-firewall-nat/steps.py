"""nft-firewall-nat: a router configured with native nftables only (no iptables rules): an inet
filter table (forward policy drop, ct state established,related accept, ct state invalid drop,
a jump to a regular chain for LAN->WAN with a port set dropped, ct status dnat accept) and an ip
nat table (dnat with port, dnat of a port range, redirect, snat for one host, masquerade)."""
from flows import TcpConn, UdpFlow
from scapy.all import TCP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
SETUP = [
    "nft add table inet fw",
    "nft 'add chain inet fw forward { type filter hook forward priority filter; policy drop; }'",
    "nft add chain inet fw lan_out",
    "nft add rule inet fw forward ct state established,related counter accept",
    "nft add rule inet fw forward ct state invalid counter drop",
    "nft add rule inet fw forward iifname eth0 oifname eth1 jump lan_out",
    "nft add rule inet fw forward ct status dnat counter accept",
    "nft add rule inet fw lan_out tcp dport '{ 22, 25 }' counter drop",
    "nft add rule inet fw lan_out counter accept",
    "nft add table ip natfw",
    "nft 'add chain ip natfw pre { type nat hook prerouting priority dstnat; policy accept; }'",
    "nft 'add chain ip natfw post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip natfw pre iifname eth1 tcp dport 8080 counter dnat to 10.0.0.5:80",
    "nft add rule ip natfw pre iifname eth1 udp dport 5000-5010 counter dnat to 10.0.0.6",
    "nft add rule ip natfw pre iifname eth0 tcp dport 3128 counter redirect to :3129",
    "nft add rule ip natfw post oifname eth1 ip saddr 10.0.0.3 counter snat to 203.0.113.5",
    "nft add rule ip natfw post oifname eth1 counter masquerade",
]


def steps(h):
    # A) WAN -> 203.0.113.1:8080 -> 10.0.0.5:80 (accepted by ct status dnat, then established)
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"GET /")
    a.s("PA", b"200 OK")
    # B) WAN UDP to 5003 -> 10.0.0.6:5003
    b = UdpFlow(h, "wan", "lan", "198.51.100.7", 7000, "203.0.113.1", 5003)
    b.c(b"ping")
    b.s(b"pong")
    # C) LAN 10.0.0.2 web: masquerade; 10.0.0.3 DNS: snat to 203.0.113.5
    c = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=2000, sisn=6000)
    c.handshake()
    d = UdpFlow(h, "lan", "wan", "10.0.0.3", 5353, "198.51.100.10", 53)
    d.c(b"query")
    d.s(b"answer")
    # D) LAN SSH out: dropped in lan_out (no entry)
    e = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 22, cisn=3000)
    e.c("S", expect=False)
    h.expect_nothing("wan", 0.4, "dropped by lan_out")
    # E) WAN -> 10.0.0.5:22 routed, not DNATed: forward policy drop
    f = TcpConn(h, "wan", "lan", "198.51.100.7", 51001, "10.0.0.5", 22, cisn=4000)
    f.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "forward policy drop")
    # F) LAN -> :3128 redirected to the gateway's 3129, nothing listens: RST
    g = TcpConn(h, "lan", "lan", "10.0.0.2", 40002, "198.51.100.10", 3128, cisn=500)
    g.c("S", expect=False)
    h.expect("lan", lambda q: TCP in q and q[TCP].flags.R, what="RST from 198.51.100.10:3128")
    h.gw("conntrack -L")
