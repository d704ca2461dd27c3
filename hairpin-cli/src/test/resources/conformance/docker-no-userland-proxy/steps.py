"""docker-no-userland-proxy: dockerd's rules with `"userland-proxy": false` (route_localnet=1 on
docker0, OUTPUT to DOCKER for every LOCAL destination, loopback included, MASQUERADE of LOCAL
sources out docker0), a container publishing 8080->80 on all addresses, a port range
9000-9002->9000-9002 bound to 10.0.0.1 only, and a UDP port. The hairpin cases: a container
reaching its own published port (DNAT back out the bridge, MASQUERADEd to itself by the -s/-d
rule), another container reaching it (no MASQUERADE: the source is kept), the host's process on
127.0.0.1:8080 (DNATed from loopback, MASQUERADEd to 172.17.0.1). LOCAL scenario."""
from flows import TcpConn, UdpFlow, GwTcpClient
from scapy.all import IP, TCP, ICMP

DOCKER = True
LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.7"]
DOCK_IPS = ["172.17.0.2", "172.17.0.3"]
SYSCTL = [("net.ipv4.conf.docker0.route_localnet", "1")]
SETUP = [
    "iptables -t nat -N DOCKER",
    "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    "iptables -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER",
    "iptables -t nat -A POSTROUTING -o docker0 -m addrtype --src-type LOCAL -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 9000:9002 -j MASQUERADE",
    "iptables -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p udp -m udp --dport 5353 -j MASQUERADE",
    "iptables -t nat -A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
    "iptables -t nat -A DOCKER -d 10.0.0.1/32 -p tcp -m tcp --dport 9000:9002 -j DNAT --to-destination 172.17.0.2:9000-9002",
    "iptables -t nat -A DOCKER -p udp -m udp --dport 5353 -j DNAT --to-destination 172.17.0.2:5353",
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
    "iptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 9000:9002 -j ACCEPT",
    "iptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p udp -m udp --dport 5353 -j ACCEPT",
    "iptables -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2",
    "iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
    "iptables -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP",
    "iptables -A DOCKER-ISOLATION-STAGE-2 -j RETURN",
    "iptables -A DOCKER-USER -j RETURN",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]
REQ = b"GET / HTTP/1.0\r\n\r\n"
RESP = b"HTTP/1.0 200 OK\r\n\r\nhello"


def tcp(h, cl, sv, src, sport, dst, dport, cisn, sisn, close=True):
    t = TcpConn(h, cl, sv, src, sport, dst, dport, cisn=cisn, sisn=sisn)
    if not t.handshake():
        return t
    t.c("PA", REQ)
    t.s("PA", RESP)
    if close:
        t.c("FA")
        t.s("FA")
        t.c("A")
    return t


def steps(h):
    # A) the container reaches its own published port on the host address: DNATed back out
    #    docker0, MASQUERADEd (-s/-d rule) so the reply comes back through the gateway
    tcp(h, "dock", "dock", "172.17.0.2", 40000, "203.0.113.1", 8080, 1000, 9000)
    # B) a second container to the published port: DNATed, source kept (same bridge: the reply
    #    goes back through the gateway here because the peer always sends to it)
    tcp(h, "dock", "dock", "172.17.0.3", 40001, "203.0.113.1", 8080, 2000, 10000)
    # C) the port range bound to 10.0.0.1: from the LAN to 10.0.0.1:9001 -> 172.17.0.2:9001
    #    (the range maps port for port); to 203.0.113.1:9001 nothing is published: RST
    tcp(h, "lan", "dock", "10.0.0.2", 40002, "10.0.0.1", 9001, 3000, 11000)
    r = TcpConn(h, "wan", "wan", "198.51.100.7", 40003, "203.0.113.1", 9001, cisn=4000)
    r.c("S", expect=False)
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="not published on 203.0.113.1")
    # D) UDP published port from the WAN and the container's own hairpin query
    u = UdpFlow(h, "wan", "dock", "198.51.100.7", 40004, "203.0.113.1", 5353)
    u.c(b"query")
    u.s(b"answer")
    v = UdpFlow(h, "dock", "dock", "172.17.0.2", 40005, "10.0.0.1", 5353)
    v.c(b"self-query")
    v.s(b"self-answer")
    # E) the host's process -> 127.0.0.1:8080: OUTPUT DNAT from loopback, rerouted out
    #    docker0 (route_localnet on docker0), MASQUERADEd by --src-type LOCAL to 172.17.0.1
    g = GwTcpClient(h, "dock", ("172.17.0.2", 80), bind=("127.0.0.1", 45000), sisn=20000, name="host-lo")
    if g.connect("127.0.0.1", 8080):
        g.send(REQ)
        g.respond(RESP)
        g.close()
    # F) the host's process -> 10.0.0.1:9002 (LOCAL, not loopback): DNATed to 172.17.0.2:9002,
    #    source 10.0.0.1 is LOCAL too: MASQUERADEd to 172.17.0.1
    g2 = GwTcpClient(h, "dock", ("172.17.0.2", 9002), bind=("10.0.0.1", 45001), sisn=21000, name="host-lan")
    if g2.connect("10.0.0.1", 9002):
        g2.send(REQ)
        g2.respond(RESP)
        g2.close()
    h.gw("conntrack -L")
