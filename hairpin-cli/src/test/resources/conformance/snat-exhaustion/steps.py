"""snat-exhaustion: SNAT with too few ports (single-port ranges, so the search is deterministic:
with several ports SNAT starts at a random offset and how many taken tuples it meets, conntrack
-S `found`, varies from run to run): one address and port (the second flow finds it taken:
dropped at confirmation), an address range with one port each (the address is the hash of the
source (--persistent), so a source whose address is taken does not fall back to the other one);
then a freed port (conntrack -D) is taken again."""
from scapy.all import IP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
WAN_IPS = ["198.51.100.10", "198.51.100.11", "198.51.100.12"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -p udp --dport 53 -j SNAT --to-source 203.0.113.1:40000",
    "iptables -t nat -A POSTROUTING -o eth1 -p udp --dport 161 -j SNAT --to-source 203.0.113.2-203.0.113.3:42000 --persistent",
]


def send(h, src, sport, dst, dport, data):
    h.send("lan", IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(data))
    return h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == data, what=data.decode(), missing_ok=True)


def steps(h):
    for i, src in enumerate(["10.0.0.2", "10.0.0.3", "10.0.0.4"]):
        send(h, src, 5000, "198.51.100.10", 53, b"dns-%d" % i)
    for i, src in enumerate(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]):
        send(h, src, 7000, "198.51.100.12", 161, b"snmp-%d" % i)
    h.gw("conntrack -L")
    h.gw("conntrack -S")
    h.gw("conntrack -D -p udp --orig-src 10.0.0.2 --orig-port-dst 53")
    send(h, "10.0.0.4", 5000, "198.51.100.10", 53, b"dns-again")
    h.gw("conntrack -L -p udp --orig-port-dst 53")
