"""ip-options-edges: IPv4 options ip_options_compile() handles on forwarded, MASQUERADEd
datagrams: record route and timestamps already full (timestamp overflow counter), prespecified
timestamps for a foreign address, malformed options (parameter problem), loose source route
(dropped: accept_source_route 0), router alert and an unknown option (forwarded untouched), and
the options the gateway's own ICMP answers echo (time exceeded, port unreachable, echo reply)."""
from scapy.all import IP, UDP, ICMP, Raw, IPOption

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.30"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
SRV = "198.51.100.30"


def opt(hexstr):
    return [IPOption(bytes.fromhex(hexstr))]


def udp(sport, options, ttl=64, dst=SRV):
    return IP(src="10.0.0.2", dst=dst, ttl=ttl, options=options) / UDP(sport=sport, dport=7000) / Raw(b"opt%d" % sport)


def out(h, sport, what):
    h.expect("wan", lambda q: UDP in q and q[UDP].sport == sport, what=what)


def perr(h, what):
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 12, what=what)


def steps(h):
    # forwarded: record route full (pointer past the end): untouched
    h.send("lan", udp(6001, opt("07070800000000") + opt("01")))
    out(h, 6001, "rr full")
    # timestamps only, full: overflow counter 0 -> 1
    h.send("lan", udp(6002, opt("4408090000000000")))
    out(h, 6002, "ts full")
    # timestamp and address, full, overflow 2 -> 3
    h.send("lan", udp(6003, opt("440c0d21" + "00" * 8)))
    out(h, 6003, "ts+addr full")
    # prespecified address not ours: untouched
    h.send("lan", udp(6004, opt("440c0503c6336463" + "00" * 4)))
    out(h, 6004, "prespec foreign")
    # prespecified, full: no overflow count for prespec
    h.send("lan", udp(6005, opt("440c0d03c6336463" + "00" * 4)))
    out(h, 6005, "prespec full")
    # router alert and an unknown copied option: forwarded
    h.send("lan", udp(6006, opt("94040000")))
    out(h, 6006, "router alert")
    h.send("lan", udp(6007, opt("9e0400ff")))
    out(h, 6007, "unknown option")
    # malformed: overflow counter already 15 and full -> parameter problem
    h.send("lan", udp(6008, opt("440809f000000000")))
    perr(h, "ts overflow 15")
    # record route pointer 3 (< 4)
    h.send("lan", udp(6009, opt("07070300000000") + opt("01")))
    perr(h, "rr pointer 3")
    # option length past the header's end
    h.send("lan", udp(6010, opt("01") + opt("070c04") + opt("00000000")))
    perr(h, "option length past the end")
    # loose source route: dropped silently (accept_source_route 0)
    h.send("lan", udp(6011, opt("830704c6336464") + opt("01")))
    h.expect_nothing("wan", 0.4, "lsrr dropped")
    # the gateway's answers echo the options: time exceeded for a TTL 1 datagram with record route
    h.send("lan", udp(6012, opt("070b04" + "00" * 8) + opt("01"), ttl=1))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 11, what="time exceeded with rr")
    # port unreachable from the gateway itself
    h.send("lan", udp(6013, opt("070b04" + "00" * 8) + opt("01"), dst="10.0.0.1"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 3, what="port unreachable with rr")
    # echo request to the gateway with record route
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1", options=opt("070b04" + "00" * 8) + opt("01"))
           / ICMP(type=8, id=77, seq=1) / Raw(b"rr-ping"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply with rr")
    # echo request with a full timestamp option
    h.send("lan", IP(src="10.0.0.2", dst="10.0.0.1", options=opt("4408090000000000"))
           / ICMP(type=8, id=77, seq=2) / Raw(b"ts-ping"))
    h.expect("lan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply with ts")
    h.gw("conntrack -L")
