"""tproxy-transparent: a transparent proxy with TPROXY (mangle PREROUTING, --tproxy-mark 0x1/0x1,
--on-port 3129), the socket match diverting established flows, policy routing (fwmark 1 ->
table 100: local 0.0.0.0/0 dev lo), and a transparent listener (IP_TRANSPARENT) on 3129: the LAN
client's connection to 198.51.100.10:80 ends at the gateway's proxy, which answers as
198.51.100.10:80; no NAT. LOCAL scenario."""
import socket
import time
from scapy.all import IP, TCP, Raw

LOCAL = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
SETUP = [
    "ip rule add fwmark 0x1/0x1 lookup 100",
    "ip route add local 0.0.0.0/0 dev lo table 100",
    "iptables -t mangle -N DIVERT",
    "iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT",
    "iptables -t mangle -A DIVERT -j MARK --set-mark 1",
    "iptables -t mangle -A DIVERT -j ACCEPT",
    "iptables -t mangle -A PREROUTING -i eth0 -p tcp --dport 80 -j TPROXY --tproxy-mark 0x1/0x1 --on-port 3129",
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
]


def lan_tcp(h, flags, seq, ack, data=b""):
    p = IP(src="10.0.0.2", dst="198.51.100.10") / TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack, window=64240)
    if data:
        p = p / Raw(data)
    h.send("lan", p)


def from_gw(flags, data=None):
    def m(q):
        if TCP not in q or str(q[TCP].flags) != flags or q[TCP].dport != 40000:
            return False
        return data is None or bytes(q[TCP].payload) == data
    return m


def steps(h):
    lst = h.gw_local_listen("0.0.0.0", 3129, name="proxy")
    lst.sock.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT
    lan_tcp(h, "S", 1000, 0)
    sa = h.expect("lan", from_gw("SA"), what="the proxy's SYN-ACK as 198.51.100.10:80")
    g = sa[TCP].seq + 1
    lan_tcp(h, "A", 1001, g)
    time.sleep(0.1)
    c = lst.accept(name="proxy-conn")
    lan_tcp(h, "PA", 1001, g, b"GET / HTTP/1.0\r\n\r\n")
    h.expect("lan", from_gw("A"), what="ACK", missing_ok=True)
    c.recv()
    c.send(b"HTTP/1.0 200 OK\r\n\r\nproxied")
    h.expect("lan", from_gw("PA"), what="response")
    lan_tcp(h, "A", 1019, g + 26)
    c.close()
    h.expect("lan", from_gw("FA"), what="the proxy's FIN")
    lan_tcp(h, "FA", 1019, g + 27)
    h.expect("lan", from_gw("A"), what="the proxy's last ACK")
    lst.close()
    h.gw("conntrack -L")
