"""local-snat-loopback: the gateway's own traffic and SNAT/DNAT: its UDP socket's tuple takes
part in SNAT uniqueness (a LAN host's flow that would map onto it gets another port), a local TCP
client SNATed to a second address in POSTROUTING, and a loopback connection DNATed in OUTPUT to
another local port, with counting rules showing which tables see looped packets twice. LOCAL
scenario."""
import time
from flows import GwTcpClient, GwUdpClient, UdpFlow

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.53"]
SETUP = [
    "ip addr add 203.0.113.9/24 dev eth1",
    "iptables -t raw -A OUTPUT -o lo",
    "iptables -t raw -A PREROUTING -i lo",
    "iptables -t mangle -A OUTPUT -o lo",
    "iptables -t mangle -A INPUT -i lo",
    "iptables -t mangle -A POSTROUTING -o lo",
    "iptables -A INPUT -i lo",
    "iptables -A OUTPUT -o lo",
    "iptables -t nat -A OUTPUT -o lo -p tcp --dport 8080 -j DNAT --to-destination 127.0.0.1:8081",
    "iptables -t nat -A INPUT -i lo",
    "iptables -t nat -A POSTROUTING -o lo",
    "iptables -t nat -A POSTROUTING -o eth1 -p tcp --dport 443 -j SNAT --to-source 203.0.113.9",
    "iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 203.0.113.1",
]


def steps(h):
    # A) the gateway's DNS query from 203.0.113.1:5000 (null binding), answered
    g = GwUdpClient(h, "wan", bind=("203.0.113.1", 5000), name="udp-5000")
    g.send(b"gw-query", "198.51.100.53", 53)
    g.reply(b"gw-answer")
    # B) a LAN host's query from port 5000 to the same server: 203.0.113.1:5000 is the gateway's
    #    own tuple, so SNAT picks another port (random, adopted)
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"lan-query")
    u.s(b"lan-answer")
    # C) the gateway's HTTPS client: SNAT to 203.0.113.9 (port kept)
    t = GwTcpClient(h, "wan", ("198.51.100.10", 443), bind=("", 40443), sisn=7000, name="tcp-443")
    if t.connect("198.51.100.10", 443):
        t.send(b"hello")
        t.respond(b"world")
        t.close()
    # D) loopback: 127.0.0.1:8080 DNATed in OUTPUT to the listener on 8081
    lst = h.gw_local_listen("127.0.0.1", 8081, name="srv")
    cl = h.gw_local_tcp(bind=("127.0.0.1", 41000), name="cli")
    cl.connect("127.0.0.1", 8080)
    cl.wait_connected(1.0)
    s = lst.accept(name="srv-conn")
    cl.send(b"ping")
    s.recv()
    s.send(b"pong")
    cl.recv()
    cl.close()
    s.recv()
    s.close()
    time.sleep(0.2)
    h.gw("conntrack -L")
