"""nft-dynset-knock: a dynamic set looked up by other rules, as port-knocking and block-list
configs write it: `add @knocked { ip saddr }` with the set's 1 s timeout opens port 2222 for that
source (`ip saddr @knocked accept`) until the element expires; `add @blocked { ip saddr }` into a
set of size 2 (the third source finds it full: not added, and the rule breaks, so its packet
is not dropped), `delete @blocked { ip saddr }`
takes a source out again; `ip saddr @blocked drop` sees each change at once."""
import time
from flows import TcpConn, UdpFlow
from scapy.all import TCP, UDP

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    """nft -f - <<'EOF'
table inet knock {
	set knocked {
		type ipv4_addr
		flags dynamic,timeout
		timeout 1s
	}
	set blocked {
		type ipv4_addr
		size 2
		flags dynamic
	}
	chain fw {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		tcp dport 7777 add @knocked { ip saddr } counter drop
		tcp dport 2222 ip saddr @knocked counter accept
		tcp dport 2222 counter drop
		tcp dport 9999 add @blocked { ip saddr } counter drop
		tcp dport 8888 delete @blocked { ip saddr } counter accept
		ip saddr @blocked counter drop
	}
}
table ip nat {
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
        h.expect_nothing("wan", 0.3, what)
    return c


def udp(h, src, sport, ok, what):
    u = UdpFlow(h, "lan", "wan", src, sport, SRV, 5000)
    u.c(what.encode(), expect=ok)
    if not ok:
        h.expect_nothing("wan", 0.3, what)


def steps(h):
    syn(h, "10.0.0.2", 40000, 2222, False, "2222 before the knock")
    syn(h, "10.0.0.2", 40001, 7777, False, "the knock (dropped, remembered)")
    syn(h, "10.0.0.2", 40002, 2222, True, "2222 after the knock")
    syn(h, "10.0.0.3", 40003, 2222, False, "2222 from a source that did not knock")
    time.sleep(1.0)
    syn(h, "10.0.0.2", 40004, 2222, False, "2222 after the element expired")
    # the block list holds two
    syn(h, "10.0.0.2", 41000, 9999, False, "block 10.0.0.2")
    syn(h, "10.0.0.3", 41001, 9999, False, "block 10.0.0.3")
    # the set is full: the add fails, the rule breaks, the SYN goes on
    syn(h, "10.0.0.4", 41002, 9999, True, "block 10.0.0.4: the set is full")
    udp(h, "10.0.0.2", 42000, False, "u-blocked-2")
    udp(h, "10.0.0.3", 42001, False, "u-blocked-3")
    udp(h, "10.0.0.4", 42002, True, "u-full-4")
    syn(h, "10.0.0.3", 41003, 8888, True, "unblock 10.0.0.3")
    udp(h, "10.0.0.3", 42003, True, "u-unblocked-3")
    udp(h, "10.0.0.2", 42004, False, "u-still-2")
