"""nft-dynset-preloaded: dynamic sets that hold elements before the traffic (a block list written
by a script, a per-flow counter carried over): `ip saddr @blocked drop` drops the preloaded
sources from the first packet, `tcp dport 9999 add @blocked { ip saddr }` adds one more; `udp
dport 9000 add @seen { ip saddr . udp dport counter }` goes on counting on an element that came
with `counter packets 3 bytes 90` and starts a new one at zero; the listing after the run."""
from flows import UdpFlow, TcpConn
from scapy.all import TCP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip pl {
	set blocked {
		type ipv4_addr
		flags dynamic
		elements = { 10.0.0.3, 10.0.0.4 }
	}
	set seen {
		type ipv4_addr . inet_service
		flags dynamic
		elements = { 10.0.0.2 . 9000 counter packets 3 bytes 90 }
	}
	chain forw {
		type filter hook forward priority filter; policy accept;
		ip saddr @blocked counter drop
		tcp dport 9999 add @blocked { ip saddr } counter drop
		udp dport 9000 add @seen { ip saddr . udp dport counter }
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
]
SRV = "198.51.100.10"


def steps(h):
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, SRV, 9000)
    a.c(b"a1")
    a.c(b"a2")
    b = UdpFlow(h, "lan", "wan", "10.0.0.3", 5001, SRV, 9000)
    b.c(b"b1", expect=False)
    h.expect_nothing("wan", 0.3, "10.0.0.3 is preloaded in @blocked")
    c = UdpFlow(h, "lan", "wan", "10.0.0.5", 5002, SRV, 9000)
    c.c(b"c1")
    d = TcpConn(h, "lan", "wan", "10.0.0.5", 5003, SRV, 9999, cisn=100)
    d.c("S", expect=False)
    h.expect_nothing("wan", 0.3, "the add drops and blocks 10.0.0.5")
    c.c(b"c2", expect=False)
    h.expect_nothing("wan", 0.3, "10.0.0.5 is blocked now")
