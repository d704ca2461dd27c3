"""redirect-unreachable: the gateway's own ICMP errors about packets it REDIRECTed or DNATed to
itself where nothing listens: UDP port unreachable for a REDIRECTed DNS query (the error is
RELATED to the REDIRECT entry: its source and quote are translated back to what the client
sent), protocol unreachable for a DNATed GRE packet, the same for UDP DNATed to 127.0.0.1 (with
route_localnet), and a REDIRECTed ping answered by the gateway."""
from scapy.all import IP, UDP, ICMP, GRE, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.7"]
SYSCTL = [("net.ipv4.conf.eth1.route_localnet", "1")]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth0 -p udp --dport 53 -j REDIRECT --to-ports 5353",
    "iptables -t nat -A PREROUTING -i eth0 -p icmp -d 198.51.100.99 -j REDIRECT",
    "iptables -t nat -A PREROUTING -i eth1 -p gre -j DNAT --to-destination 10.0.0.1",
    "iptables -t nat -A PREROUTING -i eth1 -p udp --dport 9000 -j DNAT --to-destination 127.0.0.1:9001",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A INPUT -m conntrack --ctstate NEW",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate RELATED",
    "iptables -A OUTPUT -p icmp -m conntrack --ctstate ESTABLISHED",
]


def steps(h):
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=40000, dport=53) / Raw(b"query"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable for the REDIRECTed query")
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.99") / ICMP(type=8, id=5, seq=1) / Raw(b"ping"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply for the REDIRECTed ping")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / GRE(proto=0x0800) / Raw(b"gre-payload"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="protocol unreachable for the DNATed GRE")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / UDP(sport=40001, dport=9000) / Raw(b"to-loopback"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable from 127.0.0.1:9001",
             missing_ok=True)
    h.gw("conntrack -L")
