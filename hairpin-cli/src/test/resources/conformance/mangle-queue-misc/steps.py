"""mangle-queue-misc: targets and matches no other recording uses: TCPOPTSTRIP on SYNs (options
become NOPs), NFQUEUE with no listener (dropped) and with --queue-bypass (accepted: the next
table goes on), CHECKSUM --checksum-fill and CLASSIFY on forwarded datagrams (no change on the
wire), -m esp / -m ah SPI ranges and -m sctp chunk types as counting rules; MASQUERADE."""
from flows import TcpConn
from scapy.all import IP, UDP, TCP, Raw, ESP, AH, SCTP, SCTPChunkInit

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t mangle -A PREROUTING -p tcp --syn -j TCPOPTSTRIP --strip-options timestamp,sack-permitted",
    "iptables -t mangle -A FORWARD -p udp --dport 7000 -j NFQUEUE --queue-num 3 --queue-bypass",
    "iptables -t mangle -A FORWARD -p udp --dport 7000",
    "iptables -t mangle -A FORWARD -p udp --dport 7001 -j NFQUEUE --queue-num 4",
    "iptables -t mangle -A FORWARD -p udp --dport 7002 -j CLASSIFY --set-class 1:10",
    "iptables -t mangle -A POSTROUTING -p udp -j CHECKSUM --checksum-fill",
    "iptables -A FORWARD -p udp",
    "iptables -A FORWARD -p esp -m esp --espspi 100:200",
    "iptables -A FORWARD -p esp -m esp ! --espspi 100:200",
    "iptables -A FORWARD -p ah -m ah --ahspi 5",
    "iptables -A FORWARD -p sctp -m sctp --dport 5060 --chunk-types any INIT",
    "iptables -A FORWARD -p sctp -m sctp --chunk-types all INIT",
    "iptables -A FORWARD -p sctp -m sctp --chunk-types only INIT",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
SRV = "198.51.100.10"


def out(h, pred, what, missing_ok=False):
    return h.expect("wan", pred, what=what, missing_ok=missing_ok)


def steps(h):
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None), ("WScale", 7)]
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / TCP(sport=40000, dport=80, flags="S", seq=1000, options=opts))
    out(h, lambda q: TCP in q and q[TCP].flags == "S", "syn, options stripped")
    for port, data in ((7000, b"bypass"), (7001, b"queued"), (7002, b"classified")):
        h.send("lan", IP(src="10.0.0.2", dst=SRV) / UDP(sport=5000, dport=port) / Raw(data))
        out(h, lambda q, d=data: UDP in q and bytes(q[UDP].payload) == d, "udp %r" % data, missing_ok=(port == 7001))
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / ESP(spi=150, seq=1) / Raw(b"e" * 16))
    out(h, lambda q: q.haslayer(ESP), "esp 150")
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / ESP(spi=999, seq=1) / Raw(b"e" * 16))
    out(h, lambda q: q.haslayer(ESP) and q[ESP].spi == 999, "esp 999")
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / AH(spi=5, seq=1, nh=59, payloadlen=4, icv=b"\0" * 12))
    out(h, lambda q: q.haslayer(AH), "ah 5")
    h.send("lan", IP(src="10.0.0.2", dst=SRV) / SCTP(sport=5000, dport=5060, tag=0)
           / SCTPChunkInit(init_tag=0x1234, a_rwnd=65535, n_out_streams=1, n_in_streams=1, init_tsn=1))
    out(h, lambda q: q.haslayer(SCTP), "sctp init")
    h.gw("conntrack -L")
