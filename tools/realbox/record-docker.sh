#!/bin/sh
# Records a Docker-style host as an operator would snapshot one (see record-bridge.sh): a bridge
# docker0 (172.17.0.1/16) with one container port, Docker's iptables rules (DOCKER chains, a
# port published as 203.0.113.1:8080 -> 172.17.0.2:80, MASQUERADE of the bridge's subnet), eth1
# (203.0.113.1/24) to a WAN peer. Traffic: a WAN client uses the published port; the container
# queries a WAN server over UDP; a WAN client tries an unpublished port of the container.
# Usage: tools/realbox/record-docker.sh OUTDIR   (root; namespaces hpdock-gw/-c1/-wan, deleted after)
set -eu
out=$1
mkdir -p "$out/host"
for n in gw c1 wan; do ip netns del hpdock-$n 2>/dev/null || true; ip netns add hpdock-$n; done
trap 'for n in gw c1 wan; do ip netns del hpdock-$n 2>/dev/null || true; done' EXIT
gw="ip netns exec hpdock-gw"; c1="ip netns exec hpdock-c1"; wan="ip netns exec hpdock-wan"
for n in gw c1 wan; do ip netns exec hpdock-$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
$gw ip link add docker0 address 02:42:ac:11:00:01 type bridge
$gw ip link add veth1a2b address 02:42:ac:11:00:11 type veth peer name eth0 netns hpdock-c1
$gw ip link add eth1 address 02:00:00:00:00:02 type veth peer name wan0 netns hpdock-wan
$gw ip link set veth1a2b master docker0
for d in lo docker0 veth1a2b eth1; do $gw ip link set $d up; done
$gw ip addr add 172.17.0.1/16 dev docker0
$gw ip addr add 203.0.113.1/24 dev eth1
$gw ip route add default via 203.0.113.254
$gw sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_acct=1
$gw iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
RULES
$c1 ip link set lo up; $c1 ip link set eth0 address 02:42:ac:11:00:02 up
$c1 ip addr add 172.17.0.2/16 dev eth0; $c1 ip route add default via 172.17.0.1
$wan ip link set lo up; $wan ip link set wan0 address 02:00:00:00:02:01 up
$wan ip addr add 203.0.113.254/24 dev wan0; $wan ip addr add 198.51.100.10/32 dev lo
for i in $(seq 50); do
  [ "$($gw ip -j link show eth1 | grep -c '"operstate":"UP"' || true)" = 1 ] \
    && [ "$($gw ip -j link show docker0 | grep -c '"operstate":"UP"' || true)" = 1 ] && break; sleep 0.1
done
$gw ip -j addr show > "$out/host/ip-addr.json"
$gw ip -j route show > "$out/host/ip-route.json"
$gw ip neigh show > "$out/host/ip-neigh.txt"
$gw iptables-save > "$out/host/iptables-save.txt"
{ for k in net.ipv4.ip_forward net.netfilter.nf_conntrack_acct net.ipv4.conf.all.rp_filter net.ipv4.conf.all.send_redirects; do
    echo "$k = $($gw sysctl -n $k)"; done; } > "$out/host/sysctl.conf"
$gw tcpdump -i any -U -w "$out/capture.pcap" 2>/dev/null & td=$!
sleep 1
$c1 python3 -c '
import socket
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("0.0.0.0", 80)); t.listen(1); t.settimeout(4)
c, a = t.accept(); c.sendall(b"HTTP/1.0 200 OK\r\n\r\nhi " + c.recv(100)); c.close()
' & web=$!
$wan python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.51.100.10", 53)); s.settimeout(4)
d, a = s.recvfrom(100); s.sendto(b"answer-" + d, a)
' & dns=$!
sleep 0.3
$wan python3 -c '
import socket
c = socket.socket(); c.bind(("198.51.100.10", 0)); c.settimeout(2); c.connect(("203.0.113.1", 8080))
c.sendall(b"GET / HTTP/1.0\r\n\r\n"); c.recv(100); c.close()
'
$c1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"query", ("198.51.100.10", 53)); s.recvfrom(100)
'
$wan python3 -c '
import socket
c = socket.socket(); c.bind(("198.51.100.10", 0)); c.settimeout(0.5)
try:
    c.connect(("172.17.0.2", 22))
except OSError:
    pass
' || true
wait $web $dns
sleep 1; kill $td; wait $td 2>/dev/null || true
$gw conntrack -L > "$out/conntrack-L.txt" 2>/dev/null || true
