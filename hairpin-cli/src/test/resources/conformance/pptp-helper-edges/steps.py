"""pptp-helper-edges: the PPTP helper's less common paths through MASQUERADE. A message shorter
than its type's body (ignored: not rewritten, no state), Echo-Request/Reply, the PAC's GRE
arriving first (the reply direction's expectation: DNATed to the PNS with its own call id),
a second Outgoing-Call in the same session (one call per session: the keymaps refuse it, no
expectation stays), WAN-Error-Notify (its peer's call id rewritten), a Call-Disconnect-Notify
naming the second call (the first call's GRE entry is not found and stays), the PNS's GRE after
it (no keymap any more: a new unrelated entry). On a second session an incoming call
(Incoming-Call-Request / -Reply / -Connected) through NAT."""
import struct

from scapy.all import IP, TCP, GRE, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.4"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 1723 -j CT --helper pptp",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -m helper --helper pptp",
    "iptables -A FORWARD -m conntrack --ctstate RELATED",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
    "iptables -A FORWARD -p gre",
]


def pptp(msg, body):
    """a PPTP control message: length, type 1 (control), magic cookie, message type, reserved"""
    return struct.pack("!HHIHH", 12 + len(body), 1, 0x1A2B3C4D, msg, 0) + body


def sccrq():
    return pptp(1, struct.pack("!HHIIHH", 0x0100, 0, 1, 1, 0, 1) + b"pns".ljust(64, b"\0") + b"hairpin".ljust(64, b"\0"))


def sccrp():
    return pptp(2, struct.pack("!HBBIIHH", 0x0100, 1, 0, 1, 1, 0, 1) + b"pac".ljust(64, b"\0") + b"oracle".ljust(64, b"\0"))


def ocrq(call_id, serial):
    return pptp(7, struct.pack("!HHIIIIHHHH", call_id, serial, 300, 100000000, 3, 3, 64, 0, 0, 0)
                + b"".ljust(64, b"\0") + b"".ljust(64, b"\0"))


def ocrp(call_id, peer):
    return pptp(8, struct.pack("!HHBBHIHHI", call_id, peer, 1, 0, 0, 100000000, 64, 0, 0))


def sli(peer):
    return pptp(15, struct.pack("!HHII", peer, 0, 0xffffffff, 0xffffffff))


def ccrq(call_id):
    return pptp(12, struct.pack("!HH", call_id, 0))


def cdn(call_id):
    return pptp(13, struct.pack("!HBBHH", call_id, 1, 0, 0, 0) + b"".ljust(128, b"\0"))


def stopreq():
    return pptp(3, struct.pack("!BBH", 1, 0, 0))


def stoprep():
    return pptp(4, struct.pack("!BBH", 1, 0, 0))


def gre(src, dst, key, seq, data=b"\xff\x03\x00\x21ppp"):
    """enhanced GRE (version 1, key and sequence present): the key is the receiver's call id"""
    hdr = struct.pack("!HHHHI", 0x3001, 0x880B, len(data), key, seq)
    return IP(src=src, dst=dst, proto=47) / Raw(hdr + data)


def gre_key(q):
    b = bytes(q[IP].payload)
    return struct.unpack("!H", b[6:8])[0] if len(b) >= 8 else None


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




def icrq(call_id):
    return pptp(9, struct.pack("!HHIIHH", call_id, 1, 1, 0, 0, 0) + b"".ljust(192, b"\0"))


def icrp(call_id, peer):
    return pptp(10, struct.pack("!HHBBHHH", call_id, peer, 1, 0, 64, 0, 0))


def iccn(peer):
    return pptp(11, struct.pack("!HHIHHI", peer, 0, 100000000, 64, 0, 3))


def wen(peer):
    return pptp(14, struct.pack("!HHIIIIII", peer, 0, 1, 0, 0, 0, 0, 0))


def echo(msg, ident):
    return pptp(msg, struct.pack("!I", ident) + (b"\x01\x00\x00\x00" if msg == 6 else b""))


def call_id_of(q, off):
    return struct.unpack("!H", bytes(q[TCP].payload)[12 + off:14 + off])[0]


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


def gre_from(h, side, src, dst, key, seq, what):
    h.send(side, gre(src, dst, key, seq))
    other = "wan" if side == "lan" else "lan"
    return h.expect(other, lambda q: IP in q and q[IP].proto == 47, what=what)


def steps(h):
    c = Conn(h, "lan", "wan", "10.0.0.2", 40010, "198.51.100.10", 1723, 1000, 9000)
    c.open()
    c.c("PA", sccrq(), what="SCCRQ")
    c.s("PA", sccrp(), what="SCCRP")
    c.c("PA", echo(5, 7), what="Echo-Request")
    c.s("PA", echo(6, 7), what="Echo-Reply")
    # a truncated Outgoing-Call-Request: ignored (its call id leaves as it is)
    c.c("PA", pptp(7, struct.pack("!HHIH", 0x2000, 1, 300, 0)), what="short OCRQ untouched")
    c.s("A")
    got = c.c("PA", ocrq(0x2001, 2), what="OCRQ")
    seen = call_id_of(got, 0)
    c.s("PA", ocrp(0x7001, seen), what="OCRP")
    h.gw("conntrack -L expect")
    # the PAC's GRE first: the reply direction's expectation
    gre_from(h, "wan", "198.51.100.10", "203.0.113.1", seen, 1, "PAC GRE first")
    gre_from(h, "lan", "10.0.0.2", "198.51.100.10", 0x7001, 1, "PNS GRE")
    h.gw("conntrack -L expect")
    # a second call in the same session: the keymaps are taken, nothing stays expected
    got = c.c("PA", ocrq(0x2002, 3), what="second OCRQ")
    seen2 = call_id_of(got, 0)
    c.s("PA", ocrp(0x7002, seen2), what="second OCRP")
    h.gw("conntrack -L expect")
    c.s("PA", wen(seen2), what="WAN-Error-Notify")
    c.c("A")
    # disconnect of the second call: the first call's GRE is not found and stays
    c.c("PA", ccrq(0x2002), what="CCRQ")
    c.s("PA", cdn(0x7002), what="CDN")
    h.gw("conntrack -L")
    # the PNS's GRE after it: no keymap, a new entry with source key 0
    gre_from(h, "lan", "10.0.0.2", "198.51.100.10", 0x7001, 2, "PNS GRE without keymap")
    h.gw("conntrack -L")
    # an incoming call on a second session
    d = Conn(h, "lan", "wan", "10.0.0.4", 40020, "198.51.100.10", 1723, 3000, 8000)
    d.open()
    d.c("PA", sccrq(), what="SCCRQ 2")
    d.s("PA", sccrp(), what="SCCRP 2")
    d.s("PA", icrq(0x8001), what="ICRQ")
    d.c("PA", icrp(0x3001, 0x8001), what="ICRP")
    d.s("PA", iccn(0x3001), what="ICCN")
    h.gw("conntrack -L expect")
    gre_from(h, "lan", "10.0.0.4", "198.51.100.10", 0x8001, 1, "incoming call: PNS GRE")
    gre_from(h, "wan", "198.51.100.10", "203.0.113.1", 0x3001, 1, "incoming call: PAC GRE")
    h.gw("conntrack -L")
    h.gw("conntrack -L expect")
