"""local-ping-clash: the gateway's own ping (raw ICMP socket, echo id 100) and a LAN host's ping
with the same id to the same server through MASQUERADE: the gateway's entry holds
203.0.113.1/id 100, so the LAN host's id is remapped (random, adopted by a replay); echo replies
to both; an echo request from the WAN to the gateway answered by its stack; a ping of the
gateway's LAN address from the LAN. LOCAL scenario."""
from flows import GwPingClient, Echo
from scapy.all import IP, ICMP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A OUTPUT -p icmp --icmp-type echo-request",
    "iptables -A OUTPUT -p icmp --icmp-type echo-reply",
]


def steps(h):
    g = GwPingClient(h, "wan", name="ping")
    g.request("198.51.100.10", 100, 1)
    g.reply(1)
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.10", 100)
    e.request(1)
    e.reply(1)
    g.request("198.51.100.10", 100, 2)
    g.reply(2)
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / ICMP(type=8, id=555, seq=1) / Raw(b"hi"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply from the gateway")
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=8, id=556, seq=1) / Raw(b"hi"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply from 10.0.0.1")
    h.gw("conntrack -L")
