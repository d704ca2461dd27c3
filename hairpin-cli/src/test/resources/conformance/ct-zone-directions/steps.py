"""ct-zone-directions: the raw table's CT --zone, --zone-orig, --zone-reply and `--zone mark`
with MASQUERADE: one tuple tracked twice in two zones; a zone for the original direction only
(the reply tuple lives in zone 0, where NAT finds it taken); a zone for the reply direction only
(a plain reply misses the entry); the zone from the packet's mark (16 bits)."""
from scapy.all import IP, UDP, ICMP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 53 -m tos --tos 0x10 -j CT --zone 1",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --sport 53 -m tos --tos 0x10 -j CT --zone 1",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 54 -m tos --tos 0x10 -j CT --zone-orig 2",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 55 -j CT --zone-reply 3",
    "iptables -t raw -A PREROUTING -i eth1 -p udp --sport 55 -m tos --tos 0x10 -j CT --zone 3",
    "iptables -t raw -A PREROUTING -p udp --dport 56 -j MARK --set-mark 0x10007",
    "iptables -t raw -A PREROUTING -p udp --sport 56 -j MARK --set-mark 0x7",
    "iptables -t raw -A PREROUTING -p udp -m udp --dport 56 -j CT --zone mark",
    "iptables -t raw -A PREROUTING -p udp -m udp --sport 56 -j CT --zone mark",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 57 -j MARK --set-mark 0x4",
    "iptables -t raw -A PREROUTING -i eth0 -p udp --dport 57 -j CT --zone-orig mark",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m mark --mark 0x10007",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
]

SRV = "198.51.100.10"
GW = "203.0.113.1"


def c(h, sport, dport, data, tos=0):
    h.send("lan", IP(src="10.0.0.2", dst=SRV, tos=tos) / UDP(sport=sport, dport=dport) / Raw(data))
    return h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == data, what="out %r" % data)


def s(h, got, data, tos=0, expect=True):
    h.send("wan", IP(src=SRV, dst=got[IP].src, tos=tos) / UDP(sport=got[UDP].dport, dport=got[UDP].sport)
           / Raw(data))
    if expect:
        return h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == data, what="back %r" % data)
    return None


def steps(h):
    # A) one tuple in zone 0 and in zone 1: both keep port 5000 (no clash across zones)
    a0 = c(h, 5000, 53, b"zone0")
    a1 = c(h, 5000, 53, b"zone1", tos=0x10)
    s(h, a0, b"zone0-reply")
    s(h, a1, b"zone1-reply", tos=0x10)
    # B) zone 0 first, then the same tuple with --zone-orig 2: a new entry (zone 2 lookup), but its
    #    reply tuple lives in zone 0 where the first entry holds it: the port is remapped
    b0 = c(h, 5001, 54, b"orig0")
    b2 = c(h, 5001, 54, b"orig2", tos=0x10)
    s(h, b0, b"orig0-reply")
    s(h, b2, b"orig2-reply")
    # C) --zone-reply 3: a plain reply (zone 0) misses the entry, is delivered to the gateway
    #    (port unreachable); a reply put in zone 3 finds it
    c3 = c(h, 5002, 55, b"reply3")
    s(h, c3, b"reply3-zone3", tos=0x10)
    s(h, c3, b"reply3-zone0", expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable (zone 0 reply)")
    # D) --zone mark: mark 0x10007 -> zone 7 both ways; the reply marked 7 finds it
    d7 = c(h, 5003, 56, b"mark7")
    s(h, d7, b"mark7-reply")
    # E) --zone-orig mark (mark 4): reply in zone 0 finds it
    e4 = c(h, 5004, 57, b"origmark4")
    s(h, e4, b"origmark4-reply")
    h.gw("conntrack -L")
    h.gw("conntrack -L -w 1")
    h.gw("conntrack -L -w 2")
    h.gw("conntrack -L -w 7")
    h.gw("conntrack -L -o extended")
