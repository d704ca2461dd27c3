"""nft-statement-maps: a statement's value from a map, as multi-LAN and policy configs write it:
`ct zone set iifname map { "eth0" : 5, "eth1" : 5 }` (prerouting, priority raw: every entry in
zone 5, both ways), `meta mark set udp dport map { 53 : 0x1, 54 : 0x2 } counter` and `ct mark set
ip saddr . udp dport map { 10.0.0.2 . 53 : 0x10, 10.0.0.3 . 54 : 0x20 } counter` (a concatenated
key) in forward; a key in no element breaks the rule (its counter does not count, nothing is set);
postrouting counts by mark before masquerading."""
from flows import UdpFlow

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip sm {
	chain raw {
		type filter hook prerouting priority raw; policy accept;
		ct zone set iifname map { "eth0" : 5, "eth1" : 5 }
	}
	chain forw {
		type filter hook forward priority mangle; policy accept;
		meta mark set udp dport map { 53 : 0x00000001, 54 : 0x00000002 } counter
		ct mark set ip saddr . udp dport map { 10.0.0.2 . 53 : 0x00000010, 10.0.0.3 . 54 : 0x00000020 } counter
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" meta mark 0x00000001 counter masquerade
		oifname "eth1" meta mark 0x00000002 counter masquerade
		oifname "eth1" counter masquerade
	}
}
EOF""",
]
SRV = "198.51.100.10"


def steps(h):
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, SRV, 53)
    a.c(b"a")
    a.s(b"ar")
    b = UdpFlow(h, "lan", "wan", "10.0.0.3", 5001, SRV, 54)
    b.c(b"b")
    b.s(b"br")
    c = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, SRV, 54)
    c.c(b"c")
    d = UdpFlow(h, "lan", "wan", "10.0.0.3", 5003, SRV, 55)
    d.c(b"d")
    h.gw("conntrack -L")
