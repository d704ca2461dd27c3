"""owner-match: `-m owner` on the gateway's own packets (xt_owner): a process's socket (the
recorder runs as root: uid 0, gid 0), the kernel's control sockets that send the stack's own
answers (RST to a closed port, ICMP port unreachable, echo reply: a socket without a file, so
--socket-exists matches and --uid-owner does not), a listener's SYN/ACK (the listener's
socket), and forwarded packets (no socket). Counting rules in mangle/filter OUTPUT and mangle
POSTROUTING, a DNS DNAT in nat OUTPUT for every uid but root's. LOCAL scenario."""
import time

from flows import TcpConn, UdpFlow, GwTcpClient, GwUdpClient
from scapy.all import IP, TCP, UDP, ICMP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2", "10.0.0.53"]
WAN_IPS = ["198.51.100.10", "198.51.100.53", "198.51.100.7"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -s 10.0.0.0/24 -j MASQUERADE",
    "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner ! --uid-owner 0 -j DNAT --to-destination 10.0.0.53",
    "iptables -t nat -A OUTPUT -p udp --dport 53 -m owner --uid-owner 0",
    "iptables -t mangle -A OUTPUT -m owner --uid-owner 0 -j MARK --set-mark 0x7",
    "iptables -t mangle -A OUTPUT -m owner --socket-exists",
    "iptables -t mangle -A OUTPUT -m owner ! --socket-exists",
    "iptables -t mangle -A POSTROUTING -m owner --socket-exists",
    "iptables -t mangle -A POSTROUTING -m owner ! --socket-exists",
    "iptables -t mangle -A POSTROUTING -m mark --mark 0x7",
    "iptables -A OUTPUT -m owner --uid-owner 0",
    "iptables -A OUTPUT -m owner ! --uid-owner 0",
    "iptables -A OUTPUT -m owner --uid-owner 1000-2000",
    "iptables -A OUTPUT -m owner ! --uid-owner 1000-2000",
    "iptables -A OUTPUT -m owner --gid-owner 0",
    "iptables -A OUTPUT -m owner --gid-owner 0 --suppl-groups",
    "iptables -A OUTPUT -m owner --socket-exists --uid-owner 0",
    "iptables -A OUTPUT -m owner ! --socket-exists",
    "iptables -A OUTPUT -m owner --socket-exists ! --uid-owner 0",
    "iptables -A OUTPUT -m owner ! --gid-owner 0",
    "iptables -A OUTPUT -p tcp --tcp-flags RST RST -m owner --socket-exists",
    "iptables -A OUTPUT -p icmp -m owner --socket-exists",
]


def steps(h):
    # A) the gateway's own TCP client (root): handshake, request, close
    g = GwTcpClient(h, "wan", ("198.51.100.10", 80), bind=("", 45000), sisn=20000, name="client")
    if g.connect("198.51.100.10", 80):
        g.send(b"GET /")
        g.respond(b"200")
        g.close()
    # B) its DNS query as root: not DNATed (the ! --uid-owner 0 rule), answered
    u = GwUdpClient(h, "wan", bind=("", 45001), name="dns")
    u.send(b"query", "198.51.100.53", 53)
    u.reply(b"answer")
    # C) the stack's own answers: RST for a closed port, port unreachable, echo reply
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / TCP(sport=41000, dport=23, flags="S", seq=1))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from the stack")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / UDP(sport=41001, dport=9) / Raw(b"x"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / ICMP(type=8, id=7, seq=1) / Raw(b"ping"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply")
    # D) a listener's SYN/ACK and the accepted connection's data
    lst = h.gw_local_listen("0.0.0.0", 8080, name="srv")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / TCP(sport=41002, dport=8080, flags="S", seq=5000,
                                                                   window=64240, options=[("MSS", 1460)]))
    sa = h.expect("wan", lambda q: TCP in q and q[TCP].flags == "SA", what="listener SYN/ACK")
    if sa is not None:
        isn = sa[TCP].seq + 1
        h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / TCP(sport=41002, dport=8080, flags="A", seq=5001,
                                                                       ack=isn, window=64240))
        time.sleep(0.1)
        c = lst.accept(name="srv-conn")
        c.send(b"hello")
        h.expect("wan", lambda q: TCP in q and bytes(q[TCP].payload) == b"hello", what="server data")
        h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / TCP(sport=41002, dport=8080, flags="RA", seq=5001,
                                                                       ack=isn + 5, window=0))
        c.close()
    # E) forwarded traffic: no socket
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 42000, "198.51.100.10", 80, cisn=1000, sisn=9000)
    t.handshake()
    t.c("RA")
