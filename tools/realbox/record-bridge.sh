#!/bin/sh
# Records a small "real box" the way an operator would snapshot one (ip -j addr, ip -j route,
# ip neigh, iptables-save, sysctl, then tcpdump -i any during traffic), for `hairpin replay
# --check` of a box's own snapshot: a router whose LAN is a Linux bridge (br0, 10.0.0.1/24) with
# a container-style veth port, MASQUERADE out eth1 (203.0.113.1/24) to a WAN peer that answers
# ARP. The container sends UDP and opens a TCP connection to 198.51.100.10 behind the WAN peer,
# then to the box's own listener on port 22; the box sends a UDP query itself; the WAN peer tries
# a closed UDP and TCP port of the box. The gateway learns its neighbours by ARP during the
# capture (the snapshot is taken before any traffic). tcpdump can miss a frame the neighbour
# queue releases: record again when a replay differs by one frame the capture lacks.
# Usage: tools/realbox/record-bridge.sh OUTDIR   (root; namespaces hpbox-gw/-c1/-wan, deleted after)
set -eu
out=$1
mkdir -p "$out/host"
for n in gw c1 wan; do ip netns del hpbox-$n 2>/dev/null || true; ip netns add hpbox-$n; done
trap 'for n in gw c1 wan; do ip netns del hpbox-$n 2>/dev/null || true; done' EXIT
gw="ip netns exec hpbox-gw"; c1="ip netns exec hpbox-c1"; wan="ip netns exec hpbox-wan"
for n in gw c1 wan; do ip netns exec hpbox-$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
$gw ip link add br0 address 02:00:00:00:00:10 type bridge
$gw ip link add vethc1 address 02:00:00:00:00:11 type veth peer name eth0 netns hpbox-c1
$gw ip link add eth1 address 02:00:00:00:00:02 type veth peer name wan0 netns hpbox-wan
$gw ip link set vethc1 master br0
for d in lo br0 vethc1 eth1; do $gw ip link set $d up; done
$gw ip addr add 10.0.0.1/24 dev br0
$gw ip addr add 203.0.113.1/24 dev eth1
$gw ip route add default via 203.0.113.254
$gw sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_acct=1
$gw iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE
$c1 ip link set lo up; $c1 ip link set eth0 address 02:00:00:00:01:02 up
$c1 ip addr add 10.0.0.2/24 dev eth0; $c1 ip route add default via 10.0.0.1
$wan ip link set lo up; $wan ip link set wan0 address 02:00:00:00:02:01 up
$wan ip addr add 203.0.113.254/24 dev wan0; $wan ip addr add 198.51.100.10/32 dev lo
$wan ip route add 10.0.0.0/8 via 203.0.113.1 2>/dev/null || true
# carrier and the bridge port forwarding (no STP: forwarding at once)
for i in $(seq 50); do
  s=$($gw ip -j link show eth1 | grep -c '"operstate":"UP"' || true)
  [ "$s" = 1 ] && [ "$($gw ip -j link show br0 | grep -c '"operstate":"UP"' || true)" = 1 ] && break; sleep 0.1
done
$gw ip -j addr show > "$out/host/ip-addr.json"
$gw ip -j route show > "$out/host/ip-route.json"
$gw ip neigh show > "$out/host/ip-neigh.txt"
$gw iptables-save > "$out/host/iptables-save.txt"
{ for k in net.ipv4.ip_forward net.netfilter.nf_conntrack_acct net.ipv4.conf.all.rp_filter net.ipv4.conf.all.send_redirects; do
    echo "$k = $($gw sysctl -n $k)"; done; } > "$out/host/sysctl.conf"
$gw tcpdump -i any -U -w "$out/capture.pcap" 2>/dev/null & td=$!
sleep 1
$wan python3 -c '
import socket, threading
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("198.51.100.10", 80)); t.listen(1)
def tcp():
    c, a = t.accept(); c.sendall(b"hello " + c.recv(100)); c.close()
th = threading.Thread(target=tcp); th.start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.51.100.10", 53)); s.settimeout(3)
for _ in range(2):
    d, a = s.recvfrom(100); s.sendto(b"answer-" + d, a)
th.join()
' & srv=$!
sleep 0.3
$c1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.0.0.2", 5000)); s.settimeout(2)
for q in (b"query-1", b"query-2"):
    s.sendto(q, ("198.51.100.10", 53)); s.recvfrom(100)
c = socket.create_connection(("198.51.100.10", 80), timeout=2); c.sendall(b"box"); c.recv(100); c.close()
'
wait $srv
# the box's own traffic: a listener (as sshd) the container connects to, a query the box sends
# itself, and what the box answers for closed ports
$gw python3 -c '
import socket
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("0.0.0.0", 22)); t.listen(1); t.settimeout(3)
c, a = t.accept(); c.sendall(b"SSH-2.0-box " + c.recv(100)); c.close()
' & lsn=$!
$wan python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.51.100.10", 123)); s.settimeout(3)
d, a = s.recvfrom(100); s.sendto(b"time-" + d, a)
' & ntp=$!
sleep 0.3
$c1 python3 -c '
import socket
c = socket.create_connection(("10.0.0.1", 22), timeout=2); c.sendall(b"client"); c.recv(100); c.close()
'
$gw python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 4123)); s.settimeout(2)
s.sendto(b"ntp?", ("198.51.100.10", 123)); s.recvfrom(100)
'
$wan python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.51.100.10", 7777)); s.sendto(b"closed?", ("203.0.113.1", 9999))
c = socket.socket(); c.settimeout(1)
try:
    c.connect(("203.0.113.1", 23))
except ConnectionRefusedError:
    pass
except OSError:
    pass
'
wait $lsn $ntp
sleep 0.5
$gw conntrack -L > "$out/conntrack-L.txt" 2>/dev/null || true
sleep 1; kill $td; wait $td 2>/dev/null || true
