"""irc-dcc-nat: the IRC conntrack helper (assigned with `-t raw ... --dport 6667 -j CT --helper
irc`) through MASQUERADE: a LAN client's DCC SEND offer naming its own address (10.0.0.2 =
167772162) leaves naming the masquerade address (203.0.113.1 = 3405803777, one digit longer: the
control connection's sequence numbers shift after it) and expects a connection from ANY address
to 203.0.113.1:5000; a WAN peer (not the IRC server) connecting there is RELATED and reaches
10.0.0.2:5000 with the IRC server's address as its source (nf_nat_follow_master). A DCC CHAT
naming the public address already (rewritten to itself), a forged offer (another LAN address: no
expectation), a NOTICE instead of PRIVMSG (not parsed), a lower-case privmsg (parsed), a DCC in
the server's direction (ignored), and a routed client (10.0.0.3, not masqueraded: the expectation
without NAT). `conntrack -L expect` with offers pending."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10", "198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 6667 -j CT --helper irc",
    "iptables -t nat -A POSTROUTING -o eth1 ! -s 10.0.0.3 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -m helper --helper irc",
    "iptables -A FORWARD -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED",
    "iptables -A FORWARD -m helper --helper irc",
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
    # the IRC session of 10.0.0.2 (masqueraded)
    c = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 6667, 1000, 9000)
    c.open()
    c.c("PA", b"NICK alice\r\nUSER alice 0 * :Alice\r\n")
    c.s("PA", b":irc.example 001 alice :Welcome\r\n")
    # A) DCC SEND naming 10.0.0.2: rewritten to 3405803777 (one byte longer)
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND notes.txt 167772162 5000 1024\x01\r\n",
        what="DCC SEND rewritten", resized=1)
    c.s("PA", b":irc.example NOTICE alice :sent\r\n")
    # B) DCC CHAT naming the public address already: rewritten to the same text
    c.c("PA", b"PRIVMSG bob :\x01DCC CHAT chat 3405803777 5001\x01\r\n", what="DCC CHAT public address")
    c.s("A")
    h.gw("conntrack -L expect")
    # the WAN peer (not the IRC server) takes up the SEND offer
    d = Conn(h, "wan", "lan", "198.51.100.20", 45000, "203.0.113.1", 5000, 6000, 2000)
    d.open()
    d.s("PA", b"file contents\n")
    d.c("A")
    d.close()
    # and the CHAT offer
    e = Conn(h, "wan", "lan", "198.51.100.20", 45001, "203.0.113.1", 5001, 7000, 3000)
    e.open()
    e.c("PA", b"hello\n")
    e.s("A")
    e.close()
    h.gw("conntrack -L expect")
    # C) forged: names 10.0.0.9, no expectation, not rewritten
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND x.bin 167772169 5002 10\x01\r\n", what="forged DCC untouched")
    c.s("A")
    # D) NOTICE instead of PRIVMSG: not looked at
    c.c("PA", b"NOTICE bob :\x01DCC SEND y.bin 167772162 5003 10\x01\r\n", what="NOTICE DCC untouched")
    c.s("A")
    # E) lower-case privmsg: strncasecmp, rewritten
    c.c("PA", b"privmsg bob :\x01DCC SEND z.bin 167772162 5004 10\x01\r\n", what="privmsg rewritten",
        resized=1)
    c.s("A")
    # F) a DCC offer from the server's side: the helper looks only at the client's data
    c.s("PA", b":bob!b@h PRIVMSG alice :\x01DCC SEND w.bin 3325256714 5005 10\x01\r\n")
    c.c("A")
    h.gw("conntrack -L expect")
    h.send("wan", IP(src="198.51.100.20", dst="203.0.113.1") / TCP(sport=45002, dport=5002, flags="S", seq=50))
    h.expect("wan", lambda q: TCP in q and "R" in str(q[TCP].flags), what="RST from the gateway (no expectation)")
    f = Conn(h, "wan", "lan", "198.51.100.20", 45004, "203.0.113.1", 5004, 8000, 4000)
    f.open()
    f.close()
    c.c("PA", b"QUIT :bye\r\n", what="after the rewrites: seq shifted by 2")
    c.s("PA", b"ERROR :Closing link\r\n")
    c.close()
    # G) a routed client: the expectation without NAT, the peer reaches 10.0.0.3 directly
    r = Conn(h, "lan", "wan", "10.0.0.3", 40100, "198.51.100.10", 6667, 100, 900)
    r.open()
    r.c("PA", b"NICK carol\r\n")
    r.s("PA", b":irc.example 001 carol :Welcome\r\n")
    r.c("PA", b"PRIVMSG bob :\x01DCC SEND r.txt 167772163 5006 5\x01\r\n", what="routed DCC")
    r.s("A")
    h.gw("conntrack -L expect")
    g = Conn(h, "wan", "lan", "198.51.100.20", 45006, "10.0.0.3", 5006, 9000, 5000)
    g.open()
    g.s("PA", b"abcde")
    g.c("A")
    g.close()
    h.gw("conntrack -L")
    h.gw("conntrack -S")
