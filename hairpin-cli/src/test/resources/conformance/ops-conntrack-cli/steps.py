"""ops-conntrack-cli: conntrack-tools 1.4.7 on a live NAT table: every filter of -L/-G, -U, -D,
-C, -F, -z, bad input (messages and exit codes), and `conntrack -D` after a DNAT rule changed:
the flow's next packet is re-evaluated and reaches the new backend."""
from flows import TcpConn, UdpFlow, Echo

LAN_IPS = ["10.0.0.2", "10.0.0.5", "10.0.0.6"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]

LIST = [
    "conntrack -L",
    "conntrack -L -o extended",
    "conntrack -L -o timestamp",
    "conntrack -L conntrack",
    "conntrack -L -p tcp",
    "conntrack -L -p udp",
    "conntrack -L -p icmp",
    "conntrack -L -p 6",
    "conntrack -L -p gre",
    "conntrack -L -p tcp --dport 8080",
    "conntrack -L -p tcp --orig-port-dst 8080",
    "conntrack -L -p tcp --sport 51000",
    "conntrack -L -p tcp --dport 80",
    "conntrack -L -p tcp --reply-port-src 80",
    "conntrack -L -p tcp --reply-port-dst 51000",
    "conntrack -L -p udp --orig-port-src 5000 --orig-port-dst 53",
    "conntrack -L -s 198.51.100.7",
    "conntrack -L --orig-src 10.0.0.2",
    "conntrack -L -d 203.0.113.1",
    "conntrack -L --orig-dst 198.51.100.53",
    "conntrack -L -s 10.0.0.0/24",
    "conntrack -L -d 198.51.100.0/24",
    "conntrack -L -s 10.0.0.0/8 -d 198.51.100.0/25",
    "conntrack -L -r 10.0.0.5",
    "conntrack -L --reply-src 198.51.100.53",
    "conntrack -L -q 203.0.113.1",
    "conntrack -L --reply-dst 198.51.100.7",
    "conntrack -L --src-nat",
    "conntrack -L --dst-nat",
    "conntrack -L --any-nat",
    "conntrack -L --src-nat 203.0.113.1",
    "conntrack -L --src-nat 203.0.113.9",
    "conntrack -L --dst-nat 10.0.0.5",
    "conntrack -L --dst-nat 10.0.0.5:80",
    "conntrack -L --dst-nat 10.0.0.5:81",
    "conntrack -L --any-nat 10.0.0.5",
    "conntrack -L --src-nat --dst-nat",
    "conntrack -L -p tcp --state ESTABLISHED",
    "conntrack -L -p tcp --state SYN_SENT",
    "conntrack -L -p tcp --state TIME_WAIT",
    "conntrack -L -u ASSURED",
    "conntrack -L -u UNREPLIED",
    "conntrack -L --status SEEN_REPLY",
    "conntrack -L -u SEEN_REPLY,ASSURED",
    "conntrack -L -m 0",
    "conntrack -L -m 1",
    "conntrack -L --mark 0/0xff",
    "conntrack -L -f ipv4",
    "conntrack -L -f ipv6",
    "conntrack -L -p icmp --icmp-type 8",
    "conntrack -L -p icmp --icmp-id 4660",
    "conntrack -L -p udp -s 10.0.0.2 -d 198.51.100.53",
    "conntrack -L -s 192.0.2.99",
    "conntrack -G -p tcp -s 198.51.100.7 -d 203.0.113.1 --sport 51000 --dport 8080",
    "conntrack -G -p tcp -r 10.0.0.5 -q 198.51.100.7 --reply-port-src 80 --reply-port-dst 51000",
    "conntrack -G -p udp -s 10.0.0.2 -d 198.51.100.53 --sport 5000 --dport 53 -o extended",
    "conntrack -G -p tcp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2",
    "conntrack -C",
    "conntrack -L expect",
    "conntrack -S",
]

