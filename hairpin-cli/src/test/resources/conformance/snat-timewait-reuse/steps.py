"""snat-timewait-reuse: SNAT to a single port (203.0.113.1:40000). A closed connection's entry in
TIME_WAIT holds the only port; a new SYN whose sequence has not advanced past the old one cannot
take it (its reply tuple clashes at confirmation: dropped); one whose sequence has advanced evicts
the TIME_WAIT entry (nf_nat_used_tuple_harder) and reuses the port."""
from flows import TcpConn

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -p tcp -j SNAT --to-source 203.0.113.1:40000",
]


def steps(h):
    a = TcpConn(h, "lan", "wan", "10.0.0.2", 1111, "198.51.100.10", 80, cisn=100000, sisn=5000)
    a.handshake()
    a.c("PA", b"hello")
    a.s("A")
    a.c("FA")
    a.s("FA")
    a.c("A")          # entry in TIME_WAIT, holding 203.0.113.1:40000
    h.gw("conntrack -L")
    # sequence behind the old connection's: no eviction, the SYN is dropped at confirmation
    b = TcpConn(h, "lan", "wan", "10.0.0.3", 2222, "198.51.100.10", 80, cisn=50000, sisn=6000)
    b.c("S", missing_ok=True, timeout=0.6)
    h.gw("conntrack -S")
    # sequence ahead: the TIME_WAIT entry is evicted, the port reused
    c = TcpConn(h, "lan", "wan", "10.0.0.3", 3333, "198.51.100.10", 80, cisn=900000, sisn=7000)
    c.handshake()
    c.c("PA", b"again")
    c.s("A")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
