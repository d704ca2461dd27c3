"""amanda-helper-nat: the Amanda helper (`-t raw ... -p udp --dport 10080 -j CT --helper amanda`)
through MASQUERADE: a backup server inside (10.0.0.2) asks a client on the WAN (UDP 10080); the
client's answer ("CONNECT DATA p MESG p INDEX p" before a newline) refreshes the request's entry
to 300 s and expects the server's TCP connections to those ports, NATed like the request
(nf_nat_follow_master); a second request from another source port gets an answer naming the same
ports: its expectations clash with the first's (EBUSY) and nf_nat_amanda rewrites the ports it
draws in the UDP answer (lengths and checksum redone). An answer without CONNECT, one with port
0 first (nothing more read) and one with a six-digit port (only 5 read) too."""
from scapy.all import IP, TCP, UDP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 10080 -j CT --helper amanda",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -m helper --helper amanda",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
]

SERVER, CLIENT = "10.0.0.2", "198.51.100.10"


def request(h, sport, text=b"Amanda 2.6 REQ HANDLE 000-1 SEQ 1\nSERVICE sendbackup\n"):
    h.send("lan", IP(src=SERVER, dst=CLIENT) / UDP(sport=sport, dport=10080) / Raw(text))
    got = h.expect("wan", lambda q: UDP in q and q[UDP].dport == 10080 and bytes(q[UDP].payload) == text,
                   what="request from %d" % sport)
    return got[UDP].sport


def answer(h, nport, text, what):
    h.send("wan", IP(src=CLIENT, dst="203.0.113.1") / UDP(sport=10080, dport=nport) / Raw(text))
    return h.expect("lan", lambda q: UDP in q and q[UDP].sport == 10080, what=what)


def connect(h, sport, port, what):
    h.send("lan", IP(src=SERVER, dst=CLIENT) / TCP(sport=sport, dport=port, flags="S", seq=100))
    return h.expect("wan", lambda q: TCP in q and q[TCP].dport == port, what=what)


def steps(h):
    p1 = request(h, 850)
    answer(h, p1, b"Amanda 2.6 REP HANDLE 000-1 SEQ 1\nCONNECT DATA 50000 MESG 50001 INDEX 50002\n"
           b"OPTIONS features=ffff;\n", "answer with three ports")
    h.gw("conntrack -L expect")
    h.gw("conntrack -L")
    connect(h, 700, 50000, "DATA connection")
    # a second request from another port, answered with the same ports: they clash
    p2 = request(h, 851)
    answer(h, p2, b"Amanda 2.6 REP HANDLE 000-2 SEQ 1\nCONNECT DATA 50000 MESG 50001 INDEX 50002\n",
           "answer with clashing ports, rewritten")
    h.gw("conntrack -L expect")
    # no CONNECT; port 0 first; a six-digit port
    p3 = request(h, 852)
    answer(h, p3, b"Amanda 2.6 REP HANDLE 000-3 SEQ 1\nOPTIONS features=ffff;\n", "no CONNECT")
    answer(h, p3, b"CONNECT DATA 0 MESG 50011\n", "port 0 first")
    answer(h, p3, b"CONNECT DATA 123456 STATE 50013\n", "six-digit port")
    h.gw("conntrack -L expect")
    h.gw("conntrack -L")
