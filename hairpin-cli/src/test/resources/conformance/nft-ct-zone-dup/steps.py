"""nft-ct-zone-dup: `ct zone set` and `ct original zone set` in a prerouting chain at priority
raw (nft_ct_set_zone_eval: a conntrack template with the zone, before conntrack looks the packet
up) with masquerade: both directions zoned (the entry lives in zone 5), the original direction
only (the reply tuple in zone 0, where the plain reply finds it), and a zone for the original
direction whose reply is not zoned (it misses the entry: a new one in zone 0, the gateway answers
port unreachable). `dup to ADDR` (nf_dup_ipv4, what TEE does) in prerouting (a clone before NAT
to a LAN host) and `dup to ADDR device "eth1"` in forward (a clone out eth1 before masquerade)."""
from flows import UdpFlow
from scapy.all import IP, UDP, ICMP, Raw

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.9"]
WAN_IPS = ["198.51.100.10", "198.51.100.9"]
SETUP = [
    """nft -f - <<'EOF'
table ip z {
	chain raw {
		type filter hook prerouting priority raw; policy accept;
		iifname "eth0" udp dport 53 ct zone set 5
		iifname "eth1" udp sport 53 ct zone set 5
		iifname "eth0" udp dport 54 ct original zone set 6
		iifname "eth0" udp dport 56 ct zone set 7
		iifname "eth0" udp dport 7000 dup to 10.0.0.9
	}
	chain fw {
		type filter hook forward priority filter; policy accept;
		udp dport 7002 counter dup to 198.51.100.9 device "eth1"
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
]
SRV = "198.51.100.10"


def clone_on(h, side, data):
    h.expect(side, lambda q: UDP in q and bytes(q[UDP].payload) == data and q[IP].flags.DF, what="clone %r" % data)


def steps(h):
    # A) zone 5 both ways
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, SRV, 53)
    a.c(b"z5")
    a.s(b"z5r")
    # B) the original direction in zone 6, the reply tuple in zone 0
    b = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, SRV, 54)
    b.c(b"z6")
    b.s(b"z6r")
    # C) zone 7 out, the reply unzoned: no entry in zone 0 has it, the gateway answers
    c = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, SRV, 56)
    c.c(b"z7")
    h.send("wan", IP(src=SRV, dst="203.0.113.1") / UDP(sport=56, dport=5002) / Raw(b"z7r"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable for z7r")
    # D) dup in prerouting: a clone to 10.0.0.9 (before NAT), then the original
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / UDP(sport=5003, dport=7000) / Raw(b"d1"))
    clone_on(h, "lan", b"d1")
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"d1", what="d1 original")
    # E) dup in forward out eth1: the clone leaves un-NATed, then the masqueraded original
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / UDP(sport=5004, dport=7002) / Raw(b"e1"))
    clone_on(h, "wan", b"e1")
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"e1" and q[IP].src == "203.0.113.1",
             what="e1 original")
    h.gw("conntrack -L")
