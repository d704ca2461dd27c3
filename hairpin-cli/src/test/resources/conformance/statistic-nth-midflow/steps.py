"""statistic-nth-midflow: DNAT load balancing with `statistic --mode nth` (every 3 packet 0,
every 2 packet 0, fallback) for UDP and TCP; only first packets reach the nat table (later
packets of a flow do not advance the nth counters); a rule inserted mid-run (`iptables -t nat
-I`) catches new flows only; `iptables -t nat -Z` and `-D` mid-run; the counters at the end."""
from flows import TcpConn, UdpFlow

LAN_IPS = ["10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"]
WAN_IPS = ["198.51.100.7"]
SETUP = [
    "iptables -t nat -N LB",
    "iptables -t nat -A PREROUTING -i eth1 -d 203.0.113.1 -p udp --dport 5000 -j LB",
    "iptables -t nat -A PREROUTING -i eth1 -d 203.0.113.1 -p tcp --dport 8080 -j LB",
    "iptables -t nat -A LB -m statistic --mode nth --every 3 --packet 0 -j DNAT --to-destination 10.0.0.5",
    "iptables -t nat -A LB -m statistic --mode nth --every 2 --packet 0 -j DNAT --to-destination 10.0.0.6",
    "iptables -t nat -A LB -j DNAT --to-destination 10.0.0.7",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    us = []
    for i in range(5):
        u = UdpFlow(h, "wan", "lan", "198.51.100.7", 20000 + i, "203.0.113.1", 5000)
        u.c(b"u%d" % i)
        us.append(u)
    # later packets of the same flows: same backends, counters untouched
    us[0].c(b"u0-again")
    us[1].s(b"u1-reply")
    us[1].c(b"u1-again")
    t = TcpConn(h, "wan", "lan", "198.51.100.7", 30000, "203.0.113.1", 8080, cisn=100, sisn=900)
    t.handshake()
    t.c("PA", b"req")
    t.s("PA", b"resp")
    h.gw("iptables -t nat -L LB -v -n -x")
    # insert a rule at the top of LB: new flows go to 10.0.0.8, old ones stay
    h.gw("iptables -t nat -I LB 1 -p udp -m statistic --mode nth --every 2 --packet 1 -j DNAT --to-destination 10.0.0.8")
    for i in range(5, 9):
        u = UdpFlow(h, "wan", "lan", "198.51.100.7", 20000 + i, "203.0.113.1", 5000)
        u.c(b"u%d" % i)
    us[2].c(b"u2-again")
    h.gw("iptables -t nat -Z LB")
    h.gw("iptables -t nat -D LB 1")
    for i in range(9, 12):
        u = UdpFlow(h, "wan", "lan", "198.51.100.7", 20000 + i, "203.0.113.1", 5000)
        u.c(b"u%d" % i)
    t.c("FA")
    t.s("FA")
    t.c("A")
    h.gw("iptables -t nat -L LB -v -n -x")
