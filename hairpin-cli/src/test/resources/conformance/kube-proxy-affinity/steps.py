"""kube-proxy-affinity: kube-proxy's iptables mode beyond kube-proxy-service: ClientIP session
affinity (`recent --rcheck --seconds N --reap` per endpoint, `recent --set` next to the DNAT), a
service without endpoints (filter REJECT icmp-port-unreachable from KUBE-SERVICES), a NodePort
without endpoints (KUBE-EXTERNAL-SERVICES), route_localnet=1 with KUBE-FIREWALL's localnet
guard, and the node's own process reaching a NodePort on 127.0.0.1 (OUTPUT DNAT from loopback,
masqueraded out eth0). LOCAL scenario."""
from flows import TcpConn, UdpFlow, GwTcpClient
from scapy.all import IP, TCP, UDP, ICMP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.8"]
SYSCTL = [("net.ipv4.conf.all.route_localnet", "1")]
SVC = "KUBE-SVC-AFFINITYAAAAAAAAA"
EXT = "KUBE-EXT-AFFINITYAAAAAAAAA"
SEPA = "KUBE-SEP-AAAAAAAAAAAAAAAA"
SEPB = "KUBE-SEP-BBBBBBBBBBBBBBBB"
AFF = "--mask 255.255.255.255 --rsource"
SETUP = [
    "iptables -t nat -N KUBE-SERVICES",
    "iptables -t nat -N KUBE-POSTROUTING",
    "iptables -t nat -N KUBE-MARK-MASQ",
    "iptables -t nat -N KUBE-NODEPORTS",
    "iptables -t nat -N " + SVC,
    "iptables -t nat -N " + EXT,
    "iptables -t nat -N " + SEPA,
    "iptables -t nat -N " + SEPB,
    "iptables -t nat -A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -t nat -A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -t nat -A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
    "iptables -t nat -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
    "iptables -t nat -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    "iptables -t nat -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
    "iptables -t nat -A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE",
    "iptables -t nat -A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment \"default/aff cluster IP\" -m tcp --dport 80 -j " + SVC,
    "iptables -t nat -A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
    "iptables -t nat -A KUBE-NODEPORTS -p tcp -m comment --comment \"default/aff\" -m tcp --dport 30080 -j " + EXT,
    "iptables -t nat -A " + EXT + " -m comment --comment \"masquerade traffic for default/aff external destinations\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + EXT + " -j " + SVC,
    "iptables -t nat -A " + SVC + " ! -s 10.0.0.0/24 -d 10.96.0.20/32 -p tcp -m comment --comment \"default/aff cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/aff -> 10.0.0.5:8080\" -m recent --rcheck --seconds 3 --reap --name " + SEPA + " " + AFF + " -j " + SEPA,
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/aff -> 10.0.0.6:8080\" -m recent --rcheck --seconds 3 --reap --name " + SEPB + " " + AFF + " -j " + SEPB,
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/aff -> 10.0.0.5:8080\" -m statistic --mode random --probability 0.50000000000 -j " + SEPA,
    "iptables -t nat -A " + SVC + " -m comment --comment \"default/aff -> 10.0.0.6:8080\" -j " + SEPB,
    "iptables -t nat -A " + SEPA + " -s 10.0.0.5/32 -m comment --comment \"default/aff\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SEPA + " -p tcp -m comment --comment \"default/aff\" -m recent --set --name " + SEPA + " " + AFF + " -m tcp -j DNAT --to-destination 10.0.0.5:8080",
    "iptables -t nat -A " + SEPB + " -s 10.0.0.6/32 -m comment --comment \"default/aff\" -j KUBE-MARK-MASQ",
    "iptables -t nat -A " + SEPB + " -p tcp -m comment --comment \"default/aff\" -m recent --set --name " + SEPB + " " + AFF + " -m tcp -j DNAT --to-destination 10.0.0.6:8080",
    "iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE",
    # filter: services without endpoints, the localnet guard, forwarding rules
    "iptables -N KUBE-SERVICES",
    "iptables -N KUBE-EXTERNAL-SERVICES",
    "iptables -N KUBE-FIREWALL",
    "iptables -N KUBE-FORWARD",
    "iptables -A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
    "iptables -A INPUT -j KUBE-FIREWALL",
    "iptables -A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
    "iptables -A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
    "iptables -A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
    "iptables -A OUTPUT -j KUBE-FIREWALL",
    "iptables -A KUBE-SERVICES -d 10.96.0.99/32 -p tcp -m comment --comment \"default/empty has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
    "iptables -A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"default/empty has no endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30099 -j REJECT --reject-with icmp-port-unreachable",
    "iptables -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
    "iptables -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
    "iptables -A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
    "iptables -A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
]


