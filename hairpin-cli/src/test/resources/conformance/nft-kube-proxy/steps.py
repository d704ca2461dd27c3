"""nft-kube-proxy: kube-proxy's nftables mode on a node (pods 10.0.0.0/24 on eth0, node address
203.0.113.1), as its proxier writes the table: a `comment`ed table, sets and maps with comments,
`ip daddr . meta l4proto . th dport vmap @service-ips` and `ip daddr @nodeport-ips meta l4proto
. th dport vmap @service-nodeports`, service chains choosing an endpoint with `numgen random mod
2 vmap { 0 : goto endpoint-..., 1 : goto endpoint-... }`, chain names longer than iptables
allows (`endpoint-XXXXXXXX-default/web/tcp/p80__10.0.0.5/8080`), `meta mark set meta mark |
0x00004000` to mark for masquerade and the masquerading chain (`meta mark & 0x00004000 ==
0x00000000 return`, `meta mark set meta mark ^ 0x00004000`, `masquerade fully-random`).
Traffic: pod -> ClusterIP (random endpoint, not masqueraded), WAN -> NodePort (marked, DNAT,
masqueraded), endpoint pods -> their own service (hairpin when the draw picks themselves), pod
-> DNS ClusterIP (UDP, one endpoint: numgen mod 1), pod -> internet (the node's own masquerade)."""
from flows import TcpConn, UdpFlow

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
WEB = "service-ULMVA6XW-default/web/tcp/p80"
EXT = "external-ULMVA6XW-default/web/tcp/p80"
EPA = "endpoint-5OJB2KTY-default/web/tcp/p80__10.0.0.5/8080"
EPB = "endpoint-6YPGBQRK-default/web/tcp/p80__10.0.0.6/8080"
DNS = "service-NWBZK7IH-kube-system/kube-dns/udp/dns"
EPD = "endpoint-XRJ5AYCS-kube-system/kube-dns/udp/dns__10.0.0.7/53"
SETUP = [
    "nft 'add table ip kube-proxy { comment \"rules for kube-proxy\"; }'",
    "nft 'add set ip kube-proxy cluster-ips { type ipv4_addr; comment \"Active ClusterIPs\"; }'",
    "nft 'add set ip kube-proxy nodeport-ips { type ipv4_addr; comment \"IPs that accept NodePort traffic\"; }'",
    "nft 'add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\"; }'",
    "nft 'add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict; comment \"NodePort traffic\"; }'",
    "nft 'add chain ip kube-proxy mark-for-masquerade'",
    "nft add rule ip kube-proxy mark-for-masquerade meta mark set meta mark or 0x4000",
    "nft 'add chain ip kube-proxy masquerading'",
    "nft add rule ip kube-proxy masquerading meta mark and 0x4000 == 0 return",
    "nft add rule ip kube-proxy masquerading meta mark set meta mark xor 0x4000",
    "nft add rule ip kube-proxy masquerading masquerade fully-random",
    "nft 'add chain ip kube-proxy services'",
    "nft 'add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority dstnat; policy accept; }'",
    "nft add rule ip kube-proxy nat-prerouting jump services",
    "nft 'add chain ip kube-proxy nat-output { type nat hook output priority -100; policy accept; }'",
    "nft add rule ip kube-proxy nat-output jump services",
    "nft 'add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip kube-proxy nat-postrouting jump masquerading",
    "nft add chain ip kube-proxy " + EPA,
    "nft add rule ip kube-proxy " + EPA + " ip saddr 10.0.0.5 jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + EPA + " meta l4proto tcp dnat to 10.0.0.5:8080",
    "nft add chain ip kube-proxy " + EPB,
    "nft add rule ip kube-proxy " + EPB + " ip saddr 10.0.0.6 jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + EPB + " meta l4proto tcp dnat to 10.0.0.6:8080",
    "nft add chain ip kube-proxy " + WEB,
    "nft add rule ip kube-proxy " + WEB + " ip daddr 10.96.0.10 tcp dport 80 ip saddr != 10.0.0.0/24 jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + WEB + " numgen random mod 2 vmap '{ 0 : goto " + EPA + ", 1 : goto " + EPB + " }'",
    "nft add chain ip kube-proxy " + EXT,
    "nft add rule ip kube-proxy " + EXT + " jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + EXT + " goto " + WEB,
    "nft add chain ip kube-proxy " + EPD,
    "nft add rule ip kube-proxy " + EPD + " ip saddr 10.0.0.7 jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + EPD + " meta l4proto udp dnat to 10.0.0.7:53",
    "nft add chain ip kube-proxy " + DNS,
    "nft add rule ip kube-proxy " + DNS + " ip daddr 10.96.0.53 udp dport 53 ip saddr != 10.0.0.0/24 jump mark-for-masquerade",
    "nft add rule ip kube-proxy " + DNS + " numgen random mod 1 vmap '{ 0 : goto " + EPD + " }'",
    "nft add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips",
    "nft add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
    "nft 'add element ip kube-proxy cluster-ips { 10.96.0.10, 10.96.0.53 }'",
    "nft 'add element ip kube-proxy nodeport-ips { 203.0.113.1 }'",
    "nft 'add element ip kube-proxy service-ips { 10.96.0.10 . tcp . 80 : goto " + WEB + ", 10.96.0.53 . udp . 53 : goto " + DNS + " }'",
    "nft 'add element ip kube-proxy service-nodeports { tcp . 30080 : goto " + EXT + " }'",
    "nft add table ip node",
    "nft 'add chain ip node post { type nat hook postrouting priority srcnat + 10; policy accept; }'",
    "nft add rule ip node post ip saddr 10.0.0.0/24 oifname eth1 masquerade",
]


