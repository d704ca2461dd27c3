"""nft-ct-helper: the FTP helper assigned as firewalld assigns it, by a `ct helper` object
(`ct helper ftp-std { type "ftp" protocol tcp; l3proto ip; }`) and `tcp dport 21 ct helper set
"ftp-std"` in the forward chain (nft_ct_helper_obj_eval: after conntrack and NAT, to the
unconfirmed entry), with masquerade and a DNATed server: passive (227), extended passive (229),
active (PORT rewritten, the control stream's sequence numbers shifted) and the DNATed server's 227;
`ct helper "ftp"` and `ct state related` count the data connections (the same flows as
ftp-helper-nat, where a raw-table CT --helper template assigns it)."""
from scapy.all import IP, TCP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.30"]
NFT = True
SETUP = [
    """nft -f - <<'EOF'
table ip fh {
	ct helper ftp-std {
		type "ftp" protocol tcp
		l3proto ip
	}
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "eth1" tcp dport 21 dnat to 10.0.0.5
	}
	chain forw {
		type filter hook forward priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
		ct state related ct helper "ftp" counter
		ct state related counter
		ct state new counter
		ct state established counter
		ct helper "ftp" counter
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" masquerade
	}
}
EOF""",
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
    # A) passive: 227 names the server itself, nothing to rewrite; data connection RELATED
    ctl = Conn(h, "lan", "wan", "10.0.0.2", 40000, "198.51.100.10", 21, 1000, 9000)
    ctl.open()
    ctl.s("PA", b"220 ready\r\n")
    ctl.c("PA", b"PASV\r\n")
    ctl.s("PA", b"227 Entering Passive Mode (198,51,100,10,195,80).\r\n")
    d = Conn(h, "lan", "wan", "10.0.0.2", 40001, "198.51.100.10", 50000, 3000, 7000)
    d.open()
    d.s("PA", b"file contents\n")
    d.c("A")
    d.close()
    # B) extended passive
    ctl.c("PA", b"EPSV\r\n")
    ctl.s("PA", b"229 Entering Extended Passive Mode (|||50001|)\r\n")
    e = Conn(h, "lan", "wan", "10.0.0.2", 40003, "198.51.100.10", 50001, 4000, 8000)
    e.open()
    e.close()
    # C) active: PORT 10,0,0,2,156,66 (40002) becomes PORT 203,0,113,1,156,66 (3 bytes longer)
    ctl.c("PA", b"PORT 10,0,0,2,156,66\r\n", what="PORT rewritten", resized=3)
    ctl.s("PA", b"200 PORT command successful\r\n")
    a = Conn(h, "wan", "lan", "198.51.100.10", 20, "203.0.113.1", 40002, 6000, 2000)
    a.open()
    a.c("PA", b"active data\n")
    a.s("A")
    a.close()
    ctl.c("PA", b"QUIT\r\n", what="after the rewrite: seq shifted")
    ctl.s("PA", b"221 bye\r\n")
    ctl.close()
    h.gw("conntrack -L")
    # D) a DNATed server inside: its 227 names 10.0.0.5, rewritten to 203.0.113.1
    srv = Conn(h, "wan", "lan", "198.51.100.30", 41000, "203.0.113.1", 21, 500, 900)
    srv.open()
    srv.s("PA", b"220 inside\r\n")
    srv.c("PA", b"PASV\r\n")
    srv.s("PA", b"227 Entering Passive Mode (10,0,0,5,195,90).\r\n", what="227 rewritten", resized=3)
    pd = Conn(h, "wan", "lan", "198.51.100.30", 41001, "203.0.113.1", 50010, 600, 1900)
    pd.open()
    pd.s("PA", b"inside file\n")
    pd.c("A")
    pd.close()
    srv.c("PA", b"QUIT\r\n")
    srv.s("PA", b"221 bye\r\n", what="after the rewrite: server seq shifted")
    srv.close()
    h.gw("conntrack -L")
    h.gw("conntrack -S")
