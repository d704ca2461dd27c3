"""pptp-gre-nat: the PPTP conntrack helper (`-t raw ... --dport 1723 -j CT --helper pptp`) and
GRE version 1 (enhanced GRE, keyed by call id). A routed PNS (10.0.0.3, not masqueraded): the
Outgoing-Call-Reply expects GRE both ways (keys = the two call ids); the first GRE packet is
RELATED and removes the other direction's expectation. A masqueraded PNS (10.0.0.2): its
Outgoing-Call-Request's call id leaves as the masqueraded TCP source port, the reply's peer's
call id comes back as the client's own, the GRE packets' keys are translated (the server's
GRE to the client carries the client's call id), Set-Link-Info, Call-Clear-Request and
Call-Disconnect-Notify (the GRE entries are killed). `conntrack -L expect` and -L between."""
import struct

from scapy.all import IP, TCP, GRE, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 1723 -j CT --helper pptp",
    "iptables -t nat -A POSTROUTING -o eth1 ! -s 10.0.0.3 -j MASQUERADE",
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


def call(h, c, client, call_id, pac_call_id, what):
    """session start and an outgoing call; returns the call id the server saw"""
    c.open()
    c.c("PA", sccrq(), what=what + " SCCRQ")
    c.s("PA", sccrp(), what=what + " SCCRP")
    got = c.c("PA", ocrq(call_id, 1), what=what + " OCRQ")
    seen = struct.unpack("!H", bytes(got[TCP].payload)[12:14])[0]
    c.s("PA", ocrp(pac_call_id, seen), what=what + " OCRP")
    return seen


def steps(h):
    # A) routed PNS 10.0.0.3: no NAT, GRE expected both ways with the call ids as keys
    r = Conn(h, "lan", "wan", "10.0.0.3", 41000, "198.51.100.10", 1723, 100, 900)
    call(h, r, "10.0.0.3", 0x0301, 0x0a01, "routed")
    h.gw("conntrack -L expect")
    h.send("lan", gre("10.0.0.3", "198.51.100.10", 0x0a01, 1))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47 and q[IP].src == "10.0.0.3", what="routed GRE out")
    h.gw("conntrack -L expect")
    h.send("wan", gre("198.51.100.10", "10.0.0.3", 0x0301, 1))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47 and q[IP].dst == "10.0.0.3", what="routed GRE back")
    # B) masqueraded PNS 10.0.0.2
    c = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 1723, 1000, 9000)
    seen = call(h, c, "10.0.0.2", 0x1234, 0x5678, "masqueraded")
    h.gw("conntrack -L expect")
    c.c("PA", sli(0x5678), what="SLI")
    c.s("A")
    h.send("lan", gre("10.0.0.2", "198.51.100.10", 0x5678, 1))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47 and q[IP].src == "203.0.113.1", what="GRE out (key 0x5678)")
    h.send("wan", gre("198.51.100.10", "203.0.113.1", seen, 1))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47 and q[IP].dst == "10.0.0.2", what="GRE back (key rewritten)")
    h.send("lan", gre("10.0.0.2", "198.51.100.10", 0x5678, 2))
    h.expect("wan", lambda q: IP in q and q[IP].proto == 47 and q[IP].src == "203.0.113.1", what="GRE out again")
    h.gw("conntrack -L")
    # call clear and disconnect notify: the GRE entries go
    c.c("PA", ccrq(0x1234), what="CCRQ")
    c.s("PA", cdn(0x5678), what="CDN")
    h.gw("conntrack -L")
    c.c("PA", stopreq(), what="StopCCRQ")
    c.s("PA", stoprep(), what="StopCCRP")
    c.close()
    h.gw("conntrack -L expect")
