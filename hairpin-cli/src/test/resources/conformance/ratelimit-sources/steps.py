"""ratelimit-sources: per-source limits with several sources: hashlimit by source /24
(--hashlimit-srcmask), by destination address and port, above/upto with bursts and a short
--hashlimit-htable-expire; connlimit counting by destination (--connlimit-daddr) and by a /24
of sources (--connlimit-mask 24 --connlimit-upto); recent with --mask 255.255.255.0, --rttl,
--remove and two lists."""
from flows import TcpConn, UdpFlow
from scapy.all import IP, TCP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.130"]
WAN_IPS = ["198.51.100.10", "198.51.100.11", "198.51.100.20", "198.51.100.21", "198.51.100.140", "203.0.113.50"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 2222 -j DNAT --to-destination 10.0.0.2:22",
    # UDP from the LAN: 2 per second per /24 of sources, burst 3, entries gone after 2 s idle
    "iptables -A FORWARD -i eth0 -p udp --dport 53 -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-mode srcip --hashlimit-srcmask 24 --hashlimit-htable-expire 2000 --hashlimit-name dns -j ACCEPT",
    "iptables -A FORWARD -i eth0 -p udp --dport 53 -j DROP",
    # UDP to NTP servers: above 1/sec per destination address and port, burst 2
    "iptables -A FORWARD -i eth0 -p udp --dport 123 -m hashlimit --hashlimit-above 1/sec --hashlimit-burst 2 --hashlimit-mode dstip,dstport --hashlimit-name ntp -j DROP",
    # new SSH from the WAN: at most 2 per destination (connlimit-daddr), 1 per source /24
    "iptables -A FORWARD -i eth1 -p tcp --syn --dport 22 -m connlimit --connlimit-above 2 --connlimit-daddr -j REJECT --reject-with tcp-reset",
    "iptables -A FORWARD -i eth1 -p tcp --syn --dport 22 -m connlimit --connlimit-upto 1 --connlimit-mask 24 -j ACCEPT",
    "iptables -A FORWARD -i eth1 -p tcp --syn --dport 22 -j DROP",
    # recent: a /24 of sources on list 'seen', a 'bad' list with --rttl, --remove on port 9
    "iptables -A FORWARD -i eth1 -p udp --dport 9 -m recent --name seen --mask 255.255.255.0 --remove -j DROP",
    "iptables -A FORWARD -i eth1 -p udp --dport 7 -m recent --name seen --mask 255.255.255.0 --rcheck --hitcount 2 -j DROP",
    "iptables -A FORWARD -i eth1 -p udp --dport 7 -m recent --name seen --mask 255.255.255.0 --set",
    "iptables -A FORWARD -i eth1 -p udp --dport 8 -m recent --name bad --rcheck --rttl -j DROP",
    "iptables -A FORWARD -i eth1 -p udp --dport 8 -m recent --name bad --set",
    "iptables -A FORWARD -i eth1 -p udp --dport 8 -m recent --name seen --update --mask 255.255.255.0",
]


def udp(h, side, src, sport, dst, dport, data, ttl=64):
    h.send(side, IP(src=src, dst=dst, ttl=ttl) / UDP(sport=sport, dport=dport) / Raw(data))


def fwd(h, side, data, what):
    return h.expect(side, lambda q: UDP in q and bytes(q[UDP].payload) == data, what=what, missing_ok=True)


