"""output-reject: an egress firewall on the gateway's own traffic: REJECT in filter OUTPUT for
local sockets (tcp-reset to a TCP connect, port unreachable and host prohibited to UDP sends,
admin prohibited for a ping), the answers looping back through lo to the socket; DROP for
another port (nothing leaves); a permitted connection beside them. LOCAL scenario."""
from flows import GwTcpClient, GwUdpClient
from scapy.all import IP, TCP, UDP, ICMP

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10", "198.51.100.53"]
SETUP = [
    "iptables -A OUTPUT -o eth1 -p tcp --dport 25 -j REJECT --reject-with tcp-reset",
    "iptables -A OUTPUT -o eth1 -p udp --dport 5000 -j REJECT",
    "iptables -A OUTPUT -o eth1 -p udp --dport 5001 -j REJECT --reject-with icmp-host-prohibited",
    "iptables -A OUTPUT -o eth1 -p tcp --dport 26 -j DROP",
    "iptables -A OUTPUT -o eth1 -p icmp --icmp-type echo-request -j REJECT --reject-with icmp-admin-prohibited",
    "iptables -A OUTPUT -m conntrack --ctstate NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED",
    "iptables -A INPUT -i lo -p tcp --tcp-flags RST RST",
    "iptables -A INPUT -i lo -p icmp",
    "iptables -A INPUT -i lo -m conntrack --ctstate RELATED",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def steps(h):
    # A) connect to port 25: REJECT tcp-reset; the RST is looped back to the socket
    t = h.gw_local_tcp(bind=("", 45000), name="smtp")
    t.connect("198.51.100.10", 25)
    h.expect_nothing("wan", 0.4, "rejected locally")
    t.wait_connected(1.0)
    # B) UDP to 5000: port unreachable to ourselves; to 5001: host prohibited
    u = h.gw_local_udp(bind=("", 45001), name="u5000")
    try:
        u.sendto(b"blocked", "198.51.100.53", 5000)
    except PermissionError:
        pass                      # sendmsg gets -EPERM: the packet was rejected in OUTPUT
    h.expect_nothing("wan", 0.4, "rejected locally")
    u2 = h.gw_local_udp(bind=("", 45002), name="u5001")
    try:
        u2.sendto(b"blocked", "198.51.100.53", 5001)
    except PermissionError:
        pass
    h.expect_nothing("wan", 0.4, "rejected locally")
    # C) port 26: dropped, the connect just waits
    d = h.gw_local_tcp(bind=("", 45003), name="drop")
    d.connect("198.51.100.10", 26)
    h.expect_nothing("wan", 0.4, "dropped")
    # D) a permitted connection
    g = GwTcpClient(h, "wan", ("198.51.100.10", 80), bind=("", 45004), sisn=20000, name="web")
    if g.connect("198.51.100.10", 80):
        g.send(b"GET /")
        g.respond(b"200")
        g.close()
    h.gw("conntrack -L")
    h.gw("conntrack -S")
