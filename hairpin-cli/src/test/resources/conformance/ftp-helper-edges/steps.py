"""ftp-helper-edges: the FTP helper's less common paths: a routed (un-NATed) control connection
(the expectation without NAT), `conntrack -L expect` / `-C expect` with an expectation pending,
EPRT through MASQUERADE (rewritten), a PORT naming another host (no expectation, not rewritten:
the server's connection reaches the gateway, which resets it), a second PASV replacing the
pending expectation (max_expected 1: the first data connection is NEW), and a PORT command cut
short (partial match: the segment is dropped; its retransmission in full is rewritten)."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 21 -j CT --helper ftp",
    "iptables -t nat -A POSTROUTING -o eth1 ! -s 10.0.0.3 -j MASQUERADE",
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


def steps(h):
    # A) routed: 10.0.0.3 is not masqueraded; PASV expects 10.0.0.3 -> 198.51.100.10:50020
    r = Conn(h, "lan", "wan", "10.0.0.3", 40100, "198.51.100.10", 21, 100, 900)
    r.open()
    r.s("PA", b"220 ready\r\n")
    r.c("PA", b"PASV\r\n")
    r.s("PA", b"227 Entering Passive Mode (198,51,100,10,195,100).\r\n")
    h.gw("conntrack -L expect")
    h.gw("conntrack -C expect")
    d = Conn(h, "lan", "wan", "10.0.0.3", 40101, "198.51.100.10", 50020, 300, 700)
    d.open()
    d.close()
    h.gw("conntrack -L expect")
    # B) EPRT through MASQUERADE: |1|10.0.0.2|40010| becomes |1|203.0.113.1|40010|
    c = Conn(h, "lan", "wan", "10.0.0.2", 40200, "198.51.100.10", 21, 1000, 9000)
    c.open()
    c.s("PA", b"220 ready\r\n")
    c.c("PA", b"USER anonymous\r\n")
    c.s("PA", b"331 ok\r\n")
    c.c("PA", b"EPRT |1|10.0.0.2|40010|\r\n", what="EPRT rewritten", resized=3)
    c.s("PA", b"200 EPRT ok\r\n")
    a = Conn(h, "wan", "lan", "198.51.100.10", 20, "203.0.113.1", 40010, 6000, 2000)
    a.open()
    a.close()
    # C) PORT naming another host: no expectation, left as it is; the server's connection
    #    reaches the gateway itself (RST)
    c.c("PA", b"PORT 10,0,0,9,156,80\r\n", what="foreign PORT untouched")
    c.s("PA", b"200 PORT ok\r\n")
    h.send("wan", IP(src="198.51.100.10", dst="203.0.113.1") / TCP(sport=20, dport=40016, flags="S", seq=50))
    h.expect("wan", lambda q: TCP in q and "R" in str(q[TCP].flags), what="RST from the gateway")
    # D) two PASV answers: the second expectation evicts the first (max_expected 1)
    c.c("PA", b"PASV\r\n")
    c.s("PA", b"227 Entering Passive Mode (198,51,100,10,195,110).\r\n")
    c.c("PA", b"PASV\r\n")
    c.s("PA", b"227 Entering Passive Mode (198,51,100,10,195,111).\r\n")
    h.gw("conntrack -L expect")
    e1 = Conn(h, "lan", "wan", "10.0.0.2", 40201, "198.51.100.10", 50030, 400, 800)
    e1.open()
    e2 = Conn(h, "lan", "wan", "10.0.0.2", 40202, "198.51.100.10", 50031, 500, 600)
    e2.open()
    # E) a PORT cut short: partial match, dropped; then the whole line
    h.send("lan", IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40200, dport=21, flags="PA", seq=c.cseq,
                                                                 ack=c.sseq, window=64240) / Raw(b"PORT 10,0,0,2,15"))
    h.expect_nothing("wan", 0.4, "partial PORT dropped")
    c.c("PA", b"PORT 10,0,0,2,156,90\r\n", what="PORT rewritten", resized=3)
    c.s("PA", b"200 PORT ok\r\n")
    h.gw("conntrack -L expect")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
