"""icmp-quote-more: more ICMP errors about MASQUERADEd flows: a quote whose inner header has IP
options (ihl 6), a quote cut inside the inner IP header, an error quoting an ICMP error, an error
with a bad ICMP checksum, parameter problem and time exceeded (reassembly) about the flow, and
errors about an echo flow quoting exactly 8 bytes and about the echo reply direction."""
from flows import UdpFlow, Echo
from scapy.all import IP, UDP, ICMP, Raw, IPOption_NOP

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.254"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -p icmp -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -p icmp -m conntrack --ctstate INVALID",
    "iptables -A INPUT -p icmp -m conntrack --ctstate INVALID",
    "iptables -A INPUT -p icmp -m conntrack --ctstate RELATED",
]


def err(h, quote, t, c, what, bad_sum=False, expect=True):
    p = IP(src="198.51.100.254", dst="203.0.113.1") / ICMP(type=t, code=c) / Raw(quote)
    if bad_sum:
        p = IP(bytes(p))
        raw = bytearray(bytes(p))
        raw[22] ^= 0x11
        p = IP(bytes(raw))
    h.send("wan", p)
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == t and q[ICMP].code == c, what=what, missing_ok=True)


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 6000)
    got = u.c(b"y" * 40)
    u.s(b"answer")
    # a datagram with an IP option (NOP x4) of the same flow: the quote's inner ihl is 6
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10", options=[IPOption_NOP()] * 4) / UDP(sport=5000, dport=6000) / Raw(b"opt"))
    gopt = h.expect("wan", lambda q: UDP in q and bytes(q[UDP].payload) == b"opt", what="datagram with options")
    e = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.10", 0x77)
    eg = e.request(1)
    e.reply(1)
    if got is None or gopt is None or eg is None:
        return
    ub = bytes(got[IP])
    # A) inner header with options
    err(h, bytes(gopt[IP])[:32], 3, 3, "quote with inner options")
    # B) quote cut inside the inner IP header (16 bytes)
    err(h, ub[:16], 3, 3, "quote cut in the inner header")
    # C) an error quoting an ICMP error (the gateway's view of an earlier error)
    inner_err = IP(src="203.0.113.1", dst="198.51.100.10") / ICMP(type=3, code=3) / Raw(ub[:28])
    err(h, bytes(inner_err)[:28], 3, 1, "error about an error")
    # D) bad ICMP checksum on the outer error
    err(h, ub[:28], 3, 3, "bad icmp checksum", bad_sum=True)
    # E) parameter problem and time exceeded (fragment reassembly) about the flow
    err(h, ub[:48], 12, 0, "parameter problem")
    err(h, ub[:28], 11, 1, "time exceeded in reassembly")
    # F) errors about the echo flow: quoting exactly 8 bytes of the request
    err(h, bytes(eg[IP])[:28], 3, 1, "error about the echo request")
    h.gw("conntrack -S")
