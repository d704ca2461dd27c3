#!/usr/bin/env bash
# A namespace lab for `hairpin gateway`: LAN host, WAN host, and a gateway namespace whose two
# devices carry no kernel address (the Java gateway owns 10.0.1.1 and 203.0.113.1).
#
#   scripts/gateway-lab.sh up [PREFIX] [CONFIG_DIR]   create namespaces + write the snapshot
#   scripts/gateway-lab.sh down [PREFIX]              remove them
#
#   LAN  PREFIX-lan  lan0 10.0.1.2/24, default via 10.0.1.1
#   GW   PREFIX-gw   gwlan (no address) | gwwan (no address); kernel forwarding off, IPv6 off
#   WAN  PREFIX-wan  wan0 203.0.113.2/24, no route back to 10.0.0.0/8 (so only NAT works)
#   The WAN link's MTU is 1400 (as behind PPPoE or a tunnel): DF packets bigger than that get
#   "fragmentation needed" from the gateway, as from a kernel router.
set -euo pipefail
cmd=${1:-}
P=${2:-hpgw}
CONF=${3:-/tmp/$P-config}
LAN=$P-lan GW=$P-gw WAN=$P-wan

down() {
    for n in "$LAN" "$GW" "$WAN"; do ip netns del "$n" 2>/dev/null || true; done
}

up() {
    down
    for n in "$LAN" "$GW" "$WAN"; do ip netns add "$n"; ip -n "$n" link set lo up; done
    ip link add lan0 netns "$LAN" type veth peer name gwlan netns "$GW"
    ip link add wan0 netns "$WAN" type veth peer name gwwan netns "$GW"
    # the gateway side: no kernel address, no IPv6, no kernel forwarding
    for d in gwlan gwwan; do
        ip netns exec "$GW" sysctl -qw net.ipv6.conf.$d.disable_ipv6=1
        ip -n "$GW" link set "$d" up
    done
    ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=0
    ip netns exec "$GW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    # the hosts: one segment each; segmentation offload off so every frame fits the MTU
    # (an AF_PACKET ring sees the super-frames TSO/GSO would hand it)
    ip -n "$LAN" addr add 10.0.1.2/24 dev lan0
    ip -n "$WAN" addr add 203.0.113.2/24 dev wan0
    for x in "$LAN lan0" "$WAN wan0"; do
        set -- $x
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip -n "$1" link set "$2" gso_max_segs 1 2>/dev/null || ip -n "$1" link set "$2" gso_max_size 1500
        ip -n "$1" link set "$2" up
    done
    ip -n "$WAN" link set wan0 mtu 1400
    ip -n "$GW" link set gwwan mtu 1400
    ip -n "$LAN" route add default via 10.0.1.1
    mkdir -p "$CONF"
    lanmac=$(ip -n "$GW" -j link show gwlan | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
    wanmac=$(ip -n "$GW" -j link show gwwan | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
    cat > "$CONF/ip-addr.json" <<JSON
[{"ifindex":1,"ifname":"lo","link_type":"loopback","address":"00:00:00:00:00:00","mtu":65536,
  "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
 {"ifindex":2,"ifname":"gwlan","link_type":"ether","address":"$lanmac","mtu":1500,
  "addr_info":[{"family":"inet","local":"10.0.1.1","prefixlen":24,"scope":"global"}]},
 {"ifindex":3,"ifname":"gwwan","link_type":"ether","address":"$wanmac","mtu":1400,
  "addr_info":[{"family":"inet","local":"203.0.113.1","prefixlen":24,"scope":"global"}]}]
JSON
    cat > "$CONF/ip-route.json" <<JSON
[{"dst":"default","gateway":"203.0.113.2","dev":"gwwan"},
 {"dst":"10.0.1.0/24","dev":"gwlan","protocol":"kernel","scope":"link","prefsrc":"10.0.1.1"},
 {"dst":"203.0.113.0/24","dev":"gwwan","protocol":"kernel","scope":"link","prefsrc":"203.0.113.1"}]
JSON
    printf 'net.ipv4.ip_forward = 1\n' > "$CONF/sysctl.conf"
    cat > "$CONF/iptables-save.txt" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 203.0.113.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.2:8000
-A POSTROUTING -s 10.0.1.0/24 -d 10.0.1.2/32 -p tcp -m tcp --dport 8000 -j MASQUERADE
-A POSTROUTING -o gwwan -j MASQUERADE
COMMIT
RULES
    : > "$CONF/ip-neigh.txt"
    echo "lab $P up; snapshot in $CONF"
    echo "run:  ip netns exec $GW ./hairpin gateway --config $CONF"
}

case "$cmd" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down [PREFIX] [CONFIG_DIR]" >&2; exit 2 ;;
esac
