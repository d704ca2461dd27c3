"""udp-bysource-clash: many UDP flows from one source port through MASQUERADE and through an
SNAT port range that runs out: the port kept per destination while the tuple is unique, a second
host's clash remapped at random, the bysource reuse of that mapping towards a new destination,
a two-port SNAT range exhausted (the third flow's datagram is dropped at confirmation:
insert_failed), unreplied vs replied vs assured timeouts (nf_conntrack_udp_timeout=5,
_stream=10) and expiry reaped by a `conntrack -L`."""
import time
from flows import UdpFlow

LAN_IPS = ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
WAN_IPS = ["198.51.100.%d" % i for i in range(10, 17)] + ["198.51.100.53"]
SYSCTL = [("net.netfilter.nf_conntrack_udp_timeout", "5"),
          ("net.netfilter.nf_conntrack_udp_timeout_stream", "10")]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -p udp --dport 123 -j SNAT --to-source 203.0.113.1:6000-6001",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    # A) 10.0.0.2:5000 to five destinations: port 5000 kept each time
    flows = []
    for i in range(5):
        u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.%d" % (10 + i), 53)
        u.c(b"q%d" % i)
        flows.append(u)
    flows[0].s(b"a0")
    flows[1].s(b"a1")
    # B) 10.0.0.3:5000 -> 198.51.100.10:53 clashes with A0's reply tuple: random port
    b = UdpFlow(h, "lan", "wan", "10.0.0.3", 5000, "198.51.100.10", 53)
    b.c(b"b0")
    b.s(b"b0-answer")
    # C) the same source towards a new destination reuses B's mapping (bysource)
    c = UdpFlow(h, "lan", "wan", "10.0.0.3", 5000, "198.51.100.15", 53)
    c.c(b"c0")
    # D) 10.0.0.4:5000 -> .15 keeps 5000 (unique)
    d = UdpFlow(h, "lan", "wan", "10.0.0.4", 5000, "198.51.100.15", 53)
    d.c(b"d0")
    # E) SNAT 203.0.113.1:6000-6001 for NTP: three hosts, same source port, same server
    for src, data in (("10.0.0.2", b"ntp-a"), ("10.0.0.3", b"ntp-b")):
        e = UdpFlow(h, "lan", "wan", src, 123, "198.51.100.16", 123)
        e.c(data)
        e.s(data + b"-r")
    x = UdpFlow(h, "lan", "wan", "10.0.0.4", 123, "198.51.100.16", 123)
    x.c(b"ntp-c", expect=False)
    h.expect_nothing("wan", 0.4, "no port left in 6000-6001: dropped at confirmation")
    # F) A0 (created > 2 s ago) again, answered: ASSURED, stream timeout
    flows[0].c(b"q0-again")
    flows[0].s(b"a0-again")
    h.gw("conntrack -L -p udp --orig-port-src 5000")
    # G) after 5.5 s the unreplied and replied-but-not-assured entries are gone; the dump reaps them
    h.sleep(5.5, "(5 s timeout)")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
