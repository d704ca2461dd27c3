"""icmp-redirect: send_redirects on eth0 only: a datagram forwarded out the device it came in on,
from an on-link source, gets an ICMP host redirect naming the next hop (ip_rt_send_redirect: per
source, at once, then after 40, 80, 160, 320 ms ... of quiet), the datagram still forwarded. A
redirect RELATED to a NATed entry, or to one not yet NATed both ways (a flow's first packet), is
dropped by NAT in OUTPUT (nf_nat_icmp_reply_translation); none is made for an off-link source or on
eth1 (send_redirects 0)."""
import time
from flows import TcpConn
from scapy.all import IP, UDP, ICMP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SYSCTL = [("net.ipv4.conf.eth0.send_redirects", "1")]
SETUP = [
    "iptables -t nat -A PREROUTING -i eth0 -d 203.0.113.1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A OUTPUT -p icmp --icmp-type redirect -m conntrack --ctstate RELATED",
    "iptables -A OUTPUT -p icmp --icmp-type redirect -m conntrack --ctstate INVALID,UNTRACKED",
    "iptables -A FORWARD -i eth0 -o eth0",
]
GAP = 0.02


def lan_udp(h, k, src="10.0.0.2"):
    h.send("lan", IP(src=src, dst="10.0.0.5") / UDP(sport=5000, dport=6000) / Raw(b"u%02d" % k))


def steps(h):
    # A) ten datagrams 10.0.0.2 -> 10.0.0.5 (both behind eth0), 100 ms apart
    t0 = time.time()
    for k in range(10):
        delay = t0 + 0.1 * k - time.time()
        if delay > 0:
            time.sleep(delay)
        lan_udp(h, k)
        h.expect("lan", lambda q, k=k: UDP in q and bytes(q[UDP].payload) == b"u%02d" % k and q[IP].dst == "10.0.0.5",
                 what="u%02d forwarded" % k, timeout=0.05)
    h.expect_nothing("wan", 0.3, "nothing on the WAN")
    # B) hairpin DNAT from 10.0.0.3: the SYN goes back out eth0 to 10.0.0.5
    t = TcpConn(h, "lan", "lan", "10.0.0.3", 41000, "203.0.113.1", 8080, cisn=100, sisn=900)
    t.c("S")
    # its redirect is made (ip_rt_send_redirect counts it) but NAT drops it in OUTPUT
    h.expect_nothing("lan", 0.3, "no redirect for a DNATed packet")
    # C) an off-link source on eth0: forwarded, no redirect
    h.send("lan", IP(src="192.0.2.7", dst="10.0.0.5") / UDP(sport=5001, dport=6000) / Raw(b"offlink"))
    h.expect("lan", lambda q: UDP in q and bytes(q[UDP].payload) == b"offlink", what="off-link forwarded")
    # D) WAN to WAN on eth1 (send_redirects 0 there): forwarded only
    h.send("wan", IP(src="198.51.100.10", dst="198.51.100.20") / UDP(sport=5002, dport=6000) / Raw(b"wan"))
    h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"wan", what="wan forwarded")
    h.gw("conntrack -L")