def tcp(h, cl, sv, src, sport, dst, dport, cisn, sisn):
    t = TcpConn(h, cl, sv, src, sport, dst, dport, cisn=cisn, sisn=sisn)
    t.handshake()
    t.c("PA", b"GET /")
    t.s("PA", b"200 OK")
    t.c("FA")
    t.s("FA")
    t.c("A")
    return t


def steps(h):
    # A) pod 10.0.0.2 -> ClusterIP four times: the first draw decides, the rest stick (recent)
    for i in range(4):
        tcp(h, "lan", "lan", "10.0.0.2", 40000 + i, "10.96.0.20", 80, 1000 + i * 1000, 50000 + i * 1000)
    # B) another pod: its own affinity
    for i in range(2):
        tcp(h, "lan", "lan", "10.0.0.3", 40100 + i, "10.96.0.20", 80, 9000 + i * 1000, 60000 + i * 1000)
    # C) WAN client -> NodePort 203.0.113.1:30080 twice: masqueraded to 10.0.0.1, affinity by client
    for i in range(2):
        tcp(h, "wan", "lan", "198.51.100.7", 51000 + i, "203.0.113.1", 30080, 3000 + i * 1000, 70000 + i * 1000)
    h.gw("conntrack -L")
    # D) after the affinity timeout (3 s): --reap drops the stamp, a new draw
    h.sleep(3.3, "affinity expires")
    tcp(h, "lan", "lan", "10.0.0.2", 40010, "10.96.0.20", 80, 20000, 80000)
    # E) ClusterIP without endpoints: REJECT port unreachable from the gateway (forwarded path)
    e = TcpConn(h, "lan", "lan", "10.0.0.2", 40200, "10.96.0.99", 80, cisn=30000)
    e.c("S", expect=False)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 3, what="no endpoints")
    # F) NodePort without endpoints from the WAN (INPUT path)
    f = TcpConn(h, "wan", "wan", "198.51.100.8", 52000, "203.0.113.1", 30099, cisn=31000)
    f.c("S", expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 3, what="nodeport no endpoints")
    # G) route_localnet=1: a WAN SYN to 127.0.0.1:30080 is a NodePort (DNATed, forwarded);
    #    one to 127.0.0.1:22 reaches INPUT and KUBE-FIREWALL drops it
    g = TcpConn(h, "wan", "lan", "198.51.100.8", 52001, "127.0.0.1", 30080, cisn=32000, sisn=90000)
    if g.c("S", missing_ok=True) is not None:
        g.s("SA")
        g.c("A")
        g.c("RA")
    h.send("wan", IP(src="198.51.100.8", dst="127.0.0.1") / TCP(sport=52002, dport=22, flags="S", seq=33000))
    h.expect_nothing("wan", 0.5, "KUBE-FIREWALL drops localnet from outside")
    # H) the node's own process -> 127.0.0.1:30080: OUTPUT DNAT, rerouted out eth0 from
    #    127.0.0.1 (route_localnet), KUBE-MARK-MASQ'd: masqueraded to 10.0.0.1
    c = GwTcpClient(h, "lan", None, bind=("127.0.0.1", 45000), sisn=95000, name="node-client")
    c.server = ("10.0.0.5", 8080)
    c2 = None
    if c.expect_c is not None:
        c.sock.connect("127.0.0.1", 30080)
        got = h.expect("lan", lambda q: TCP in q and q[TCP].dport == 8080 and str(q[TCP].flags) == "S",
                       what="node SYN to endpoint")
        if got is not None:
            c.srv_view = (got[IP].src, got[TCP].sport, got[IP].dst, got[TCP].dport)
            c.cseq = got[TCP].seq + 1
            c.s("SA", options=[("MSS", 1460)])
            c.expect_c("A")
            c.sock.wait_connected(1.0)
            c.send(b"GET /local")
            c.respond(b"200 local")
            c.close()
    h.gw("conntrack -L")
    h.gw("iptables-save -c")
