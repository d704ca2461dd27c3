"""local-client-masq: the gateway's own clients through MASQUERADE on eth1 (their source is
already 203.0.113.1: null bindings) and towards the LAN: a UDP query answered; a TCP connection
with request, response and close; a TCP connect to a LAN port that answers RST/ACK (the socket
is reset; the entry ends in CLOSE)."""
from flows import GwTcpClient, GwUdpClient

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    u = GwUdpClient(h, "wan", bind=("", 5555))
    u.send(b"query", "198.51.100.20", 53)
    u.reply(b"answer")
    t = GwTcpClient(h, "wan", ("198.51.100.10", 80), bind=("", 40100))
    t.connect("198.51.100.10", 80)
    t.send(b"GET / HTTP/1.0\r\n\r\n")
    t.respond(b"HTTP/1.0 200 OK\r\n\r\n")
    t.close()
    r = GwTcpClient(h, "lan", ("10.0.0.2", 81), bind=("", 40200))
    r.sock.connect("10.0.0.2", 81)
    r.expect_c("S")
    r.s("RA")
    h.sleep(0.3, "(the socket got the RST)")
    h.gw("conntrack -L")
