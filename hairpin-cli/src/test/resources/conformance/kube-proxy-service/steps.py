"""kube-proxy-service: kube-proxy's iptables mode on a node (pods 10.0.0.0/24 on eth0, node
address 203.0.113.1): KUBE-SERVICES with a ClusterIP TCP service (10.96.0.10:80, two endpoints,
`statistic --mode random --probability 0.5`), a UDP DNS ClusterIP with one endpoint, a NodePort
(30080) through KUBE-NODEPORTS/KUBE-EXT-*, KUBE-MARK-MASQ (`MARK --or-mark 0x4000`) and
KUBE-POSTROUTING (`mark ! --mark 0x4000/0x4000 RETURN`, `MARK --xor-mark 0x4000`,
`MASQUERADE --random-fully`).
Traffic: a pod -> ClusterIP (DNAT to a pod on the same LAN, not masqueraded: the reply goes back
through the node here because the peer always sends to the gateway), a WAN client -> NodePort
(DNAT + MASQUERADE --random-fully to 10.0.0.1), a pod -> its own service picked back to itself
(hairpin: KUBE-SEP's `-s <ep> -j KUBE-MARK-MASQ` then masqueraded), pod -> DNS ClusterIP (UDP),
and a pod -> the internet (the node's own MASQUERADE on eth1, no mark)."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
SVC = "KUBE-SVC-TCOU7JCQXEZGVUNU"
EXT = "KUBE-EXT-TCOU7JCQXEZGVUNU"
SEPA = "KUBE-SEP-AAAAAAAAAAAAAAAA"
SEPB = "KUBE-SEP-BBBBBBBBBBBBBBBB"
DNS = "KUBE-SVC-ERIFXISQEP7F7OF4"
SEPD = "KUBE-SEP-DDDDDDDDDDDDDDDD"
SETUP = [
    "iptables -t nat -N KUBE-SERVICES",
    "iptables -t nat -N KUBE-POSTROUTING",
    "iptables -t nat -N KUBE-MARK-MASQ",
    "iptables -t nat -N KUBE-NODEPORTS",
    "iptables -t nat -N " + SVC,
    "iptables -t nat -N " + EXT,
    "iptables -t nat -N " + SEPA,
    "iptables -t nat -N " + SEPB,
    "iptables -t nat -N " + DNS,
    "iptables -t nat -N " + SEPD,
    "iptables -t nat -A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -t nat -A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -t nat -A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
    "iptables -t nat -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
    "iptables -t nat -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    "iptables -t nat -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
    "iptables -t nat -A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
    "iptables -t nat -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"default/web cluster IP\" -m tcp --dport 80 -j " + SVC,
    "iptables -t nat -A KUBE-SERVICES -d 10.96.0.53/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j " + DNS,
    "iptables -t nat -A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
    "iptables -t nat -A KUBE-NODEPORTS -p tcp -m comment --comment \"default/web\" -m tcp --dport 30080 -j " + EXT,
    "iptables -t nat -A " + EXT + " -m comment --comment \"masquerade traffic for default/web external destinations\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + EXT + " -j " + SVC,
    "iptables -t nat -A " + SVC + " ! -s 10.0.0.0/24 -d 10.96.0.10/32 -p tcp -m comment --comment \"default/web cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/web -> 10.0.0.5:8080\" -m statistic --mode random --probability 0.50000000000 -j " + SEPA,
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/web -> 10.0.0.6:8080\" -j " + SEPB,
    "iptables -t nat -A " + SEPA + " -s 10.0.0.5/32 -m comment --comment \"default/web\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SEPA + " -p tcp -m comment --comment \"default/web\" -m tcp -j DNAT --to-destination 10.0.0.5:8080",
    "iptables -t nat -A " + SEPB + " -s 10.0.0.6/32 -m comment --comment \"default/web\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SEPB + " -p tcp -m comment --comment \"default/web\" -m tcp -j DNAT --to-destination 10.0.0.6:8080",
    "iptables -t nat -A " + DNS + " ! -s 10.0.0.0/24 -d 10.96.0.53/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + DNS + " -m comment --comment \"kube-system/kube-dns:dns -> 10.0.0.7:53\" -j " + SEPD,
    "iptables -t nat -A " + SEPD + " -s 10.0.0.7/32 -m comment --comment \"kube-system/kube-dns:dns\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SEPD + " -p udp -m comment --comment \"kube-system/kube-dns:dns\" -m udp -j DNAT --to-destination 10.0.0.7:53",
    "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE",
    "iptables -t filter -N KUBE-FORWARD",
    "iptables -t filter -A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
    "iptables -t filter -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -t filter -A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
    "iptables -t filter -A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
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
    # B) WAN client -> NodePort 203.0.113.1:30080: KUBE-MARK-MASQ, DNAT, MASQUERADE --random-fully to 10.0.0.1
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
    # E) pod -> internet: the node's MASQUERADE on eth1 (KUBE-POSTROUTING returns: no mark)
    w = UdpFlow(h, "lan", "wan", "10.0.0.2", 5355, "198.51.100.10", 53)
    w.c(b"query-c")
    w.s(b"answer-c")
    h.gw("conntrack -L")
