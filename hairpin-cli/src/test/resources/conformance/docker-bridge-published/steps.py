"""docker-bridge-published: Docker's default bridge rules (userland proxy on: `DOCKER -i docker0
-j RETURN`, DNAT `! -i docker0`), nat and filter tables as dockerd writes them, one container
172.17.0.2 publishing 8080->80. The published port reached from the WAN, from the LAN (dst-type
LOCAL on the gateway's LAN address), from the gateway itself (OUTPUT DNAT, LOCAL scenario);
the container's own outbound traffic (MASQUERADE of the bridge subnet), a second container
reaching the published port on the host address (RETURN: not DNATed, the gateway's stack
answers RST), and a WAN packet to an unpublished container port (FORWARD policy DROP)."""
from flows import TcpConn, UdpFlow, GwTcpClient
from scapy.all import TCP

DOCKER = True
LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.7", "198.51.100.10"]
DOCK_IPS = ["172.17.0.2", "172.17.0.3"]
SETUP = [
    "iptables -t nat -N DOCKER",
    "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    "iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
    "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE",
    "iptables -t nat -A DOCKER -i docker0 -j RETURN",
    "iptables -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
    "iptables -N DOCKER",
    "iptables -N DOCKER-ISOLATION-STAGE-1",
    "iptables -N DOCKER-ISOLATION-STAGE-2",
    "iptables -N DOCKER-USER",
    "iptables -P FORWARD DROP",
    "iptables -A FORWARD -j DOCKER-USER",
    "iptables -A FORWARD -j DOCKER-ISOLATION-STAGE-1",
    "iptables -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "iptables -A FORWARD -o docker0 -j DOCKER",
    "iptables -A FORWARD -i docker0 ! -o docker0 -j ACCEPT",
    "iptables -A FORWARD -i docker0 -o docker0 -j ACCEPT",
    "iptables -A FORWARD -i eth0 -o eth1 -j ACCEPT",
    "iptables -A FORWARD -i eth1 -o eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "iptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT",
    "iptables -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2",
    "iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
    "iptables -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP",
    "iptables -A DOCKER-ISOLATION-STAGE-2 -j RETURN",
    "iptables -A DOCKER-USER -j RETURN",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
REQ = b"GET / HTTP/1.0\r\n\r\n"
RESP = b"HTTP/1.0 200 OK\r\n\r\nhello"


def steps(h):
    # A) WAN client -> 203.0.113.1:8080 -> DNAT 172.17.0.2:80 (source kept)
    a = TcpConn(h, "wan", "dock", "198.51.100.7", 51000, "203.0.113.1", 8080, cisn=1000, sisn=9000)
    a.handshake()
    a.c("PA", REQ)
    a.s("PA", RESP)
    a.c("FA")
    a.s("FA")
    a.c("A")
    # B) LAN client -> the gateway's LAN address 10.0.0.1:8080: dst-type LOCAL, DNATed too
    b = TcpConn(h, "lan", "dock", "10.0.0.2", 42000, "10.0.0.1", 8080, cisn=2000, sisn=12000)
    b.handshake()
    b.c("PA", REQ)
    b.s("PA", RESP)
    b.c("RA")
    # C) the container's own outbound connection and DNS query: MASQUERADE to 203.0.113.1
    c = TcpConn(h, "dock", "wan", "172.17.0.2", 43000, "198.51.100.10", 443, cisn=3000, sisn=15000)
    c.handshake()
    c.c("PA", b"hello")
    c.s("A")
    u = UdpFlow(h, "dock", "wan", "172.17.0.2", 43001, "198.51.100.10", 53)
    u.c(b"query")
    u.s(b"answer")
    # D) a second container -> 203.0.113.1:8080: `-i docker0 -j RETURN`, not DNATed; delivered to the
    #    gateway, where nothing listens: RST/ACK from 203.0.113.1:8080
    d = TcpConn(h, "dock", "dock", "172.17.0.3", 44000, "203.0.113.1", 8080, cisn=5000)
    d.c("S", expect=False)
    h.expect("dock", lambda q: TCP in q and q[TCP].flags.R, what="RST from the gateway's stack")
    # E) WAN -> container port not published (routed straight to 172.17.0.2:22): FORWARD drops it
    e = TcpConn(h, "wan", "dock", "198.51.100.7", 51001, "172.17.0.2", 22, cisn=4000)
    e.c("S", expect=False)
    h.expect_nothing("dock", 0.4, "dropped by FORWARD (DOCKER chain only accepts port 80)")
    # F) the gateway's own process -> 203.0.113.1:8080: OUTPUT DNAT to the container
    g = GwTcpClient(h, "dock", ("172.17.0.2", 80), bind=("", 45000), sisn=20000, name="tcp-local")
    if g.connect("203.0.113.1", 8080):
        g.send(REQ)
        g.respond(RESP)
        g.close()
    h.gw("conntrack -L")