def steps(h):
    # A) DNS burst from 10.0.0.2 and 10.0.0.3 (same /24: one bucket of 3), 10.0.0.130 (same /24
    #    too: the mask is 24); after 1.1 s two more tokens; after 2.5 s idle the entry is gone
    n = 0
    for src in ["10.0.0.2", "10.0.0.3", "10.0.0.2", "10.0.0.130", "10.0.0.3"]:
        n += 1
        d = b"dns%d" % n
        udp(h, "lan", src, 5000 + n, "198.51.100.10", 53, d)
        fwd(h, "wan", d, "dns %d from %s" % (n, src))
    h.sleep(1.1, "refill")
    for src in ["10.0.0.2", "10.0.0.3", "10.0.0.2"]:
        n += 1
        d = b"dns%d" % n
        udp(h, "lan", src, 5000 + n, "198.51.100.10", 53, d)
        fwd(h, "wan", d, "dns %d from %s" % (n, src))
    h.sleep(2.6, "idle: the hashlimit entry expires")
    for src in ["10.0.0.2", "10.0.0.2", "10.0.0.2", "10.0.0.2"]:
        n += 1
        d = b"dns%d" % n
        udp(h, "lan", src, 5000 + n, "198.51.100.10", 53, d)
        fwd(h, "wan", d, "dns %d after expiry" % n)
    # B) NTP: per destination: .10 gets 2 then drops, .11 its own bucket
    for dst in ["198.51.100.10", "198.51.100.10", "198.51.100.10", "198.51.100.11", "198.51.100.11"]:
        n += 1
        d = b"ntp%d" % n
        udp(h, "lan", "10.0.0.2", 6000 + n, dst, 123, d)
        fwd(h, "wan", d, "ntp %d to %s" % (n, dst))
    # C) SSH through DNAT: 198.51.100.20 opens one; .21 (same /24) is refused by the mask rule
    #    (DROP); 203.0.113.50 (another /24) opens one; a third to the same destination is REJECTed
    a = TcpConn(h, "wan", "lan", "198.51.100.20", 41000, "203.0.113.1", 2222, cisn=1000, sisn=5000)
    a.handshake()
    b = TcpConn(h, "wan", "lan", "198.51.100.21", 41001, "203.0.113.1", 2222, cisn=2000, sisn=6000)
    b.c("S", missing_ok=True)
    c = TcpConn(h, "wan", "lan", "203.0.113.50", 41002, "203.0.113.1", 2222, cisn=3000, sisn=7000)
    c.handshake()
    d = TcpConn(h, "wan", "lan", "198.51.100.11", 41003, "203.0.113.1", 2222, cisn=4000, sisn=8000)
    d.c("S", missing_ok=True)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="connlimit-daddr reject", missing_ok=True)
    # D) recent: 198.51.100.20 and .21 share a /24 stamp: the second hit on port 7 is dropped;
    #    --remove on port 9 clears it; --rttl: a different TTL is not the same sender
    udp(h, "wan", "198.51.100.20", 7000, "10.0.0.2", 7, b"echo1")
    fwd(h, "lan", b"echo1", "echo 1")
    udp(h, "wan", "198.51.100.21", 7001, "10.0.0.2", 7, b"echo2")
    fwd(h, "lan", b"echo2", "echo 2 (same /24: hitcount 2)")
    udp(h, "wan", "198.51.100.20", 7002, "10.0.0.2", 7, b"echo3")
    fwd(h, "lan", b"echo3", "echo 3")
    udp(h, "wan", "198.51.100.21", 7003, "10.0.0.2", 9, b"discard")
    fwd(h, "lan", b"discard", "discard (removes the /24)")
    udp(h, "wan", "198.51.100.20", 7004, "10.0.0.2", 7, b"echo4")
    fwd(h, "lan", b"echo4", "echo 4 after --remove")
    udp(h, "wan", "198.51.100.140", 7005, "10.0.0.2", 8, b"chargen1", ttl=50)
    fwd(h, "lan", b"chargen1", "chargen 1 ttl 50")
    udp(h, "wan", "198.51.100.140", 7006, "10.0.0.2", 8, b"chargen2", ttl=40)
    fwd(h, "lan", b"chargen2", "chargen 2 ttl 40 (--rttl: not the same)")
    udp(h, "wan", "198.51.100.140", 7007, "10.0.0.2", 8, b"chargen3", ttl=40)
    fwd(h, "lan", b"chargen3", "chargen 3 ttl 40")
    h.gw("conntrack -L")