def tcp(h, cl, sv, src, sport, dst, dport, cisn, sisn):
    t = TcpConn(h, cl, sv, src, sport, dst, dport, cisn=cisn, sisn=sisn)
    t.handshake()
    t.c("PA", b"GET /")
    t.s("PA", b"200 OK")
    t.c("FA")
    t.s("FA")
    t.c("A")


def steps(h):
    # A) pod 10.0.0.2 -> ClusterIP, three connections (random endpoint each), no masquerade
    for i in range(3):
        tcp(h, "lan", "lan", "10.0.0.2", 40000 + i, "10.96.0.10", 80, 1000 + i * 1000, 50000 + i * 1000)
    # B) WAN client -> NodePort 203.0.113.1:30080: marked, DNAT, masquerade fully-random to 10.0.0.1
    for i in range(2):
        tcp(h, "wan", "lan", "198.51.100.7", 51000 + i, "203.0.113.1", 30080, 7000 + i * 1000, 90000 + i * 1000)
    # C) endpoint pods -> their own service (hairpin when the draw picks themselves)
    for i, src in enumerate(("10.0.0.5", "10.0.0.6", "10.0.0.5")):
        tcp(h, "lan", "lan", src, 41000 + i, "10.96.0.10", 80, 20000 + i * 1000, 60000 + i * 1000)
    # D) pod -> DNS ClusterIP (UDP), answered; the DNS pod asks its own service (hairpin, masqueraded)
    u = UdpFlow(h, "lan", "lan", "10.0.0.2", 5353, "10.96.0.53", 53)
    u.c(b"query-a")
    u.s(b"answer-a")
    v = UdpFlow(h, "lan", "lan", "10.0.0.7", 5354, "10.96.0.53", 53)
    v.c(b"query-b")
    v.s(b"answer-b")
    # E) pod -> internet: the node's own masquerade on eth1 (masquerading returns: no mark)
    w = UdpFlow(h, "lan", "wan", "10.0.0.2", 5355, "198.51.100.10", 53)
    w.c(b"query-c")
    w.s(b"answer-c")
    h.gw("conntrack -L")
