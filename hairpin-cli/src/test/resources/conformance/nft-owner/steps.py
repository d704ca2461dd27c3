"""nft-owner: nftables' `meta skuid` / `meta skgid` on the gateway's own packets
(nft_meta_get_eval_skugid): a process's socket (root's) compares its uid/gid; the stack's RST and
echo reply (kernel control sockets, no file) and a closed socket's last ACK make the expression
break, so `meta skuid != 0` does not match them either (unlike iptables' `! --uid-owner 0`).
LOCAL scenario."""
from flows import GwTcpClient
from scapy.all import IP, TCP, ICMP, Raw

NFT = True
LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
SETUP = [
    """nft -f - <<'EOF'
table ip own {
	chain out {
		type filter hook output priority filter; policy accept;
		meta skuid 0 counter
		meta skuid != 0 counter
		meta skgid 0 counter
		meta skgid != 0 counter
		meta skuid 1000-2000 counter
		meta skuid != 1000-2000 counter
		counter
	}
}
EOF""",
]


def steps(h):
    g = GwTcpClient(h, "wan", ("198.51.100.10", 80), bind=("", 45000), sisn=20000, name="client")
    if g.connect("198.51.100.10", 80):
        g.send(b"GET /")
        g.respond(b"200")
        g.close()
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / TCP(sport=41000, dport=23, flags="S", seq=1))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST from the stack")
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / ICMP(type=8, id=7, seq=1) / Raw(b"ping"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply")
