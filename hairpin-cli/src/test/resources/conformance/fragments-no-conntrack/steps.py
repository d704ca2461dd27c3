"""fragments-no-conntrack: nf_defrag_ipv4 is registered like conntrack, only while a rule needs
it. With counting rules only, fragments are forwarded one by one as they came (each traverses
FORWARD; `-f` counts the non-first ones), in their order; fragments for the gateway itself are
reassembled by local delivery (an echo request, answered). After a conntrack rule is added,
forwarded fragments are reassembled first (one FORWARD traversal) and leave with the same
boundaries."""
from scapy.all import IP, UDP, ICMP, Raw, fragment

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -A FORWARD -p udp",
    "iptables -A FORWARD -f",
    "iptables -A INPUT -p icmp",
]


def frags(src, dst, sport, data, ident, size):
    p = IP(src=src, dst=dst, id=ident) / UDP(sport=sport, dport=9) / Raw(data)
    return fragment(p, fragsize=size)


def steps(h):
    fs = frags("10.0.0.2", "198.51.100.10", 4000, b"A" * 1200, 100, 800)
    for f in fs:
        h.send("lan", f)
        h.expect("wan", lambda q, f=f: IP in q and q[IP].id == 100 and q[IP].frag == f.frag, what="fragment %d" % f.frag)
    fs = frags("10.0.0.2", "198.51.100.10", 4001, b"B" * 1200, 101, 400)
    for f in reversed(fs):
        h.send("lan", f)
        h.expect("wan", lambda q, f=f: IP in q and q[IP].id == 101 and q[IP].frag == f.frag, what="fragment %d (reversed)" % f.frag)
    ping = fragment(IP(src="10.0.0.2", dst="10.0.0.1", id=102) / ICMP(type=8, id=7, seq=1) / Raw(b"P" * 1000), fragsize=600)
    for f in ping:
        h.send("lan", f)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply to the reassembled request")
    h.gw("iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP")
    fs = frags("10.0.0.2", "198.51.100.10", 4002, b"C" * 1200, 103, 400)
    for f in reversed(fs[1:]):
        h.send("lan", f)
    h.expect_nothing("wan", 0.3, "held for reassembly")
    h.send("lan", fs[0])
    for f in fs:
        h.expect("wan", lambda q, f=f: IP in q and q[IP].id == 103 and q[IP].frag == f.frag, what="reassembled, fragment %d out" % f.frag)
    h.gw("conntrack -L")
