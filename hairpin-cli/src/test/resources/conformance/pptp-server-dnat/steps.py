"""pptp-server-dnat: a PPTP server (PAC) inside behind a port forward (DNAT of 1723 to 10.0.0.5),
a PNS on the WAN. The control connection is only DNATed, yet NATed: the PNS's Outgoing-Call-
Request call id is replaced by the PNS's own TCP source port (the reply tuple's destination
port), the PAC's reply's peer's call id is put back; the PNS's GRE to 203.0.113.1 (key = the
PAC's call id) is RELATED and DNATed to 10.0.0.5, the PAC's GRE back reaches the PNS with the
PNS's own call id; Call-Clear-Request and Call-Disconnect-Notify end the call (its GRE killed)."""
import struct

from scapy.all import IP, TCP, GRE, Raw

LAN_IPS = ["10.0.0.5"]
WAN_IPS = ["198.51.100.20"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth1 -p tcp --dport 1723 -j CT --helper pptp",
    "iptables -t nat -A PREROUTING -i eth1 -p tcp --dport 1723 -j DNAT --to-destination 10.0.0.5",
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
    c = Conn(h, "wan", "lan", "198.51.100.20", 45000, "203.0.113.1", 1723, 1000, 9000)
    c.open()
    c.c("PA", sccrq(), what="SCCRQ")
    c.s("PA", sccrp(), what="SCCRP")
    got = c.c("PA", ocrq(0x4444, 1), what="OCRQ")
    seen = struct.unpack("!H", bytes(got[TCP].payload)[12:14])[0]
    c.s("PA", ocrp(0x5555, seen), what="OCRP")
    h.gw("conntrack -L expect")
    h.send("wan", gre("198.51.100.20", "203.0.113.1", 0x5555, 1))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47, what="PNS GRE in, DNATed")
    h.send("lan", gre("10.0.0.5", "198.51.100.20", seen, 1))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47, what="PAC GRE out")
    h.send("wan", gre("198.51.100.20", "203.0.113.1", 0x5555, 2))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47, what="PNS GRE in again")
    h.gw("conntrack -L")
    h.gw("conntrack -L expect")
    c.c("PA", ccrq(0x4444), what="CCRQ")
    c.s("PA", cdn(0x5555), what="CDN")
    h.gw("conntrack -L")
    h.gw("conntrack -S")
