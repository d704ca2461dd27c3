"""nft-natmap-limit-over: nftables statements the front-end refused before: a NAT map with a
concatenated key and value (`dnat ip to ip saddr . tcp dport map { A . P : B . Q }`, hit by two
elements, missed by a port and by a source), a negated concatenated set (`ip saddr . tcp dport
!= { ... } tcp dport 22 drop`: only the listed source may reach port 22), `limit rate over`
(nft_limit with NFT_LIMIT_F_INV: the bucket is the same, the rule matches when it is empty) and
`meta nftrace set 1` (marks for tracing, nothing else)."""
import time
from flows import TcpConn, Echo
from scapy.all import TCP, ICMP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]
WAN_IPS = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip nm {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "eth1" dnat ip to ip saddr . tcp dport map { 198.51.100.7 . 8080 : 10.0.0.5 . 80, 198.51.100.8 . 8080 : 10.0.0.6 . 8000 }
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
	chain fw {
		type filter hook forward priority filter; policy accept;
		tcp dport 22 meta nftrace set 1
		ip saddr . tcp dport != { 10.0.0.2 . 22, 10.0.0.4 . 2222 } tcp dport 22 counter drop
		icmp type echo-request limit rate over 2/second burst 2 packets counter drop
		icmp type echo-request counter accept
	}
}
EOF""",
]


def steps(h):
    # A) 198.51.100.7 -> gw:8080: the element 198.51.100.7 . 8080 -> 10.0.0.5:80
    a = TcpConn(h, "wan", "lan", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=5000)
    a.handshake()
    a.c("PA", b"a")
    # B) 198.51.100.8 -> gw:8080: -> 10.0.0.6:8000
    b = TcpConn(h, "wan", "lan", "198.51.100.8", 51001, "203.0.113.1", 8080, cisn=1100, sisn=5100)
    b.handshake()
    # C) 198.51.100.7 -> gw:8081: no element, not DNATed: the gateway answers RST
    c = TcpConn(h, "wan", "lan", "198.51.100.7", 51002, "203.0.113.1", 8081, cisn=1200)
    c.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R and q[TCP].sport == 8081, what="RST from :8081")
    # D) 198.51.100.9 -> gw:8080: a source in no element: RST
    d = TcpConn(h, "wan", "lan", "198.51.100.9", 51003, "203.0.113.1", 8080, cisn=1300)
    d.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R and q[TCP].dport == 51003, what="RST to .9")
    # E) 10.0.0.2 -> :22 is an element of the negated set: forwarded, masqueraded
    e = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 22, cisn=2000, sisn=6000)
    e.handshake()
    # F) 10.0.0.3 -> :22 and 10.0.0.4 -> :22 (4 is an element with port 2222 only): dropped
    f = TcpConn(h, "lan", "wan", "10.0.0.3", 40001, "198.51.100.10", 22, cisn=2100)
    f.c("S", expect=False)
    h.expect_nothing("wan", 0.4, "10.0.0.3 . 22 is in no element: drop")
    g = TcpConn(h, "lan", "wan", "10.0.0.4", 40002, "198.51.100.10", 22, cisn=2200)
    g.c("S", expect=False)
    h.expect_nothing("wan", 0.4, "10.0.0.4 . 22 is in no element: drop")
    # G) 10.0.0.4 -> :2222 passes (tcp dport 22 does not hold)
    k = TcpConn(h, "lan", "wan", "10.0.0.4", 40003, "198.51.100.10", 2222, cisn=2300, sisn=6300)
    k.handshake()
    # H) six echo requests ~0.1 s apart: the bucket holds two, `over` drops when it is empty
    p = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.10", 77)
    for seq in range(1, 7):
        p.request(seq, expect=False)
        h.expect("wan", lambda q, s=seq: ICMP in q and q[ICMP].type == 8 and q[ICMP].seq == s,
                 what="echo request %d" % seq, timeout=0.3, missing_ok=True)
    time.sleep(1.1)
    for seq in range(7, 10):
        p.request(seq, expect=False)
        h.expect("wan", lambda q, s=seq: ICMP in q and q[ICMP].type == 8 and q[ICMP].seq == s,
                 what="echo request %d" % seq, timeout=0.3, missing_ok=True)
    h.gw("conntrack -L")
