"""match-breadth: one forwarded traffic mix through FORWARD counting rules using many matches
(length, ttl, tos, dscp, ecn, iprange, multiport, u32, string bm/kmp with offsets and --icase,
mac, addrtype, pkttype, tcp flags/options, tcpmss, icmp types, limit, hashlimit upto/above,
connbytes, conntrack/state, quota, statistic nth, comment) and the non-terminating LOG / NFLOG
targets (the packet goes on); the counters in iptables-save -c pin down each match."""
from flows import TcpConn, UdpFlow, Echo
from scapy.all import IP, ICMP, UDP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
WAN_IPS = ["198.51.100.10", "198.51.100.53"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -N CNT",
    "iptables -A FORWARD -j CNT",
    "iptables -A CNT -p udp -j LOG --log-prefix \"fwd-udp: \" --log-level 6",
    "iptables -A CNT -p tcp --syn -j NFLOG --nflog-group 5 --nflog-prefix syn",
    "iptables -A CNT -m length --length 0:100",
    "iptables -A CNT -m length --length 1000:65535",
    "iptables -A CNT -m length ! --length 29:60",
    "iptables -A CNT -m ttl --ttl-eq 63",
    "iptables -A CNT -m ttl --ttl-lt 10",
    "iptables -A CNT -m ttl --ttl-gt 100",
    "iptables -A CNT -m tos --tos Minimize-Delay",
    "iptables -A CNT -m tos --tos 0x08/0x08",
    "iptables -A CNT -m dscp --dscp 0x0a",
    "iptables -A CNT -m dscp --dscp-class EF",
    "iptables -A CNT -m ecn --ecn-ip-ect 1",
    "iptables -A CNT -m ecn --ecn-ip-ect 3",
    "iptables -A CNT -p tcp -m ecn --ecn-tcp-ece",
    "iptables -A CNT -p tcp -m ecn --ecn-tcp-cwr",
    "iptables -A CNT -p tcp -m ecn ! --ecn-tcp-ece",
    "iptables -A CNT -m iprange --src-range 10.0.0.2-10.0.0.3",
    "iptables -A CNT -m iprange --dst-range 198.51.100.1-198.51.100.20",
    "iptables -A CNT -m iprange ! --src-range 10.0.0.1-10.0.0.254",
    "iptables -A CNT -p udp -m multiport --dports 53,123,5000:5010",
    "iptables -A CNT -p tcp -m multiport --ports 80,443",
    "iptables -A CNT -p tcp -m multiport ! --dports 80,443",
    "iptables -A CNT -m u32 --u32 \"6&0xFF=6 && 0>>22&0x3C@0&0xFFFF=80\"",
    "iptables -A CNT -m u32 --u32 \"0>>22&0x3C@8>>24=0x47\"",
    "iptables -A CNT -m string --algo bm --string \"GET /\"",
    "iptables -A CNT -m string --algo kmp --string \"secret\" --from 40 --to 80",
    "iptables -A CNT -m string --algo bm --string \"SECRET\" --icase",
    "iptables -A CNT -m string --algo bm --hex-string \"|de ad be ef|\"",
    "iptables -A CNT -m mac --mac-source 02:00:00:00:01:01",
    "iptables -A CNT -m mac ! --mac-source 02:00:00:00:01:01",
    "iptables -A CNT -m addrtype --dst-type UNICAST",
    "iptables -A CNT -m addrtype --src-type LOCAL",
    "iptables -A CNT -m pkttype --pkt-type unicast",
    "iptables -A CNT -p tcp --tcp-flags SYN,ACK,FIN,RST SYN",
    "iptables -A CNT -p tcp --tcp-flags ALL ACK",
    "iptables -A CNT -p tcp ! --syn",
    "iptables -A CNT -p tcp --tcp-option 2",
    "iptables -A CNT -p tcp --tcp-option 3",
    "iptables -A CNT -p tcp -m tcpmss --mss 1000:1300",
    "iptables -A CNT -p icmp --icmp-type echo-request",
    "iptables -A CNT -p icmp --icmp-type 0/0",
    "iptables -A CNT -p icmp ! --icmp-type echo-request",
    "iptables -A CNT -p udp --dport 5000 -m limit --limit 1/min --limit-burst 3",
    "iptables -A CNT -p udp --dport 5001 -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name hup",
    "iptables -A CNT -p udp --dport 5001 -m hashlimit --hashlimit-above 1/min --hashlimit-burst 1 --hashlimit-mode srcip,dstport --hashlimit-name habove",
    "iptables -A CNT -m connbytes --connbytes 3: --connbytes-dir both --connbytes-mode packets",
    "iptables -A CNT -m connbytes --connbytes 0:200 --connbytes-dir original --connbytes-mode bytes",
    "iptables -A CNT -m connbytes --connbytes 100: --connbytes-dir reply --connbytes-mode avgpkt",
    "iptables -A CNT -m conntrack --ctproto udp --ctorigdstport 53",
    "iptables -A CNT -m conntrack --ctstate NEW --ctdir ORIGINAL",
    "iptables -A CNT -m state --state ESTABLISHED",
    "iptables -A CNT -p udp --dport 5002 -m quota --quota 300",
    "iptables -A CNT -p udp --dport 5002 -m statistic --mode nth --every 3 --packet 1",
    "iptables -A CNT -m comment --comment \"counted\" -p udp",
]


