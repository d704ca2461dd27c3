"""nft-tproxy: nftables' tproxy statement (nft_tproxy.c) as transparent proxies (clash, v2ray,
squid) configure it: `iifname "eth0" tcp dport 80 tproxy to :3129 meta mark set 1 accept` in a
prerouting chain at priority mangle, policy routing (fwmark 1 -> table 100: local 0.0.0.0/0 dev
lo) and a transparent listener on 3129. Unlike TPROXY it sets no mark itself (the rule's next
statement does), goes on to the rule's next statement when it found a socket and breaks the rule
(the next rule runs) when it found none: port 81 has a tproxy rule to a port nothing listens on,
the SYN goes on to be forwarded. Every packet of the proxied connection finds its established
socket the same way (no socket rule). LOCAL scenario."""
import socket
import time
from scapy.all import IP, TCP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
NFT = True
SETUP = [
    "ip rule add fwmark 0x1/0x1 lookup 100",
    "ip route add local 0.0.0.0/0 dev lo table 100",
    """nft -f - <<'EOF'
table ip tp {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "eth0" tcp dport 80 tproxy to :3129 meta mark set 1 counter accept
		iifname "eth0" tcp dport 81 tproxy to :3999 meta mark set 2 counter accept
		iifname "eth0" tcp dport 81 counter
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
]


def lan_tcp(h, flags, seq, ack, data=b""):
    p = IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack, window=64240)
    if data:
        p = p / Raw(data)
    h.send("lan", p)


def from_gw(flags, data=None):
    def m(q):
        if TCP not in q or str(q[TCP].flags) != flags or q[TCP].dport != 40000:
            return False
        return data is None or bytes(q[TCP].payload) == data
    return m


def steps(h):
    lst = h.gw_local_listen("0.0.0.0", 3129, name="proxy")
    lst.sock.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT
    lan_tcp(h, "S", 1000, 0)
    sa = h.expect("lan", from_gw("SA"), what="the proxy's SYN-ACK as 198.51.100.10:80")
    g = sa[TCP].seq + 1
    lan_tcp(h, "A", 1001, g)
    time.sleep(0.1)
    c = lst.accept(name="proxy-conn")
    lan_tcp(h, "PA", 1001, g, b"GET / HTTP/1.0\r\n\r\n")
    h.expect("lan", from_gw("A"), what="ACK", missing_ok=True)
    c.recv()
    c.send(b"HTTP/1.0 200 OK\r\n\r\nproxied")
    h.expect("lan", from_gw("PA"), what="response")
    lan_tcp(h, "A", 1019, g + 26)
    c.close()
    h.expect("lan", from_gw("FA"), what="the proxy's FIN")
    lan_tcp(h, "FA", 1019, g + 27)
    h.expect("lan", from_gw("A"), what="the proxy's last ACK")
    lst.close()
    # port 81: the tproxy finds no socket on 3999: the rule breaks, no mark, the SYN is forwarded
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40001, dport=81, flags="S", seq=5000, window=64240))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 81, what="the SYN to :81, forwarded and masqueraded")
    h.gw("conntrack -L")
