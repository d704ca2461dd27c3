#!/usr/bin/env bash
# A lab for the gateway on a TUN device: PREFIX-gw holds tun0 (made with `ip tuntap`, the
# gateway attaches to it through /dev/net/tun) and gwwan, a veth to PREFIX-wan (203.0.113.2/24).
# The far side of a tun device is the kernel of its own namespace: here that kernel is the
# "remote" host, 10.8.0.2 on tun0, routing 203.0.113.0/24 into the tunnel. The gateway owns
# 10.8.0.1 (tun0) and 203.0.113.1 (gwwan) and MASQUERADEs out of gwwan.
#
#   scripts/gateway-tun-lab.sh up|down [PREFIX] [CONFIG_DIR]     (root)
set -euo pipefail
cmd=${1:-}; P=${2:-hptun}; C=${3:-/tmp/$P-config}
G=$P-gw; W=$P-wan
down() { for n in "$G" "$W"; do ip netns del "$n" 2>/dev/null || true; done; }
up() {
    down
    for n in "$G" "$W"; do
        ip netns add "$n"; ip -n "$n" link set lo up
        ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    done
    ip link add wan0 netns "$W" type veth peer name gwwan netns "$G"
    ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=0
    ip -n "$G" tuntap add dev tun0 mode tun
    ip -n "$G" link set tun0 up
    ip -n "$G" link set gwwan up
    ip -n "$G" addr add 10.8.0.2/24 dev tun0          # the remote end, played by this namespace's kernel
    ip -n "$G" route add 203.0.113.0/24 dev tun0
    ip -n "$W" addr add 203.0.113.2/24 dev wan0
    ip -n "$W" link set wan0 gso_max_segs 1 2>/dev/null || ip -n "$W" link set wan0 gso_max_size 1500
    ip -n "$W" link set wan0 up
    mkdir -p "$C"
    wanmac=$(ip -n "$G" -j link show gwwan | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
    cat > "$C/ip-addr.json" <<JSON
[{"ifindex":1,"ifname":"lo","link_type":"loopback","address":"00:00:00:00:00:00","mtu":65536,
  "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
 {"ifindex":2,"ifname":"tun0","link_type":"none","mtu":1500,
  "addr_info":[{"family":"inet","local":"10.8.0.1","prefixlen":24,"scope":"global"}]},
 {"ifindex":3,"ifname":"gwwan","link_type":"ether","address":"$wanmac","mtu":1500,
  "addr_info":[{"family":"inet","local":"203.0.113.1","prefixlen":24,"scope":"global"}]}]
JSON
    cat > "$C/ip-route.json" <<JSON
[{"dst":"10.8.0.0/24","dev":"tun0","protocol":"kernel","scope":"link","prefsrc":"10.8.0.1"},
 {"dst":"203.0.113.0/24","dev":"gwwan","protocol":"kernel","scope":"link","prefsrc":"203.0.113.1"}]
JSON
    printf 'net.ipv4.ip_forward = 1\n' > "$C/sysctl.conf"
    printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o gwwan -j MASQUERADE\nCOMMIT\n' > "$C/iptables-save.txt"
    : > "$C/ip-neigh.txt"
    echo "tun lab $P up; snapshot in $C; run: ip netns exec $G ./hairpin gateway --config $C"
}
case "$cmd" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down [PREFIX] [CONFIG_DIR]" >&2; exit 2 ;;
esac