UPDATE = [
    "conntrack -U -p udp -m 7",
    "conntrack -L -m 7",
    "conntrack -L -m 7/0xf",
    "conntrack -U -p udp -m 7",
    "conntrack -U -s 192.0.2.99 -m 1",
    "conntrack -U -p tcp --dport 443 -m 0x10/0xf0",
    "conntrack -L -m 0x10",
    "conntrack -D -s 192.0.2.99",
    "conntrack -D -p udp -s 192.0.2.99",
]

BAD = [
    "conntrack -L --dport 80",
    "conntrack -L -p foo",
    "conntrack -L -p",
    "conntrack -L -s 10.0.0.300",
    "conntrack -L -s 10.0.0.0/33",
    "conntrack -L -r 10.0.0.0/24",
    "conntrack -L -p tcp --state BOGUS",
    "conntrack -L -z -p tcp",
    "conntrack -L -u FOO",
    "conntrack -L -u ASSURED,",
    "conntrack -L -o bogus",
    "conntrack -L -f ipx",
    "conntrack -L -X",
    "conntrack -L --bogus",
    "conntrack -L -D",
    "conntrack -L badtable",
    "conntrack -L dying",
    "conntrack -G -p tcp -s 192.0.2.1",
    "conntrack -G -s 192.0.2.1 -d 192.0.2.2",
    "conntrack -D -p tcp --sport",
    "conntrack -L --src-nat --any-nat",
    "conntrack -L --dst-nat 10.0.0.5:",
    "conntrack -L --dst-nat 10.0.0.5:99999",
    "conntrack -L -s 10.0.0.2 -f ipv6",
    "conntrack -F -s 10.0.0.2",
    "conntrack -C -p tcp",
    "conntrack -S -p tcp",
    "conntrack -E -t 10",
    "conntrack -I -p tcp -s 192.0.2.1 -d 192.0.2.2 --sport 1 --dport 2 --state ESTABLISHED",
    "conntrack -I -p tcp -s 192.0.2.1 -d 192.0.2.2 -t 10 --state ESTABLISHED",
    "conntrack -F expect",
    "conntrack -V",
]


def steps(h):
    t = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=2000, sisn=9000)
    t.c("S")
    t.s("SA")
    t.c("A")
    t.c("PA", b"GET / HTTP/1.0\r\n\r\n")
    t.s("A")
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.53", 53)
    u.c(b"query")
    u.s(b"answer")
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.1", ident=0x1234)
    e.request(1)
    e.reply(1)
    s = TcpConn(h, "lan", "wan", "10.0.0.6", 40000, "198.51.100.10", 443, cisn=100, sisn=500)
    s.c("S")
    for cmd in LIST + UPDATE + BAD:
        h.gw(cmd, check=False)
    h.gw("conntrack -L -z -p udp", check=False)
    h.gw("conntrack -L -z", check=False)
    h.gw("conntrack -L -p udp", check=False)
    # the backend changes; the established flow keeps its entry until conntrack -D removes it
    h.gw("iptables -t nat -R PREROUTING 1 -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:80")
    t.c("PA", b"more")          # still to 10.0.0.5
    t.s("A")
    h.gw("conntrack -D -p tcp --orig-port-dst 8080", check=False)
    h.gw("conntrack -L -p tcp --orig-port-dst 8080", check=False)
    t2 = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=t.cseq, sisn=t.sseq)
    t2.c("PA", b"after delete")  # tcp_loose: picked up mid-stream, NATed by the new rule
    t2.s("A")
    h.gw("conntrack -L -p tcp --orig-port-dst 8080", check=False)
    h.gw("conntrack -D -p tcp --dport 8080 -o extended", check=False)
    h.gw("conntrack -F", check=False)
    h.gw("conntrack -L", check=False)
    h.gw("conntrack -C", check=False)
    h.gw("conntrack -D", check=False)
    h.gw("conntrack -F", check=False)
