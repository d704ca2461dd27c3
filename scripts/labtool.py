#!/usr/bin/env python3
"""Small traffic tools for the gateway namespace lab (no ping/iperf needed).

  labtool.py ping HOST [COUNT [TTL [SIZE]]]  ICMP echo over a raw socket (DF set); prints "reply from A ttl=T"
                                        per answer, or "icmp type T code C from A mtu=M" for an error
  labtool.py http-serve BIND PORT       HTTP server logging "<peer> GET <path>" (no DNS lookups, prints "ready")
  labtool.py udp-echo BIND PORT         answers each datagram with "<src-addr>:<src-port> <payload>"
  labtool.py udp-send HOST PORT MSG     sends MSG, prints the answer (exit 1 on timeout)
  labtool.py tcp-echo BIND PORT         echoes lines, prefixed with the peer address
  labtool.py tcp-session HOST PORT      one connection: each stdin line is sent, its echo printed
  labtool.py udp-sink BIND PORT SECS    counts datagrams for SECS seconds, prints "received N"
  labtool.py udp-blast HOST PORT FLOWS SECS   sends 18-byte datagrams round robin from FLOWS source ports
  labtool.py tcp-conns HOST PORT SECS PARALLEL  connect+close as fast as possible; prints "connections N"
  labtool.py udp-hold BIND PORT SECS    binds and never reads (datagrams are counted on the device, no ICMP back)
  labtool.py tcp-accept BIND PORT       asyncio server: accepts, closes on the client's EOF
  labtool.py tcp-burst HOST PORT N      opens N connections at once; prints "connections N seconds T"
  labtool.py syn-flood SRC0 NSRC DST DPORT COUNT   COUNT SYNs from NSRC addresses from SRC0 up, every source port
  labtool.py bad-frames IFACE DSTMAC SRC DST COUNT  malformed Ethernet/ARP/IPv4/L4 frames, then COUNT random ones
"""
import os, select, socket, struct, sys, threading, time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(host, count=3, ttl=64, size=16, wait=2):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO: DF, no local fragmentation
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, count + 1):
        payload = (b"hairpin-lab-ping" * (size // 16 + 1))[:size]
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, (host, 0))
        deadline = time.time() + wait
        while time.time() < deadline:
            r, _, _ = select.select([s], [], [], deadline - time.time())
            if not r:
                break
            data, addr = s.recvfrom(2048)
            ihl = (data[0] & 15) * 4
            t, _, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if t == 0 and i == ident and q == seq:
                print("reply from %s ttl=%d seq=%d" % (addr[0], data[8], seq), flush=True)
                got += 1
                break
            if t in (3, 11):
                mtu = struct.unpack("!H", data[ihl + 6:ihl + 8])[0]
                print("icmp type %d code %d from %s mtu=%d" % (t, data[ihl + 1], addr[0], mtu), flush=True)
                break
    return 0 if got == count else 1


def http_serve(bind, port):
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("hello %s\n" % self.client_address[0]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            print("%s GET %s" % (self.client_address[0], self.path), flush=True)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def server_bind(self):  # no getfqdn(): a DNS lookup in a lab namespace only times out
            import socketserver
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = self.server_address[:2]

    srv = Server((bind, int(port)), Handler)
    print("ready", flush=True)
    srv.serve_forever()


def udp_echo(bind, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, int(port)))
    print("ready", flush=True)
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(("%s:%d " % addr).encode() + data, addr)


def udp_send(host, port, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(msg.encode(), (host, int(port)))
    try:
        print(s.recv(65535).decode(), flush=True)
        return 0
    except socket.timeout:
        print("timeout", flush=True)
        return 1


def udp_send_big(host, port, size):
    """a datagram of SIZE payload bytes without DF (IP_PMTUDISC_DONT), so routers fragment it"""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT
    s.settimeout(3)
    body = bytes((i * 7) & 0xff for i in range(int(size)))
    s.sendto(body, (host, int(port)))
    try:
        data = s.recv(65535)
    except socket.timeout:
        print("timeout", flush=True)
        return 1
    prefix, _, echoed = data.partition(b" ")
    print("%s %d bytes %s" % (prefix.decode(), len(echoed), "intact" if echoed == body else "corrupt"), flush=True)
    return 0


def tcp_echo(bind, port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((bind, int(port)))
    srv.listen(128)
    print("ready", flush=True)

    def serve(c, addr):
        with c, c.makefile("rwb") as f:
            for line in f:
                f.write(("%s:%d " % addr).encode() + line)
                f.flush()

    while True:
        c, addr = srv.accept()
        threading.Thread(target=serve, args=(c, addr), daemon=True).start()


def tcp_session(host, port):
    c = socket.create_connection((host, int(port)), timeout=5)
    f = c.makefile("rwb")
    print("connected", flush=True)
    for line in sys.stdin:
        f.write(line.encode())
        f.flush()
        print(f.readline().decode().rstrip("\n"), flush=True)
    return 0


def udp_sink(bind, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((bind, int(port)))
    s.settimeout(0.2)
    print("ready", flush=True)
    n = 0
    end = None
    while end is None or time.time() < end:
        try:
            s.recv(2048)
            n += 1
            if end is None:
                end = time.time() + float(secs)
        except socket.timeout:
            pass
    print("received %d" % n, flush=True)


def udp_blast(host, port, flows, secs):
    socks = []
    for _ in range(int(flows)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        socks.append(s)
    msg = b"hairpin-lab-blast!"
    dst = (host, int(port))
    n = 0
    end = time.time() + float(secs)
    while time.time() < end:
        for s in socks:
            try:
                s.sendto(msg, dst)
                n += 1
            except BlockingIOError:
                pass
    print("sent %d" % n, flush=True)


def tcp_conns(host, port, secs, parallel):
    end = time.time() + float(secs)
    counts = []

    def worker():
        n = 0
        while time.time() < end:
            try:
                c = socket.create_connection((host, int(port)), timeout=2)
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST: no TIME_WAIT pile-up
                c.close()
                n += 1
            except OSError:
                pass
        counts.append(n)

    ts = [threading.Thread(target=worker) for _ in range(int(parallel))]
    [t.start() for t in ts]
    [t.join() for t in ts]
    print("connections %d" % sum(counts), flush=True)


def syn_flood(src0, nsrc, dst, dport, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)  # IP_HDRINCL
    base = struct.unpack("!I", socket.inet_aton(src0))[0]
    daddr = socket.inet_aton(dst)
    sent = 0
    for i in range(int(count)):
        saddr = struct.pack("!I", base + i % int(nsrc))
        sport = 1024 + (i // int(nsrc)) % 64000
        tcp = struct.pack("!HHIIBBHHH", sport, int(dport), i, 0, 5 << 4, 0x02, 65535, 0, 0)
        pseudo = saddr + daddr + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0, 64, 6, 0, saddr, daddr)
        try:
            s.sendto(ip + tcp, (dst, 0))
            sent += 1
        except OSError:
            time.sleep(0.001)
    print("sent %d" % sent, flush=True)


def bad_frames(iface, dstmac, src, dst, count):
    import random
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    dmac = bytes.fromhex(dstmac.replace(":", ""))
    smac = s.getsockname()[4][:6]
    sa, da = socket.inet_aton(src), socket.inet_aton(dst)

    def ip(proto, payload, ihl=5, tot=None, check=True, frag=0, opts=b""):
        tot = 20 + len(opts) + len(payload) if tot is None else tot
        h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, 1, frag, 64, proto, 0, sa, da) + opts
        if check:
            h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return h + payload

    eth = lambda t, p: dmac + smac + struct.pack("!H", t) + p
    frames = [
        dmac + smac,                                         # runt: no ethertype
        eth(0x0800, b"\x45"),                                # 1-byte IPv4
        eth(0x0800, ip(17, b"x" * 8, ihl=15)),                 # ihl past the end
        eth(0x0800, ip(17, b"x" * 8, ihl=4)),                  # ihl below 5
        eth(0x0800, ip(17, b"x" * 8, tot=1400)),               # tot_len past the frame
        eth(0x0800, ip(17, b"x" * 8, tot=10)),                 # tot_len below the header
        eth(0x0800, ip(17, b"x" * 8, check=False)),            # bad header checksum
        eth(0x0800, ip(6, b"\x00\x50")),                      # TCP cut after 2 bytes
        eth(0x0800, ip(6, struct.pack("!HHIIBBHHH", 1, 80, 0, 0, 0xF0, 0x02, 0, 0, 0))),  # doff 15 past the end
        eth(0x0800, ip(17, b"\x00\x35\x00")),                # UDP cut after 3 bytes
        eth(0x0800, ip(17, struct.pack("!HHHH", 1, 53, 400, 0))),  # UDP length past the datagram
        eth(0x0800, ip(1, b"\x03")),                           # ICMP cut after 1 byte
        eth(0x0800, ip(1, struct.pack("!BBHI", 3, 3, 0, 0) + b"\x45\x00")),  # ICMP error quoting 2 bytes
        eth(0x0800, ip(1, struct.pack("!BBHI", 11, 0, 0, 0) + ip(6, b"\x00"))),  # ICMP error quoting a cut TCP
        eth(0x0800, ip(17, b"x" * 8, frag=0x2000)),             # first fragment, MF
        eth(0x0800, ip(17, b"x" * 8, frag=0x0001)),             # a later fragment alone
        eth(0x0800, ip(17, b"x" * 8, ihl=7, opts=b"\x44\x02\x00\x00\x07\xff\x00\x00")),  # broken options
        eth(0x0806, b"\x00\x01\x08\x00\x06"),                 # ARP cut short
        eth(0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 9) + smac + sa + b"\0" * 6 + da),  # ARP op 9
        eth(0x86DD, b"\x60" + b"\0" * 39),                     # IPv6: not ours
    ]
    rnd = random.Random(42)
    for _ in range(int(count)):
        frames.append(eth(0x0800, bytes([0x45]) + bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 120)))))
    sent = 0
    for f in frames:
        try:
            s.send(f)
            sent += 1
        except OSError:
            pass  # the kernel refuses frames shorter than an Ethernet header
    print("sent %d" % sent, flush=True)


