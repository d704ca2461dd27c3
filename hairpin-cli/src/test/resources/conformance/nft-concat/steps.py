"""nft-concat: a gateway on native nftables keyed by concatenations, as kube-proxy's nftables
mode and hand-written firewalls use them: a named verdict map from `ip daddr . meta l4proto .
th dport` to per-service chains that DNAT (a service's TCP and UDP ports to different
backends), a named interval set of `iifname . ip saddr . tcp dport` (an interface name, a
prefix and a port range in one element), an anonymous `ip saddr . udp dport` set, and an
anonymous verdict map on `ip daddr . tcp dport`; traffic hits, and just misses, each element."""
from flows import TcpConn, UdpFlow
from scapy.all import TCP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.10", "198.51.100.20", "192.0.2.7"]
SETUP = [
    "nft add table ip kp",
    "nft 'add map ip kp service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }'",
    "nft 'add chain ip kp svc-dns-tcp'",
    "nft 'add chain ip kp svc-dns-udp'",
    "nft add rule ip kp svc-dns-tcp meta l4proto tcp dnat to 10.0.0.5:53",
    "nft add rule ip kp svc-dns-udp meta l4proto udp dnat to 10.0.0.6:5353",
    "nft 'add element ip kp service-ips { 203.0.113.1 . tcp . 53 : goto svc-dns-tcp, 203.0.113.1 . udp . 53 : goto svc-dns-udp }'",
    "nft 'add chain ip kp pre { type nat hook prerouting priority dstnat; policy accept; }'",
    "nft add rule ip kp pre ip daddr . meta l4proto . th dport vmap @service-ips",
    "nft 'add chain ip kp post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip kp post oifname eth1 masquerade",
    "nft 'add set ip kp allowed { type ifname . ipv4_addr . inet_service; flags interval; }'",
    "nft 'add element ip kp allowed { \"eth1\" . 198.51.100.0/28 . 53, \"eth1\" . 192.0.2.7 . 8000-8080 }'",
    "nft 'add chain ip kp filt { type filter hook forward priority filter; policy drop; }'",
    "nft add rule ip kp filt ct state established,related accept",
    "nft add rule ip kp filt iifname . ip saddr . tcp dport @allowed counter accept",
    "nft add rule ip kp filt iifname . ip saddr . udp dport @allowed counter accept",
    "nft add rule ip kp filt ip saddr . udp dport '{ 10.0.0.2 . 123, 10.0.0.3 . 5000 }' counter drop",
    "nft add rule ip kp filt ip daddr . tcp dport vmap '{ 198.51.100.10 . 80 : accept, 198.51.100.20 . 443 : accept }'",
    "nft add rule ip kp filt iifname eth0 meta l4proto udp counter accept",
]


def steps(h):
    # A) WAN 198.51.100.7 (in 198.51.100.0/28) -> gw:53/tcp: vmap -> svc-dns-tcp -> 10.0.0.5:53,
    #    allowed by eth1 . 198.51.100.0/28 . 53
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 53, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"q")
    a.s("PA", b"r")
    # B) the same address, UDP 53: svc-dns-udp -> 10.0.0.6:5353; FORWARD sees the DNATed port
    #    5353, in no element of @allowed: policy drop
    b = UdpFlow(h, "wan", "lan", "198.51.100.7", 7000, "203.0.113.1", 53)
    b.c(b"query", expect=False)
    h.expect_nothing("lan", 0.4, "FORWARD sees dport 5353 after the DNAT: no element")
    # C) 198.51.100.20 (outside the /28) -> gw:53/tcp: DNATed, then no element: policy drop
    c = TcpConn(h, "wan", "lan", "198.51.100.20", 51001, "203.0.113.1", 53, cisn=1100)
    c.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "198.51.100.20 is in no element of @allowed")
    # D) 192.0.2.7 -> gw:8080/tcp: no service element: not DNATed, to the gateway itself: RST
    d = TcpConn(h, "wan", "lan", "192.0.2.7", 51002, "203.0.113.1", 8080, cisn=1200)
    d.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from 203.0.113.1:8080")
    # E) 192.0.2.7 -> 10.0.0.5:8080 directly: the interval element 8000-8080 accepts it
    e = TcpConn(h, "wan", "lan", "192.0.2.7", 51003, "10.0.0.5", 8080, cisn=1300, sisn=5300)
    e.handshake()
    # F) 192.0.2.7 -> 10.0.0.5:8081: just past the interval: policy drop
    f = TcpConn(h, "wan", "lan", "192.0.2.7", 51004, "10.0.0.5", 8081, cisn=1400)
    f.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "port 8081 is past 8000-8080")
    # G) LAN UDP: 10.0.0.2:123 and 10.0.0.3:5000 dropped by the anonymous concatenated set;
    #    10.0.0.2:5000 (a field of each element, but no element) accepted and masqueraded
    g = UdpFlow(h, "lan", "wan", "10.0.0.3", 40000, "198.51.100.10", 5000)
    g.c(b"x", expect=False)
    h.expect_nothing("wan", 0.4, "10.0.0.3 . 5000 is an element: drop")
    k = UdpFlow(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 5000)
    k.c(b"y")
    k.s(b"z")
    # H) LAN TCP through the anonymous verdict map: .10:80 and .20:443 accepted, .10:443 dropped
    m = TcpConn(h, "lan", "wan", "10.0.0.2", 40002, "198.51.100.10", 80, cisn=2000, sisn=6000)
    m.handshake()
    n = TcpConn(h, "lan", "wan", "10.0.0.3", 40003, "198.51.100.20", 443, cisn=2100, sisn=6100)
    n.handshake()
    o = TcpConn(h, "lan", "wan", "10.0.0.2", 40004, "198.51.100.10", 443, cisn=2200)
    o.c("S", expect=False)
    h.expect_nothing("wan", 0.4, "198.51.100.10 . 443 is no element: policy drop")
    h.gw("conntrack -L")
