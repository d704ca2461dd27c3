"""nft-quota: nftables' quota statement (nft_quota.c): `quota over 100 bytes drop` lets datagrams
through until the bytes it saw pass 100 (each packet's IP length counts, the one reaching 100
exactly is not over), `quota 100 bytes accept` accepts until then and breaks after (the next rule
drops); the listing after the run shows `used` capped at the quota."""
from flows import UdpFlow

NFT = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip q {
	chain forw {
		type filter hook forward priority filter; policy accept;
		udp dport 7000 quota over 100 bytes counter drop
		udp dport 7001 quota 100 bytes counter accept
		udp dport 7001 counter drop
		udp dport 7002 quota 1 kbytes counter accept
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
]
SRV = "198.51.100.10"
PAY = b"x" * 22  # 50-byte datagrams


def steps(h):
    for port in (7000, 7001):
        u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000 + port - 7000, SRV, port)
        for i in range(4):
            u.c(PAY, expect=i < 2)
            if i >= 2:
                h.expect_nothing("wan", 0.3, "datagram %d to %d: over the quota" % (i + 1, port))
    w = UdpFlow(h, "lan", "wan", "10.0.0.2", 5002, SRV, 7002)
    w.c(PAY)
    w.c(PAY)