def steps(h):
    # TCP web request with MSS 1200, ECN setup SYN, SACK permitted
    t = TcpConn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 80, cisn=1000, sisn=9000)
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(
        sport=40000, dport=80, flags="SEC", seq=1000, window=64240, options=[("MSS", 1200), ("SAckOK", b"")]))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 80 and "S" in str(q[TCP].flags), what="ECN SYN")
    t.cseq = 1001
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(
        sport=80, dport=40000, flags="SAE", seq=9000, ack=1001, window=64240, options=[("MSS", 1460)]))
    h.expect("lan", lambda q: TCP in q and q[TCP].sport == 80, what="ECN SYN-ACK")
    t.sseq = 9001
    t.c("A")
    t.c("PA", b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    t.s("A")
    t.s("PA", b"HTTP/1.1 200 OK\r\n\r\n" + b"y" * 150)
    t.c("A")
    # a segment with ECT(1) and CWR, a payload holding 'secret' at offset ~52 and 'Secret' later
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", tos=0x01) / TCP(
        sport=40000, dport=80, flags="PAC", seq=t.cseq, ack=t.sseq, window=64240) / Raw(b"xxxxxxxxxxxxsecret and SeCrEt"))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 80 and len(q[TCP].payload) > 0, what="ECT(1) segment")
    t.cseq += 29
    t.s("A")
    # UDP with TOS, DSCP, TTL variety
    for i, (tos, ttl) in enumerate([(0x10, 64), (0x28, 64), (0xb8, 5), (0x03, 200), (0x08, 64)]):
        h.send("lan", IP(src="10.0.0.3", dst="198.51.100.53", tos=tos, ttl=ttl) / UDP(sport=6000 + i, dport=53) / Raw(b"q%d" % i))
        h.expect("wan", lambda q: UDP in q and q[UDP].dport == 53, what="udp tos %#x" % tos)
    # a big datagram with a hex pattern, and one from outside the LAN ranges
    h.send("lan", IP(src="10.0.0.4", dst="198.51.100.53") / UDP(sport=6100, dport=123) / Raw(b"\x00" * 20 + b"\xde\xad\xbe\xef" + b"z" * 1100))
    h.expect("wan", lambda q: UDP in q and q[UDP].dport == 123, what="big ntp")
    u = UdpFlow(h, "lan", "wan", "10.0.0.4", 6101, "198.51.100.53", 53)
    u.c(b"query")
    u.s(b"G" + b"a" * 300)
    u.c(b"query2")
    # limit: five datagrams to 5000 (burst 3), hashlimit: three each from two hosts to 5001
    for i in range(5):
        h.send("lan", IP(src="10.0.0.2", dst="198.51.100.53") / UDP(sport=6200 + i, dport=5000) / Raw(b"L"))
        h.expect("wan", lambda q: UDP in q and q[UDP].dport == 5000, what="limit %d" % i)
    for src in ("10.0.0.2", "10.0.0.3"):
        for i in range(3):
            h.send("lan", IP(src=src, dst="198.51.100.53") / UDP(sport=6300 + i, dport=5001) / Raw(b"H"))
            h.expect("wan", lambda q: UDP in q and q[UDP].dport == 5001, what="hashlimit %s %d" % (src, i))
    # quota 300 bytes and statistic nth on port 5002: six 100-byte datagrams of one flow
    for i in range(6):
        h.send("lan", IP(src="10.0.0.3", dst="198.51.100.53") / UDP(sport=6400, dport=5002) / Raw(b"Q" * 72))
        h.expect("wan", lambda q: UDP in q and q[UDP].dport == 5002, what="quota %d" % i)
    # ICMP echo and its reply; a WAN host pinging a LAN host (routed, no DNAT)
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.10", 4242)
    e.request(1)
    e.reply(1)
    h.send("wan", IP(src="198.51.100.10", dst="10.0.0.3") / ICMP(type=8, id=7, seq=1) / Raw(b"in"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 8, what="routed echo in")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / ICMP(type=0, id=7, seq=1) / Raw(b"in"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="routed echo reply out")
    # a TCP SYN to 443 with a timestamp option, a non-80 port with ACK only (mid-stream pick-up)
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / TCP(
        sport=40001, dport=443, flags="S", seq=5, window=64240, options=[("MSS", 1460), ("Timestamp", (1, 0)), ("WScale", 7)]))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 443, what="SYN 443")
    h.send("lan", IP(src="10.0.0.3", dst="198.51.100.10") / TCP(sport=40002, dport=8443, flags="A", seq=5, ack=9, window=100))
    h.expect("wan", lambda q: TCP in q and q[TCP].dport == 8443, what="ACK 8443")
    h.gw("conntrack -L")
