"""tcp-state-timeouts: every TCP state's timeout sysctl, ICMP and generic timeouts, lowered and
watched expiring through MASQUERADE: SYN_SENT, SYN_RECV and CLOSE (after a RST) at 2 s;
FIN_WAIT, CLOSE_WAIT, LAST_ACK and ICMP at 6 s; TIME_WAIT, data left unacknowledged
(timeout_unacknowledged, shorter than established) and a generic (GRE) entry at 11 s.
`conntrack -L` between the deadlines shows which are gone (their DESTROY comes with the dump);
late packets then: a retransmitted SYN makes a new entry, a FIN/ACK after FIN_WAIT expired is no
first packet (the gateway's stack answers RST), a late echo reply is INVALID (not un-NATed), a
new SYN on the expired TIME_WAIT tuple is NEW again."""
from flows import TcpConn, Echo
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
S = "198.51.100.10"
SYSCTL = [
    ("net.netfilter.nf_conntrack_tcp_timeout_syn_sent", "2"),
    ("net.netfilter.nf_conntrack_tcp_timeout_syn_recv", "2"),
    ("net.netfilter.nf_conntrack_tcp_timeout_close", "2"),
    ("net.netfilter.nf_conntrack_tcp_timeout_fin_wait", "6"),
    ("net.netfilter.nf_conntrack_tcp_timeout_close_wait", "6"),
    ("net.netfilter.nf_conntrack_tcp_timeout_last_ack", "6"),
    ("net.netfilter.nf_conntrack_icmp_timeout", "6"),
    ("net.netfilter.nf_conntrack_tcp_timeout_time_wait", "11"),
    ("net.netfilter.nf_conntrack_tcp_timeout_unacknowledged", "11"),
    ("net.netfilter.nf_conntrack_generic_timeout", "11"),
]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def conn(h, port, cisn):
    return TcpConn(h, "lan", "wan", "10.0.0.2", port, S, 80, cisn=cisn, sisn=cisn * 10)


def until(h, t, why):
    h.sleep(max(0.0, t - h.rel()), why)


def steps(h):
    # 11 s group: TIME_WAIT, unacknowledged data, GRE
    f = conn(h, 42006, 600)
    f.handshake()
    f.c("FA")
    f.s("FA")
    f.c("A")
    j = conn(h, 42007, 700)
    j.handshake()
    j.c("PA", b"never acknowledged")
    h.send("lan", IP(src="10.0.0.2", dst=S, proto=47) / Raw(b"\x00\x00\x08\x00" + b"gre payload"))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47, what="gre")
    g3 = h.rel()
    # 6 s group: FIN_WAIT, CLOSE_WAIT, LAST_ACK, ICMP
    c = conn(h, 42003, 300)
    c.handshake()
    c.c("FA")
    d = conn(h, 42004, 400)
    d.handshake()
    d.c("FA")
    d.s("A")
    e = conn(h, 42005, 500)
    e.handshake()
    e.c("FA")
    e.s("A")
    e.s("FA")
    p = Echo(h, "lan", "wan", "10.0.0.2", S, 0x4242)
    p.request(1)
    g2 = h.rel()
    # 2 s group: SYN_SENT, SYN_RECV, CLOSE after a RST
    a = conn(h, 42000, 100)
    a.c("S")
    b = conn(h, 42001, 150)
    b.c("S")
    b.s("SA")
    r = conn(h, 42002, 200)
    r.handshake()
    r.c("R")
    g1 = h.rel()
    assert g1 + 2 < g2 + 6 - 1.0, "schedule: the 2 s group must be gone well before the 6 s one"
    h.gw("conntrack -L")
    until(h, g1 + 2 + 0.6, "the 2 s group expires")
    h.gw("conntrack -L")
    a.cseq = 100
    a.c("S")                  # the SYN again: a new entry
    until(h, g2 + 6 + 0.6, "the 6 s group expires")
    h.gw("conntrack -L")
    c.s("FA", expect=False)   # the server's late FIN/ACK: no entry, reaches the gateway itself
    h.expect("wan", lambda q: TCP in q and "R" in str(q[TCP].flags), what="gateway RST", missing_ok=True)
    p.reply(1, expect=False)  # late echo reply: INVALID, not un-NATed: local, ignored
    h.expect_nothing("lan", what="late echo reply not forwarded")
    until(h, g3 + 11 + 0.6, "the 11 s group expires")
    h.gw("conntrack -L")
    f.cseq = 90000
    f.c("S")                  # new SYN on the expired TIME_WAIT tuple: NEW
    f.s("SA")
    f.c("A")
    h.gw("conntrack -L")
