"""ftp-port-clash: two LAN clients behind one MASQUERADE address send PORT commands naming the
same port to the same FTP server: the second expectation would be identical to the first
client's (another master: a clash, EBUSY), so nf_nat_exp_find_port draws random ports from the
offered one up; the rewritten PORT names the drawn port and the server's connection to it
reaches the second client at its own port. Then an EPRT naming one port from each: the second
clashes with the first's pending expectation the same way."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 21 -j CT --helper ftp",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
]


class Conn:
    """A TCP connection whose segments the gateway may resize (helper mangling): each side keeps
    its own sequence view; cdelta = bytes the gateway added to the client's stream so far."""

    def __init__(self, h, cside, sside, src, sport, dst, dport, cisn, sisn):
        self.h, self.cside, self.sside = h, cside, sside
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.cseq, self.sseq, self.cdelta, self.sdelta = cisn, sisn, 0, 0
        self.view = None

    def c(self, flags, data=b"", what="", resized=0):
        ack = self.sseq if "A" in flags else 0
        p = IP(src=self.src, dst=self.dst) / TCP(sport=self.sport, dport=self.dport, flags=flags,
                                                 seq=self.cseq, ack=ack, window=64240)
        if data:
            p = p / Raw(data)
        self.h.send(self.cside, p)
        want = self.cseq + self.cdelta
        self.cseq += len(data) + ("S" in flags) + ("F" in flags)
        self.cdelta += resized
        got = self.h.expect(self.sside, lambda q: TCP in q and q[TCP].seq == want and str(q[TCP].flags) == flags
                            and (self.view is None or (q[IP].src, q[TCP].sport) == self.view[:2]),
                            what=what or "%d %s" % (self.sport, flags))
        if got is not None and self.view is None:
            self.view = (got[IP].src, got[TCP].sport, got[IP].dst, got[TCP].dport)
        return got

    def s(self, flags, data=b"", what="", resized=0):
        s, sp, d, dp = self.view
        ack = self.cseq + self.cdelta if "A" in flags else 0
        p = IP(src=d, dst=s) / TCP(sport=dp, dport=sp, flags=flags, seq=self.sseq + self.sdelta, ack=ack, window=64240)
        if data:
            p = p / Raw(data)
        self.h.send(self.sside, p)
        want = self.sseq
        self.sseq += len(data) + ("S" in flags) + ("F" in flags)
        self.sdelta -= resized   # the client sees `resized` more bytes than the server sent
        self.sseq += resized
        return self.h.expect(self.cside, lambda q: TCP in q and q[TCP].seq == want and str(q[TCP].flags) == flags,
                             what=what or "reply %d %s" % (self.sport, flags))

    def open(self):
        self.c("S")
        self.s("SA")
        self.c("A")

    def close(self):
        self.c("FA")
        self.s("FA")
        self.c("A")


def grew(conn, got, sent):
    """what the gateway added to this segment (a random port changes the text's length)"""
    conn.cdelta += len(bytes(got[TCP].payload)) - len(sent)


def steps(h):
    a = Conn(h, "lan", "wan", "10.0.0.2", 40100, "198.51.100.10", 21, 1000, 9000)
    a.open()
    a.s("PA", b"220 ready\r\n")
    a.c("PA", b"USER a\r\n")
    a.s("PA", b"331 ok\r\n")
    cmd = b"PORT 10,0,0,2,156,100\r\n"   # 40036
    got = a.c("PA", cmd, what="first PORT: 203,0,113,1,156,100")
    grew(a, got, cmd)
    a.s("PA", b"200 ok\r\n")
    b = Conn(h, "lan", "wan", "10.0.0.3", 40200, "198.51.100.10", 21, 3000, 7000)
    b.open()
    b.s("PA", b"220 ready\r\n")
    b.c("PA", b"USER b\r\n")
    b.s("PA", b"331 ok\r\n")
    cmd = b"PORT 10,0,0,3,156,100\r\n"
    got = b.c("PA", cmd, what="second PORT: a random port")
    grew(b, got, cmd)
    nums = bytes(got[TCP].payload)[5:].split(b"\r")[0].split(b",")
    port = int(nums[4]) * 256 + int(nums[5])
    b.s("PA", b"200 ok\r\n")
    h.gw("conntrack -L expect")
    # the server connects to the drawn port: the second client, at its own port 40036
    d = Conn(h, "wan", "lan", "198.51.100.10", 20, "203.0.113.1", port, 5000, 6000)
    d.open()
    d.close()
    # and to the first client's
    e = Conn(h, "wan", "lan", "198.51.100.10", 20, "203.0.113.1", 40036, 5100, 6100)
    e.open()
    e.close()
    # EPRT naming the same port again on both: the first replaces its own, the second clashes
    cmd = b"EPRT |1|10.0.0.2|40037|\r\n"
    got = a.c("PA", cmd, what="first EPRT")
    grew(a, got, cmd)
    a.s("PA", b"200 ok\r\n")
    cmd = b"EPRT |1|10.0.0.3|40037|\r\n"
    got = b.c("PA", cmd, what="second EPRT: a random port")
    grew(b, got, cmd)
    b.s("PA", b"200 ok\r\n")
    h.gw("conntrack -L expect")
    a.c("PA", b"QUIT\r\n", what="first QUIT")
    b.c("PA", b"QUIT\r\n", what="second QUIT")
    h.gw("conntrack -L")
