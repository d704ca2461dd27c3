"""irc-helper-edges: the IRC helper's limits and parsing corners through MASQUERADE: nine DCC
offers on one session (max_dcc_channels 8: the oldest goes), the same offer again (replaced, not
added), a second client offering the port another session's offer already took (EBUSY: the NAT
helper draws a random port above it, nf_nat_exp_find_port; its retransmission draws another and
adds a second expectation), an offer cut over two segments and one without a newline (nothing
expected, nothing dropped), a PRIVMSG whose first " :" is not the DCC (nothing), leading blanks
(skipped), an address past 2^32 (wraps: 10.0.0.2), a first DCC type with port 0 followed by a
second DCC CHAT in the same message (the search ends at the first: nothing), lower-case
"dcc send" and unknown types (nothing). `conntrack -L expect` / `-C expect` between them."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.4"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 6667 -j CT --helper irc",
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


def dcc(kind, name, addr, port, tail=b" 10"):
    return b"PRIVMSG bob :\x01DCC " + kind + b" " + name + b" " + addr + b" " + str(port).encode() + tail + b"\x01\r\n"


def steps(h):
    c = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 6667, 1000, 9000)
    c.open()
    c.c("PA", b"NICK alice\r\n")
    c.s("PA", b":irc.example 001 alice :Welcome\r\n")
    # A) nine offers on one session: ports 5100..5108, each rewritten one byte longer
    for i in range(9):
        c.c("PA", dcc(b"SEND", b"f%d" % i, b"167772162", 5100 + i), what="offer %d" % i, resized=1)
        c.s("A")
    h.gw("conntrack -L expect")
    h.gw("conntrack -C expect")
    # B) the same offer again (5108): replaced, still 8
    c.c("PA", dcc(b"SEND", b"f8", b"167772162", 5108), what="offer 8 again", resized=1)
    c.s("A")
    h.gw("conntrack -C expect")
    # C) a second client offers 5105: another master's identical expectation clashes (EBUSY): a
    #    random port from 5105 up; the retransmission draws again (a second expectation)
    d = Conn(h, "lan", "wan", "10.0.0.4", 41000, "198.51.100.10", 6667, 3000, 8000)
    d.open()
    d.c("PA", b"NICK dave\r\n")
    d.s("A")
    seg = IP(src="10.0.0.4", dst="198.51.100.10") / TCP(sport=41000, dport=6667, flags="PA", seq=d.cseq,
                                                       ack=d.sseq, window=64240) / Raw(dcc(b"SEND", b"g", b"167772164", 5105))
    def rewritten(q):
        return TCP in q and q[TCP].sport == 41000 and b"DCC SEND g 3405803777 " in bytes(q[TCP].payload)
    h.send("lan", seg)
    h.expect("wan", rewritten, what="clashing offer: random port")
    h.send("lan", seg)
    h.expect("wan", rewritten, what="its retransmission: another random port")
    h.gw("conntrack -C expect")
    # the peer's connection to 5105 goes to the first session's client
    p = Conn(h, "wan", "lan", "198.51.100.20", 45105, "203.0.113.1", 5105, 6000, 2000)
    p.open()
    p.close()
    # D) an offer cut over two segments, then one without a newline: nothing expected, nothing dropped
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND cut.bin 1677", what="first half")
    c.c("PA", b"72162 5200 10\x01\r\n", what="second half")
    c.s("A")
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND nonl.bin 167772162 5201 10\x01", what="no newline")
    c.s("A")
    # E) two messages in one segment: the first " :" is not the DCC
    c.c("PA", b"PRIVMSG bob :hi\r\nPRIVMSG bob :\x01DCC SEND two.bin 167772162 5202 10\x01\r\n",
        what="second message not parsed")
    c.s("A")
    # F) leading blanks are skipped
    c.c("PA", b"\r\n  " + dcc(b"SEND", b"lead.bin", b"167772162", 5203), what="leading blanks", resized=1)
    c.s("A")
    # G) an address past 2^32: simple_strtoul's value truncated to 32 bits is 10.0.0.2
    c.c("PA", dcc(b"SEND", b"wrap.bin", b"4462739458", 5204), what="wrapped address")
    c.s("A")
    # H) port 0 in the first DCC ends the search: the second DCC CHAT is not looked at
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND z.bin 167772162 0 1\x01 :\x01DCC CHAT chat 167772162 5205\x01\r\n",
        what="second DCC of the message untouched")
    c.s("A")
    # I) lower-case dcc send, unknown type: nothing
    c.c("PA", b"PRIVMSG bob :\x01dcc send low.bin 167772162 5206 10\x01\r\n", what="lower-case dcc")
    c.s("A")
    c.c("PA", dcc(b"RESUME", b"r.bin", b"167772162", 5207), what="unknown type")
    c.s("A")
    h.gw("conntrack -L expect")
    q = Conn(h, "wan", "lan", "198.51.100.20", 45203, "203.0.113.1", 5203, 7000, 3000)
    q.open()
    q.close()
    c.c("PA", b"QUIT :bye\r\n", what="seq shifted by 11")
    c.s("PA", b"ERROR :Closing link\r\n")
    c.close()
    h.gw("conntrack -L expect")
    h.gw("conntrack -L")
