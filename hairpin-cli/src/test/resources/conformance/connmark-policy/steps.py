"""connmark-policy: policy-style marking with CONNMARK --restore-mark/--save-mark and masks
(mangle PREROUTING), a ct mark bit set in FORWARD with --or-mark, a mark change on an
established flow (FIN), mark-based SNAT (`-m mark --mark 0x2/0xff -j SNAT`), connmark matches
in filter, conntrack -L/-E showing mark=, and `conntrack -U -m` / `-L -m` with masks mid-flow."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5"]
WAN_IPS = ["198.51.100.7", "198.51.100.10", "198.51.100.53"]
SETUP = [
    "iptables -t mangle -N MARKING",
    "iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff",
    "iptables -t mangle -A PREROUTING -m mark ! --mark 0x0/0xff -j ACCEPT",
    "iptables -t mangle -A PREROUTING -j MARKING",
    "iptables -t mangle -A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff",
    "iptables -t mangle -A MARKING -i eth0 -s 10.0.0.3 -j MARK --set-xmark 0x2/0xff",
    "iptables -t mangle -A MARKING -i eth0 -p udp --dport 53 -j MARK --set-xmark 0x3/0xff",
    "iptables -t mangle -A MARKING -i eth1 -p tcp --dport 8080 -j MARK --set-xmark 0x5/0xff",
    "iptables -t mangle -A FORWARD -m connmark --mark 0x2/0xff -j CONNMARK --or-mark 0x100",
    "iptables -t mangle -A FORWARD -p tcp --tcp-flags FIN FIN -j CONNMARK --set-xmark 0x10000/0x10000",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -m mark --mark 0x2/0xff -j SNAT --to-source 203.0.113.2",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m connmark --mark 0x102/0xfff -j ACCEPT",
    "iptables -A FORWARD -m mark --mark 0x3/0xff -j ACCEPT",
    "iptables -A FORWARD -m connmark --mark 0x5 -j ACCEPT",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT",
]


def steps(h):
    # A) 10.0.0.3 (policy mark 2): SNAT to 203.0.113.2, ct mark 0x102, FIN sets bit 0x10000
    a = TcpConn(h, "lan", "wan", "10.0.0.3", 40000, "198.51.100.10", 443, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"hello")
    a.s("PA", b"world")
    a.c("FA")
    a.s("FA")
    a.c("A")
    # B) 10.0.0.2 DNS (mark 3): MASQUERADE, ct mark 3
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query")
    u.s(b"answer")
    u.c(b"query2")
    # C) 10.0.0.2 TCP: no mark at all
    b = TcpConn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 80, cisn=2000, sisn=6000)
    b.handshake()
    # D) WAN -> DNAT 10.0.0.5 (mark 5 restored on every packet)
    d = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=3000, sisn=7000)
    d.handshake()
    d.c("PA", b"req")
    d.s("PA", b"resp")
    h.gw("conntrack -L -m 0x2/0xff")
    h.gw("conntrack -L -m 0x10000/0x10000")
    # E) userspace changes the mark of the DNS flow: the next packet restores 0x7 into the packet
    #    mark (FORWARD mark 3 rule no longer counts it; the flow is ESTABLISHED)
    h.gw("conntrack -U -p udp --orig-port-src 5000 -m 0x7/0xff", check=False)
    h.gw("conntrack -U -p udp --orig-port-src 5000 -m 0x7", check=False)
    u.c(b"query3")
    u.s(b"answer3")
    b.c("PA", b"x")
    b.s("A")
    h.gw("conntrack -L")
