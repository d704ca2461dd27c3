"""nft-dynset-connlimit: per-source state in dynamic sets and connection counting, as home-router
and VPN nft configs write them: `add @ssh_meter { ip saddr limit rate over 2/minute burst 2
packets } drop` (an nft_limit cloned per element, full when the element is made), `add @connl {
ip saddr ct count over 2 } drop` (an nf_conncount list per element: the third open HTTP
connection of a source is dropped, one closed to TIME_WAIT or one never confirmed no longer
counts), `ct count over 2` on its own (one list for every source), `add @seen { ip saddr . udp
dport counter }` (a concatenated key, a counter per element) and a `meter` (an anonymous dynamic
set: not listed) limiting echo requests per source."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import TCP, ICMP, UDP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table ip dl {
	set ssh_meter {
		type ipv4_addr
		size 128
		flags dynamic
	}
	set connl {
		type ipv4_addr
		flags dynamic
	}
	set seen {
		type ipv4_addr . inet_service
		flags dynamic
	}
	chain fw {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		tcp dport 22 ct state new add @ssh_meter { ip saddr limit rate over 2/minute burst 2 packets } counter drop
		tcp dport 80 ct state new add @connl { ip saddr ct count over 2 } counter drop
		udp dport 9000 add @seen { ip saddr . udp dport counter }
		udp dport 9000 ct count over 2 counter drop
		icmp type echo-request meter icmpflood size 128 { ip saddr limit rate over 2/second burst 2 packets } counter drop
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
]
SRV = "198.51.100.10"


def syn(h, src, sport, dport, ok, what):
    c = TcpConn(h, "lan", "wan", src, sport, SRV, dport, cisn=sport)
    c.c("S", expect=False)
    if ok:
        h.expect("wan", lambda q: TCP in q and q[TCP].flags.S and q[TCP].dport == dport and q[TCP].seq == sport, what=what)
    else:
        h.expect_nothing("wan", 0.4, what)
    return c


def steps(h):
    # A) ssh: two SYNs of 10.0.0.2 use its bucket, the third is over; 10.0.0.3 has its own
    syn(h, "10.0.0.2", 40000, 22, True, "ssh 1")
    syn(h, "10.0.0.2", 40001, 22, True, "ssh 2")
    syn(h, "10.0.0.2", 40002, 22, False, "ssh 3 over the limit: dropped")
    syn(h, "10.0.0.3", 40003, 22, True, "ssh from .3: its own element")
    # B) http: two open connections of 10.0.0.2, the third SYN is dropped (count 3 > 2)
    c1 = TcpConn(h, "lan", "wan", "10.0.0.2", 41000, SRV, 80, cisn=1000, sisn=5000)
    c1.handshake()
    c2 = TcpConn(h, "lan", "wan", "10.0.0.2", 41001, SRV, 80, cisn=1100, sisn=5100)
    c2.handshake()
    syn(h, "10.0.0.2", 41002, 80, False, "http 3: count 3 over 2")
    # the dropped one was never confirmed: gone from the list, but two are still open
    syn(h, "10.0.0.2", 41003, 80, False, "http 4: still 3")
    # close the first (TIME_WAIT no longer counts): the next passes
    c1.c("FA", b"")
    c1.s("FA", b"")
    c1.c("A", b"")
    syn(h, "10.0.0.2", 41004, 80, True, "http 5 after one closed")
    # C) udp 9000: one list for all sources
    u1 = UdpFlow(h, "lan", "wan", "10.0.0.2", 7000, SRV, 9000)
    u1.c(b"u1")
    u2 = UdpFlow(h, "lan", "wan", "10.0.0.2", 7001, SRV, 9000)
    u2.c(b"u2")
    u3 = UdpFlow(h, "lan", "wan", "10.0.0.3", 7002, SRV, 9000)
    u3.c(b"u3", expect=False)
    h.expect_nothing("wan", 0.4, "a third udp connection: over 2")
    u1.s(b"u1r")
    # D) the meter: 10.0.0.2's bucket holds two, 10.0.0.3 has its own
    p = Echo(h, "lan", "wan", "10.0.0.2", SRV, 91)
    for seq in range(1, 5):
        p.request(seq, expect=False)
        h.expect("wan", lambda q, s=seq: ICMP in q and q[ICMP].type == 8 and q[ICMP].id == 91 and q[ICMP].seq == s,
                 what="echo %d" % seq, timeout=0.3, missing_ok=True)
    q = Echo(h, "lan", "wan", "10.0.0.3", SRV, 92)
    for seq in range(1, 3):
        q.request(seq, expect=False)
        h.expect("wan", lambda r, s=seq: ICMP in r and r[ICMP].type == 8 and r[ICMP].id == 92 and r[ICMP].seq == s,
                 what="echo .3 %d" % seq, timeout=0.3, missing_ok=True)
    h.gw("conntrack -L")
