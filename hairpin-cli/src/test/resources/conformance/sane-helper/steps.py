"""sane-helper: the SANE helper (`-t raw ... --dport 6566 -j CT --helper sane`) through MASQUERADE:
a SANE_NET_START request (8 bytes, RPC code 7) and the scanner daemon's successful reply naming a
data port expect the client's data connection to that port (from the client's own address, any
source port; no NAT helper: the data connection is MASQUERADEd by the nat table); a refused
reply (status 9), a reply to another command (RPC 10) and a request of another length expect
nothing; a second NET_START replaces the pending expectation (max_expected 1)."""
import struct

from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 6566 -j CT --helper sane",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
    "iptables -A FORWARD -m conntrack --ctstate RELATED -m helper --helper sane",
    "iptables -A FORWARD -m conntrack --ctstate NEW",
]


def req(code, handle=1, extra=b""):
    return struct.pack("!II", code, handle) + extra


def reply(status, port, zero=0):
    return struct.pack("!IHH", status, zero, port) + struct.pack("!I", 0x1234) + b"\x00\x00\x00\x00"


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
    c = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 6566, 1000, 9000)
    c.open()
    # another command (SANE_NET_OPEN = 2... here 10): nothing expected from its reply
    c.c("PA", req(10), what="other request")
    c.s("PA", reply(0, 41000), what="reply to another command")
    h.gw("conntrack -L expect")
    # NET_START refused: nothing
    c.c("PA", req(7), what="NET_START")
    c.s("PA", reply(9, 41001), what="refused")
    # a request of another length: ignored (the state stays as it was: disarmed)
    c.c("PA", req(7, extra=b"\x00"), what="9-byte request")
    c.s("PA", reply(0, 41002), what="reply after a 9-byte request")
    h.gw("conntrack -L expect")
    # NET_START accepted: data port 41003 expected
    c.c("PA", req(7), what="NET_START 2")
    c.s("PA", reply(0, 41003), what="accepted")
    h.gw("conntrack -L expect")
    # again: 41004 replaces it
    c.c("PA", req(7), what="NET_START 3")
    c.s("PA", reply(0, 41004), what="accepted again")
    h.gw("conntrack -L expect")
    d = Conn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 41004, 3000, 7000)
    d.open()
    d.s("PA", b"image data")
    d.c("A")
    d.close()
    # the replaced port: an ordinary new connection
    e = Conn(h, "lan", "wan", "10.0.0.2", 40002, "198.51.100.10", 41003, 4000, 8000)
    e.open()
    h.gw("conntrack -L")
    h.gw("conntrack -L expect")
