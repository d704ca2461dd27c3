"""pptp-master-deleted: the PPTP control connection's entry deleted (`conntrack -D`) while its
call's GRE entry lives: the helper's destroy runs at deletion (nf_ct_delete_from_lists ->
nf_ct_helper_destroy -> pptp_destroy_siblings): the GRE entry is killed right after the master
(DESTROY without [USERSPACE]) and the keymaps go: the PNS's next GRE gets source key 0, a new
entry."""
import struct

from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
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


def gre_out(h, seq, what):
    h.send("lan", gre("10.0.0.2", "198.51.100.10", 0x5678, seq))
    return h.expect("wan", lambda q: IP in q and q[IP].proto == 47, what=what)


def steps(h):
    c = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 1723, 1000, 9000)
    seen = call(h, c, "10.0.0.2", 0x1234, 0x5678, "masqueraded")
    gre_out(h, 1, "GRE out")
    h.send("wan", gre("198.51.100.10", "203.0.113.1", seen, 1))
    h.expect("lan", lambda q: IP in q and q[IP].proto == 47, what="GRE back")
    h.gw("conntrack -L")
    h.gw("conntrack -D -p tcp --orig-port-dst 1723")
    h.gw("conntrack -L")
    gre_out(h, 2, "GRE out after the master's deletion: a new entry")
    h.gw("conntrack -L")