def udp_hold(bind, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((bind, int(port)))
    print("ready", flush=True)
    time.sleep(float(secs))


def tcp_accept(bind, port):
    import asyncio

    async def handle(r, w):
        await r.read()
        w.close()

    async def main():
        srv = await asyncio.start_server(handle, bind, int(port), backlog=4096)
        print("ready", flush=True)
        await srv.serve_forever()

    asyncio.run(main())


def tcp_burst(host, port, n):
    import asyncio

    async def one():
        for _ in range(3):
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 10)
                return w
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.1)
        return None

    async def main():
        t0 = time.time()
        ws = await asyncio.gather(*[one() for _ in range(int(n))])
        t = time.time() - t0
        ok = [w for w in ws if w]
        print("connections %d seconds %.3f" % (len(ok), t), flush=True)
        for w in ok:
            w.close()
        await asyncio.sleep(0.5)

    asyncio.run(main())


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"ping": lambda: ping(args[0], *[int(x) for x in args[1:]]),
          "udp-echo": lambda: udp_echo(*args), "http-serve": lambda: http_serve(*args), "udp-send": lambda: udp_send(*args),
          "udp-send-big": lambda: udp_send_big(*args),
          "tcp-echo": lambda: tcp_echo(*args), "tcp-session": lambda: tcp_session(*args),
          "udp-sink": lambda: udp_sink(*args), "udp-blast": lambda: udp_blast(*args),
          "tcp-conns": lambda: tcp_conns(*args), "udp-hold": lambda: udp_hold(*args),
          "tcp-accept": lambda: tcp_accept(*args), "tcp-burst": lambda: tcp_burst(*args),
          "syn-flood": lambda: syn_flood(*args), "bad-frames": lambda: bad_frames(*args)}[cmd]
    sys.exit(fn() or 0)
