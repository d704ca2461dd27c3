"""nft-sets-maps: a router on native nftables using what a listing of sets and maps holds: a
named interval set, anonymous sets of interfaces, protocols, ports and ICMP types, a verdict map
on ct state, a NAT map from destination port to address, comma-joined NAT flags, a rule with
two statements (meta mark set, then ct mark set meta mark, then accept), fib daddr type, tcp
flags and reject with icmpx."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import TCP, ICMP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.10", "198.51.100.66", "192.0.2.9"]
SETUP = [
    "nft add table inet fw",
    "nft 'add set inet fw blocked { type ipv4_addr; flags interval; elements = { 192.0.2.0/28, 198.51.100.66 } }'",
    "nft 'add chain inet fw forward { type filter hook forward priority filter; policy drop; }'",
    "nft 'add rule inet fw forward ct state vmap { established : accept, related : accept, invalid : drop }'",
    "nft add rule inet fw forward ip saddr @blocked counter drop",
    "nft add rule inet fw forward fib daddr type local counter drop",
    "nft add rule inet fw forward iifname eth0 tcp flags '& (fin|syn|rst|ack) != syn' counter drop",
    "nft add rule inet fw forward iifname eth0 udp dport 53 meta mark set 0x2 ct mark set meta mark counter accept",
    "nft add rule inet fw forward iifname '{ \"eth0\" }' meta l4proto '{ tcp, udp }' th dport '{ 80, 443 }' counter accept",
    "nft add rule inet fw forward iifname eth0 icmp type '{ echo-request }' counter accept",
    "nft add rule inet fw forward ct status dnat counter accept",
    "nft add rule inet fw forward iifname eth1 counter reject with icmpx admin-prohibited",
    "nft add table ip natfw",
    "nft 'add chain ip natfw pre { type nat hook prerouting priority dstnat; policy accept; }'",
    "nft 'add chain ip natfw post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip natfw pre iifname eth1 dnat ip to tcp dport map '{ 8080 : 10.0.0.5, 8443 : 10.0.0.6 }'",
    "nft add rule ip natfw post oifname eth1 masquerade persistent",
]


def steps(h):
    # A) WAN -> :8080 mapped to 10.0.0.5 (port kept), accepted by ct status dnat, then established
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"GET /")
    a.s("PA", b"200 OK")
    # B) WAN -> :8443 mapped to 10.0.0.6
    b = TcpConn(h, "wan", "lan", "198.51.100.10", 51001, "203.0.113.1", 8443, cisn=1100, sisn=5100)
    b.handshake()
    # C) WAN -> :9000 in no map element: routed to the gateway itself (nothing listens): RST
    c = TcpConn(h, "wan", "lan", "198.51.100.7", 51002, "203.0.113.1", 9000, cisn=1200)
    c.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from 203.0.113.1:9000")
    # D) a blocked source (interval element) and a blocked single address: dropped
    d = TcpConn(h, "wan", "lan", "192.0.2.9", 51003, "203.0.113.1", 8080, cisn=1300)
    d.c("S", expect=False)
    h.expect_nothing("lan", 0.4, "blocked by @blocked (192.0.2.0/28)")
    e = UdpFlow(h, "wan", "lan", "198.51.100.66", 7000, "10.0.0.5", 5000)
    e.c(b"x", expect=False)
    h.expect_nothing("lan", 0.4, "blocked by @blocked (198.51.100.66)")
    # E) WAN -> LAN directly, not DNATed: reject with icmpx admin-prohibited
    f = UdpFlow(h, "wan", "lan", "198.51.100.7", 7001, "10.0.0.5", 5001)
    f.c(b"y", expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 13, what="admin-prohibited")
    # F) LAN web out (th dport set), masqueraded persistent; LAN DNS marked 0x2 (ct mark too)
    g = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 443, cisn=2000, sisn=6000)
    g.handshake()
    u = UdpFlow(h, "lan", "wan", "10.0.0.3", 5353, "198.51.100.10", 53)
    u.c(b"query")
    u.s(b"answer")
    # G) LAN TCP to 25: no rule accepts it: policy drop
    k = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 25, cisn=3000)
    k.c("S", expect=False)
    h.expect_nothing("wan", 0.4, "policy drop")
    # H) LAN ACK without a connection: tcp flags not syn -> dropped (ct state invalid is not it:
    # an ACK is picked up mid-stream, so the flags rule decides)
    m = TcpConn(h, "lan", "wan", "10.0.0.2", 40002, "198.51.100.10", 80, cisn=3100)
    m.c("A", expect=False)
    h.expect_nothing("wan", 0.4, "flags rule drops a non-SYN first packet")
    # I) LAN ping (icmp type set), answered
    p = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.7", 77)
    p.request(1)
    p.reply(1)
    # J) LAN -> the gateway's WAN address: fib daddr type local is not forward (input): nothing
    h.gw("conntrack -L")
