"""ops-ct-output: conntrack-tools 1.4.7's -o xml and -o save on a live NAT table (DNAT'd and
masqueraded TCP in several states, assured and unreplied UDP, ICMP, a marked entry, a zoned
one, counters on): -L, -G, -U, -D, -I with them, their combinations with the other -o words,
what conntrack refuses, and -E -o xml around entries made, changed and deleted with -I/-U/-D."""
from flows import TcpConn, UdpFlow, Echo

LAN_IPS = ["10.0.0.2", "10.0.0.5", "10.0.0.6"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --sport 6000 -j CT --zone 7",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --dport 6000 -j CT --zone 7",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t mangle -A FORWARD -p udp --dport 53 -j CONNMARK --set-mark 5",
]

LIST = [
    "conntrack -L -o xml",
    "conntrack -L -o xml,id",
    "conntrack -L -o xml,extended",
    "conntrack -L -o extended,xml",
    "conntrack -L -o xml,timestamp",
    "conntrack -L -o xml,ktimestamp",
    "conntrack -L -o xml,labels",
    "conntrack -L -o xml,userspace",
    "conntrack -L -o xml -p tcp",
    "conntrack -L -o xml -p udp",
    "conntrack -L -o xml -p icmp",
    "conntrack -L -o xml -s 192.0.2.99",
    "conntrack -L -o xml --src-nat",
    "conntrack -L -o xml --dst-nat",
    "conntrack -L -o xml -m 5",
    "conntrack -L -o xml -w 7",
    "conntrack -L -o xml -u UNREPLIED",
    "conntrack -L -o xml -p tcp --state ESTABLISHED",
    "conntrack -L -o save",
    "conntrack -L -o save -p tcp",
    "conntrack -L -o save -p udp",
    "conntrack -L -o save -p icmp",
    "conntrack -L -o save -w 7",
    "conntrack -L -o save -s 192.0.2.99",
    "conntrack -L -o save,extended",
    "conntrack -L -o save,id",
    "conntrack -L -o extended,save",
    "conntrack -L -o xml,save",
    "conntrack -L -o save,xml",
    "conntrack -L -o xml,bogus",
    "conntrack -L conntrack -o xml",
    "conntrack -L dying -o xml",
    "conntrack -L unconfirmed -o xml",
    "conntrack -L expect -o xml",
    "conntrack -L expect -o save",
    "conntrack -L dying -o save",
    "conntrack -C -o xml",
    "conntrack -S -o xml",
    "conntrack -F -o xml",
    "conntrack -G -p tcp -s 198.51.100.7 -d 203.0.113.1 --sport 51000 --dport 8080 -o xml",
    "conntrack -G -p tcp -s 198.51.100.7 -d 203.0.113.1 --sport 51000 --dport 8080 -o xml,id",
    "conntrack -G -p tcp -s 198.51.100.7 -d 203.0.113.1 --sport 51000 --dport 8080 -o save",
    "conntrack -G -p udp -s 10.0.0.2 -d 198.51.100.53 --sport 5000 --dport 53 -o xml,extended",
    "conntrack -G -p tcp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2 -o xml",
    "conntrack -G -p tcp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2 -o save",
    "conntrack -L -o xml -z -p tcp",
    "conntrack -L -o xml -z",
    "conntrack -L -o xml",
]

CHANGE = [
    "conntrack -I -p tcp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 100 -u ASSURED -o xml",
    "conntrack -I -p udp -s 192.0.2.3 -d 192.0.2.4 --sport 3 --dport 4 -t 50 -o save",
    "conntrack -I -p udplite -s 192.0.2.5 -d 192.0.2.6 --sport 5 --dport 6 -t 60",
    "conntrack -I -p 47 -s 192.0.2.11 -d 192.0.2.12 -t 80",
    "conntrack -I -p 50 -s 192.0.2.7 -d 192.0.2.8 -t 70",
    "conntrack -I -p icmp -s 192.0.2.9 -d 192.0.2.10 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 30",
    "conntrack -L -o xml -s 192.0.2.0/24",
    "conntrack -L -o save -s 192.0.2.0/24",
    "conntrack -U -p udp -s 192.0.2.3 -m 9 -o xml",
    "conntrack -U -p udp -s 192.0.2.3 -m 10 -o save",
    "conntrack -U -p udp -s 10.0.0.2 --sport 5000 -m 11 -o xml,id",
    "conntrack -U -p udp -s 10.0.0.2 --sport 6000 -m 12 -o xml",
    "conntrack -U -p udp -s 10.0.0.2 --sport 6000 -w 7 -m 12 -o save",
    "conntrack -D -p udplite -o xml",
    "conntrack -D -p 47 -o save",
    "conntrack -D -p 50 -o save",
    "conntrack -D -p icmp -s 192.0.2.9 -o xml,extended",
    "conntrack -D -s 192.0.2.99 -o xml",
    "conntrack -D -s 192.0.2.99 -o save",
]

EVENTS = [
    "-o xml", "-o xml,timestamp", "-o xml,extended,id", "-o save", "-o xml -e NEW",
]


def ev(opts, n):
    a = "192.0.2.%d" % (100 + n)
    return ("(sleep 0.4; conntrack -I -p udp -s %s -d 192.0.2.200 --sport 7 --dport 8 -t 50; "
            "conntrack -U -p udp -s %s -m 3; conntrack -D -p udp -s %s) >/dev/null 2>&1 & "
            "timeout -s INT 1.2 conntrack -E %s; wait" % (a, a, a, opts))


def steps(h):
    t = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=2000, sisn=9000)
    t.c("S")
    t.s("SA")
    t.c("A")
    t.c("PA", b"GET / HTTP/1.0\r\n\r\n")
    t.s("A")
    f = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, "198.51.100.10", 80, cisn=300, sisn=700)
    f.c("S")
    f.s("SA")
    f.c("A")
    f.c("FA")
    f.s("FA")
    f.c("A")
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query")
    u.s(b"answer")
    u.c(b"query2")
    q = UdpFlow(h, "lan", "wan", "10.0.0.6", 5353, "198.51.100.54", 123)
    q.c(b"unanswered")
    z = UdpFlow(h, "lan", "wan", "10.0.0.2", 6000, "198.51.100.20", 6000)
    z.c(b"zone7")
    z.s(b"zone7-reply")
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.1", ident=0x1234)
    e.request(1)
    e.reply(1)
    s = TcpConn(h, "lan", "wan", "10.0.0.6", 40000, "198.51.100.10", 443, cisn=100, sisn=500)
    s.c("S")
    for cmd in LIST + CHANGE:
        h.gw(cmd, check=False)
    for i, o in enumerate(EVENTS):
        h.gw(ev(o, i), check=False)
    h.gw("conntrack -L -o xml", check=False)
    h.gw("conntrack -F", check=False)
    h.gw("conntrack -L -o xml", check=False)
    h.gw("conntrack -L -o save", check=False)
