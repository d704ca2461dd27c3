"""irc-server-dnat: an IRC server inside behind a port forward (DNAT of 6667 to 10.0.0.5), the
helper assigned on the WAN side: a WAN client's DCC SEND naming its own address is "rewritten"
(the control connection is DNATed, so NATed: the address is put as the reply tuple's
destination, the client itself, decimal) and expects a connection from anywhere to the client;
a LAN peer's connection to it is RELATED and leaves with the public address as its source
(nf_nat_follow_master: the master's original destination), not through MASQUERADE's rule."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.5", "10.0.0.7"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth1 -p tcp --dport 6667 -j CT --helper irc",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 6667 -j DNAT --to-destination 10.0.0.5",
    "iptables -t nat -A POSTROUTING -o eth1 -s 10.0.0.0/24 -p tcp --dport 5000 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -m helper --helper irc",
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
    c = Conn(h, "wan", "lan", "198.51.100.20", 45000, "203.0.113.1", 6667, 1000, 9000)
    c.open()
    c.c("PA", b"NICK wanuser\r\n")
    c.s("PA", b":srv 001 wanuser :Welcome\r\n")
    # 198.51.100.20 = 3325256724
    c.c("PA", b"PRIVMSG bob :\x01DCC SEND f.txt 3325256724 5000 10\x01\r\n", what="DCC from the WAN client")
    c.s("A")
    h.gw("conntrack -L expect")
    p = Conn(h, "lan", "wan", "10.0.0.7", 41000, "198.51.100.20", 5000, 3000, 7000)
    p.open()
    p.close()
    h.gw("conntrack -L")
    h.gw("iptables-save -c -t nat")
