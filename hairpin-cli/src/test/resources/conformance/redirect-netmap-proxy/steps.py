"""redirect-netmap-proxy: a transparent proxy (`PREROUTING -i eth0 -p tcp --dport 80 -j REDIRECT
--to-ports 3128`) with a real listener in the gateway, a DNS redirect to a local UDP socket
(`--dport 53 -j REDIRECT --to-ports 5353`), the same from the gateway itself (`OUTPUT -d
127.0.0.1 --dport 8080 -j REDIRECT --to-ports 8081`: loopback, both ends local), and 1:1 NETMAP
of 10.0.0.16/28 <-> 203.0.113.16/28 both ways. LOCAL scenario."""
import time
from flows import TcpConn, UdpFlow
from scapy.all import IP, TCP, UDP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2", "10.0.0.20", "10.0.0.21"]
WAN_IPS = ["198.51.100.7", "198.51.100.10", "198.51.100.53"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j REDIRECT --to-ports 3128",
    "iptables -t nat -A PREROUTING -i eth0 -p udp --dport 53 -j REDIRECT --to-ports 5353",
    "iptables -t nat -A PREROUTING -i eth1 -d 203.0.113.16/28 -j NETMAP --to 10.0.0.16/28",
    "iptables -t nat -A OUTPUT -d 127.0.0.1 -p tcp --dport 8080 -j REDIRECT --to-ports 8081",
    "iptables -t nat -A POSTROUTING -o eth1 -s 10.0.0.16/28 -j NETMAP --to 203.0.113.16/28",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
REQ = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"
RESP = b"HTTP/1.1 200 OK\r\n\r\nproxied"


def lan_tcp(h, flags, seq, ack, data=b""):
    p = IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack,
                                                    window=64240)
    if data:
        p = p / Raw(data)
    h.send("lan", p)


def from_gw(flags, data=None):
    def m(q):
        if TCP not in q or str(q[TCP].flags) != flags or q[TCP].dport != 40000:
            return False
        return data is None or bytes(q[TCP].payload) == data
    return m


def steps(h):
    # A) transparent HTTP proxy: the listener on 3128 accepts the REDIRECTed connection
    lst = h.gw_local_listen("0.0.0.0", 3128, name="proxy")
    lan_tcp(h, "S", 1000, 0)
    sa = h.expect("lan", from_gw("SA"), what="the proxy's SYN-ACK (un-REDIRECTed: from 198.51.100.10:80)")
    g = sa[TCP].seq + 1
    lan_tcp(h, "A", 1001, g)
    time.sleep(0.1)
    c = lst.accept(name="proxy-conn")
    lan_tcp(h, "PA", 1001, g, REQ)
    h.expect("lan", from_gw("A"), what="ACK of the request", missing_ok=True)
    c.recv()
    c.send(RESP)
    h.expect("lan", from_gw("PA", RESP), what="the proxy's response")
    lan_tcp(h, "A", 1001 + len(REQ), g + len(RESP))
    c.close()
    h.expect("lan", from_gw("FA"), what="the proxy's FIN")
    lan_tcp(h, "FA", 1001 + len(REQ), g + len(RESP) + 1)
    h.expect("lan", from_gw("A"), what="the proxy's last ACK (TIME_WAIT)")
    # B) DNS redirected to a local UDP socket on 5353; its answer leaves as 198.51.100.53:53
    d = h.gw_local_udp(bind=("", 5353), name="dns")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=5000, dport=53) / Raw(b"query"))
    time.sleep(0.1)
    d.recv()
    d.sendto(b"answer", "10.0.0.2", 5000)
    h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == b"answer", what="answer from 198.51.100.53:53")
    # C) NETMAP: WAN -> 203.0.113.20 -> 10.0.0.20 and 10.0.0.21 -> WAN as 203.0.113.21
    n = TcpConn(h, "wan", "lan", "198.51.100.7", 52000, "203.0.113.20", 22, cisn=3000, sisn=4000)
    n.handshake()
    n.c("PA", b"ssh")
    n.s("A")
    u = UdpFlow(h, "lan", "wan", "10.0.0.21", 6000, "198.51.100.53", 123)
    u.c(b"ntp")
    u.s(b"ntp-reply")
    # D) the gateway's own client to 127.0.0.1:8080, REDIRECTed in OUTPUT to its own listener on 8081
    l2 = h.gw_local_listen("127.0.0.1", 8081, name="local-srv")
    cl = h.gw_local_tcp(bind=("127.0.0.1", 41000), name="local-cli")
    cl.connect("127.0.0.1", 8080)
    cl.wait_connected(1.0)
    s2 = l2.accept(name="local-srv-conn")
    cl.send(b"ping")
    s2.recv()
    s2.send(b"pong")
    cl.recv()
    cl.close()
    s2.recv()
    s2.close()
    time.sleep(0.2)
    h.gw("conntrack -L")
