"""ipset-traffic: ipsets matched by traffic (fail2ban, blocklists, port knocking, service sets):
hash:net with a nomatch exception, hash:ip with a timeout (fail2ban ban that expires),
hash:ip,port matched dst,dst, bitmap:port with counters and --packets-gt, `-j SET --add-set
--exist --timeout` (knock) and `--del-set`, `! --match-set`, `--return-nomatch`. The sets and
the rules naming them are made by mid-run actions (the snapshot holds no sets)."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, TCP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.11", "198.51.100.12", "198.51.100.65", "198.51.100.66", "198.51.100.70", "198.51.100.99", "198.51.100.20"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
ACTIONS = [
    "ipset create blocklist hash:net",
    "ipset add blocklist 198.51.100.64/26",
    "ipset add blocklist 198.51.100.70 nomatch",
    "ipset create f2b-sshd hash:ip timeout 3",
    "ipset create svc hash:ip,port",
    "ipset add svc 10.0.0.2,tcp:80",
    "ipset add svc 10.0.0.2,udp:53",
    "ipset create knock hash:ip timeout 5",
    "ipset create hiports bitmap:port range 1000-2000 counters",
    "ipset add hiports 1500",
    "ipset add hiports 1600-1610",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 8080 -m set --match-set knock src -j DNAT --to-destination 10.0.0.2:80",
    "iptables -A INPUT -p udp --dport 9999 -j SET --add-set knock src --exist --timeout 5",
    "iptables -A INPUT -p udp --dport 9998 -j SET --del-set knock src",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "iptables -A FORWARD -m set --match-set blocklist src --return-nomatch -j LOG --log-prefix nomatch-exception",
    "iptables -A FORWARD -m set --match-set blocklist src -j DROP",
    "iptables -A FORWARD -p tcp --dport 22 -m set --match-set f2b-sshd src -j REJECT --reject-with icmp-port-unreachable",
    "iptables -A FORWARD -m set --match-set svc dst,dst -j ACCEPT",
    "iptables -A FORWARD -i eth0 -p udp -m set --match-set hiports dst --packets-gt 2 -j DROP",
    "iptables -A FORWARD -i eth0 -p udp -m set --match-set hiports dst ! --update-counters -j ACCEPT",
    "iptables -A FORWARD -i eth0 -m set ! --match-set svc dst,dst -j ACCEPT",
    "iptables -A FORWARD -p tcp --dport 22 -j ACCEPT",
    "iptables -A FORWARD -j DROP",
]


def syn(h, src, sport, dst, dport, seq=1000):
    h.send("wan", IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S", seq=seq))


def steps(h):
    for a in ACTIONS:
        h.gw(a)
    # A) blocklist: 198.51.100.65 is in 198.51.100.64/26: dropped; .70 is a nomatch exception
    syn(h, "198.51.100.65", 41000, "10.0.0.2", 80)
    h.expect_nothing("lan", 0.4, "blocklisted")
    syn(h, "198.51.100.66", 41002, "10.0.0.2", 80)
    h.expect_nothing("lan", 0.4, "blocklisted (--return-nomatch does not match a plain element)")
    t = TcpConn(h, "wan", "lan", "198.51.100.70", 41001, "10.0.0.2", 80, cisn=2000, sisn=9000)
    t.handshake()
    t.c("RA")
    # B) fail2ban: a ban with a 3 s timeout on ssh; REJECTed while it lasts, then let through
    h.gw("ipset add f2b-sshd 198.51.100.11")
    syn(h, "198.51.100.11", 42000, "10.0.0.2", 22)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="banned: port unreachable")
    h.gw("ipset test f2b-sshd 198.51.100.11", check=False)
    h.sleep(3.3, "the ban expires")
    h.gw("ipset test f2b-sshd 198.51.100.11", check=False)
    s = TcpConn(h, "wan", "lan", "198.51.100.11", 42001, "10.0.0.2", 22, cisn=3000, sisn=8000)
    s.handshake()
    s.c("RA")
    # C) port knocking: 8080 is closed (the gateway answers RST) until a datagram to 9999 adds
    #    the source to `knock`; then 8080 is DNATed to 10.0.0.2:80; 9998 removes it again
    syn(h, "198.51.100.12", 43000, "203.0.113.1", 8080)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="closed before the knock")
    h.send("wan", IP(src="198.51.100.12", dst="203.0.113.1") / UDP(sport=43001, dport=9999) / Raw(b"knock"))
    h.expect("wan", lambda q: ICMP in q, what="port unreachable for the knock", missing_ok=True)
    k = TcpConn(h, "wan", "lan", "198.51.100.12", 43002, "203.0.113.1", 8080, cisn=4000, sisn=7000)
    k.handshake()
    k.c("PA", b"GET /")
    k.s("PA", b"200 OK")
    h.send("wan", IP(src="198.51.100.12", dst="203.0.113.1") / UDP(sport=43003, dport=9998) / Raw(b"close"))
    h.expect("wan", lambda q: ICMP in q, what="port unreachable for the close", missing_ok=True)
    syn(h, "198.51.100.12", 43004, "203.0.113.1", 8080)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="closed again")
    k.c("PA", b"still")       # the established connection goes on
    # D) service set dst,dst: LAN -> 10.0.0.2 udp 53 from the WAN side is accepted by svc;
    #    udp 54 is not in it
    u = UdpFlow(h, "wan", "lan", "198.51.100.20", 44000, "10.0.0.2", 53)
    u.c(b"q")
    u.s(b"a")
    h.send("wan", IP(src="198.51.100.20", dst="10.0.0.2") / UDP(sport=44001, dport=54) / Raw(b"x"))
    h.expect_nothing("lan", 0.4, "not in svc: policy drop")
    # E) bitmap:port with counters: LAN UDP to WAN port 1605, the third new flow is dropped
    #    (--packets-gt 2 counts the set element's packets); ports outside the set go through
    for i in range(4):
        h.send("lan", IP(src="10.0.0.3", dst="198.51.100.99") / UDP(sport=45000 + i, dport=1605) / Raw(b"p%d" % i))
        h.expect("wan", lambda q, i=i: UDP in q and bytes(q[UDP].payload) == b"p%d" % i,
                 what="hiports %d" % i, missing_ok=True)
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.99") / UDP(sport=45010, dport=2500) / Raw(b"out"))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 2500, what="outside the bitmap")
    h.gw("ipset list hiports")
    h.gw("ipset list svc")
    h.gw("ipset save blocklist")
    h.gw("conntrack -L")
