#!/usr/bin/env bash
# Side-by-side throughput: the same namespace topology (scripts/gateway-lab.sh) forwarding
# through Hairpin's userspace gateway, then through the kernel's own MASQUERADE.
# Not a test: figures depend on the machine and on what else runs on it.
#
#   scripts/gateway-vs-kernel.sh [SECONDS]      (root; default 5 s per measurement)
#
# Load: scripts/LabLoad.java (run as a source file by the JDK 25 the launcher finds).
# UDP pps: one sender thread in the LAN round-robins 18-byte datagrams over 1 or 10,000
# connected sockets (= flows) for SECONDS; delivered pps is what the WAN device received
# (ip -s link), so the receiver costs nothing (it binds and never reads). Conns/s: 1 flow =
# sequential connect/close for SECONDS; 10,000 flows = 10,000 non-blocking connects at once,
# timed until all are established. Both sides share this machine's CPUs with the forwarder.
set -euo pipefail
SECS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
P=hpgwbench
CONF=/tmp/$P-config
LAB="$here/gateway-lab.sh"
TOOL="$here/labtool.py"
JAVA=$(ls -d /usr/lib/jvm/temurin-25*/bin/java 2>/dev/null | head -1); JAVA=${HAIRPIN_JAVA:-${JAVA:-java}}
LOAD() { local ns=$1; shift; ip netns exec "$ns" "$JAVA" -XX:+UseSerialGC "$here/LabLoad.java" "$@"; }
GWPID=
cleanup() {
    [ -n "$GWPID" ] && kill "$GWPID" 2>/dev/null && wait "$GWPID" 2>/dev/null || true
    jobs -p | xargs -r kill 2>/dev/null || true
    "$LAB" down "$P" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rxpk() { ip -n "$P-wan" -s -j link show wan0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }

measure() { # label
    local label=$1 r0 r1 out sent pps
    for flows in 1 10000; do
        r0=$(rxpk)
        out=$(LOAD "$P-lan" udp-blast 203.0.113.2 9 "$flows" "$SECS")
        r1=$(rxpk)
        sent=${out#sent }
        pps=$(( (r1 - r0) / SECS ))
        echo "$label udp flows=$flows offered_pps=$(( sent / SECS )) delivered_pps=$pps"
    done
    out=$(LOAD "$P-lan" tcp-seq 203.0.113.2 7001 "$SECS")
    echo "$label tcp flows=1 conns_per_s=$(( ${out#connections } / SECS ))"
    out=$(LOAD "$P-lan" tcp-burst 203.0.113.2 7001 10000)
    python3 -c "import sys; w=sys.argv[2].split(); print('%s tcp flows=10000 established=%s conns_per_s=%d' % (sys.argv[1], w[1], int(w[1]) / float(w[3])))" "$label" "$out"
}

servers() {
    ip netns exec "$P-wan" python3 "$TOOL" udp-hold 203.0.113.2 9 100000 >/dev/null &
    LOAD "$P-wan" tcp-accept 203.0.113.2 7001 >/dev/null &
    sleep 3
}

"$here/../hairpin" --version >/dev/null   # builds the jar now, not while the lab waits
"$LAB" up "$P" "$CONF" >/dev/null
ip netns exec "$P-wan" sysctl -qw net.core.somaxconn=16384
ip netns exec "$P-wan" sysctl -qw net.ipv4.tcp_max_syn_backlog=16384
ip netns exec "$P-lan" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
servers

# ---- Hairpin: the gateway owns the addresses, kernel forwarding off
ip netns exec "$P-gw" "$here/../hairpin" gateway --config "$CONF" --metrics off > /tmp/$P-gateway.log 2>&1 &
GWPID=$!
for _ in $(seq 300); do [ -S "$CONF/hairpin.sock" ] && break; sleep 0.1; done
[ -S "$CONF/hairpin.sock" ] || { echo "gateway did not start:"; cat /tmp/$P-gateway.log; exit 1; }
ip netns exec "$P-lan" python3 "$TOOL" udp-send 203.0.113.2 9 warm >/dev/null 2>&1 || true
LOAD "$P-lan" tcp-seq 203.0.113.2 7001 2 >/dev/null   # JIT warm-up
LOAD "$P-lan" udp-blast 203.0.113.2 9 100 2 >/dev/null
HP=$(measure hairpin)
echo "$HP"
kill "$GWPID"; wait "$GWPID" 2>/dev/null || true; GWPID=

# ---- kernel: the same devices get the addresses, ip_forward=1, the kernel's MASQUERADE
ip -n "$P-gw" addr add 10.0.1.1/24 dev gwlan
ip -n "$P-gw" addr add 203.0.113.1/24 dev gwwan
ip -n "$P-gw" route add default via 203.0.113.2
ip netns exec "$P-gw" sysctl -qw net.ipv4.ip_forward=1
flock /tmp/hairpin-oracle.lock ip netns exec "$P-gw" iptables -t nat -A POSTROUTING -o gwwan -j MASQUERADE
ip netns exec "$P-lan" ip neigh flush all
KN=$(measure kernel)
echo "$KN"

echo
echo "ratio hairpin/kernel (delivered):"
paste <(echo "$HP") <(echo "$KN") | python3 -c '
import re, sys
for line in sys.stdin:
    h, k = line.rstrip("\n").split("\t")
    key = re.search(r"(udp|tcp) flows=\d+", h).group(0)
    m = "delivered_pps" if key.startswith("udp") else "conns_per_s"
    hv = float(re.search(m + r"=(\d+)", h).group(1)); kv = float(re.search(m + r"=(\d+)", k).group(1))
    print("  %-18s %-14s hairpin %9.0f  kernel %9.0f  ratio %.2f" % (key, m, hv, kv, hv / kv if kv else float("nan")))
'
