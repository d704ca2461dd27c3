"""nft-dynset-update: `update @set` moves an element's expiry on at every packet, `add @set`
leaves it: two sets with a 1 s timeout fed by the same three datagrams 0.4 s apart; 1.2 s after the first
the source is still in the updated set (port 6001 opens) and no longer in the added one (port
6002 stays shut: its element expired 1 s after it was made); a second later both are gone.
(An `add` after its element expired makes a new one.)"""
import time
from flows import UdpFlow

NFT = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip du {
	set upd {
		type ipv4_addr
		flags dynamic,timeout
		timeout 1s
	}
	set added {
		type ipv4_addr
		flags dynamic,timeout
		timeout 1s
	}
	chain forw {
		type filter hook forward priority filter; policy accept;
		udp dport 6000 update @upd { ip saddr }
		udp dport 6000 add @added { ip saddr } counter
		udp dport 6001 ip saddr @upd counter accept
		udp dport 6002 ip saddr @added counter accept
		udp dport { 6001, 6002 } counter drop
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
    feed = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, SRV, 6000)
    for i in range(3):
        feed.c(b"feed%d" % i)
        time.sleep(0.3)
    # ~1.2 s after the first datagram, ~0.4 s after the last
    a = UdpFlow(h, "lan", "wan", "10.0.0.2", 5001, SRV, 6001)
    a.c(b"upd-open")
    b = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, SRV, 6002)
    b.c(b"added-expired", expect=False)
    h.expect_nothing("wan", 0.3, "the added element expired 1 s after it was made")
    time.sleep(1.2)
    c = UdpFlow(h, "lan", "wan", "10.0.0.2", 5003, SRV, 6001)
    c.c(b"upd-expired", expect=False)
    h.expect_nothing("wan", 0.3, "no update for 1 s: expired")
