"""connlimit-recent-broadcast: classic router protections on a DNATed SSH port and the LAN's
broadcasts: `-m connlimit --connlimit-above 2` (per source) rejecting with tcp-reset, `-m recent
--set` / `--update --seconds 60 --hitcount 4` dropping the 4th new connection of a source within
a minute, and broadcasts/multicast from the LAN (subnet broadcast, 255.255.255.255, 224.0.0.1: tracked,
delivered to the gateway, never answered; 224.0.0.251, a group the gateway did not join: dropped
by routing, no entry)."""
from flows import TcpConn
from scapy.all import IP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.7", "198.51.100.8"]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 2222 -j DNAT --to-destination 10.0.0.5:22",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "iptables -A FORWARD -i eth1 -p tcp --dport 22 -m conntrack --ctstate NEW -m connlimit --connlimit-above 2 --connlimit-mask 32 -j REJECT --reject-with tcp-reset",
    "iptables -A FORWARD -i eth1 -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name ssh --update --seconds 60 --hitcount 4 --rsource -j DROP",
    "iptables -A FORWARD -i eth1 -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name ssh --set --rsource -j ACCEPT",
    "iptables -A FORWARD -i eth0 -j ACCEPT",
    "iptables -P FORWARD DROP",
    "iptables -A INPUT -i eth0 -p udp -m addrtype --dst-type BROADCAST",
    "iptables -A INPUT -i eth0 -p udp -m addrtype --dst-type MULTICAST",
    "iptables -A INPUT -i eth0 -p udp -m pkttype --pkt-type broadcast",
]


def steps(h):
    conns = []
    # A) 198.51.100.7 opens three SSH connections (all established): the third is over the limit
    for i in range(3):
        t = TcpConn(h, "wan", "lan", "198.51.100.7", 50000 + i, "203.0.113.1", 2222, cisn=1000 * (i + 1), sisn=90000 + i)
        if i < 2:
            t.handshake()
            conns.append(t)
        else:
            t.c("S", expect=False)
            h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from connlimit REJECT")
    # B) the first two close; two more SYNs: recent has seen 3 (A's SYNs: 2 accepted + the
    #    rejected one never reached --set), so the 3rd --set hit, then the 4th new is dropped
    for t in conns:
        t.c("FA")
        t.s("FA")
        t.c("A")
    for i in range(2):
        t = TcpConn(h, "wan", "lan", "198.51.100.7", 50010 + i, "203.0.113.1", 2222, cisn=5000 + i, sisn=7000 + i)
        t.c("S", expect=False)
        h.expect("lan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN %d" % i, timeout=0.6, missing_ok=True)
    # C) another source is unaffected
    u = TcpConn(h, "wan", "lan", "198.51.100.8", 52000, "203.0.113.1", 2222, cisn=100, sisn=200)
    u.handshake()
    # D) broadcasts and multicast from the LAN: tracked, local, unanswered
    for dst in ("10.0.0.255", "255.255.255.255", "224.0.0.251", "224.0.0.1"):
        h.send("lan", IP(src="10.0.0.2", dst=dst, ttl=1 if dst.startswith("224") else 64) / UDP(sport=5353, dport=5353) / Raw(b"hello"))
    h.expect_nothing("lan", 0.4, "no answer to broadcasts")
    h.gw("conntrack -L")
