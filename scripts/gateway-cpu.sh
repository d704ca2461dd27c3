#!/usr/bin/env bash
# CPU the gateway's process spends per forwarded packet, and frames per transmit syscall, under
# a UDP blast through the lab (scripts/gateway-lab.sh). Less sensitive than pps to what else
# runs on a shared machine: it divides the gateway's own utime+stime by what it forwarded.
#
#   scripts/gateway-cpu.sh [SECONDS] [FLOWS] [JAR]      (root; default 5 s, 1 flow, the built jar)
set -euo pipefail
SECS=${1:-5}; FLOWS=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
JAR=${3:-$here/../hairpin-cli/target/hairpin.jar}
P=hpgwcpu
CONF=/tmp/$P-config
JAVA=$(ls -d /usr/lib/jvm/temurin-25*/bin/java 2>/dev/null | head -1); JAVA=${HAIRPIN_JAVA:-${JAVA:-java}}
GWPID=
cleanup() {
    [ -n "$GWPID" ] && kill "$GWPID" 2>/dev/null && wait "$GWPID" 2>/dev/null || true
    jobs -p | xargs -r kill 2>/dev/null || true
    "$here/gateway-lab.sh" down "$P" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$here/gateway-lab.sh" up "$P" "$CONF" >/dev/null
ip netns exec "$P-wan" python3 "$here/labtool.py" udp-hold 203.0.113.2 9 100000 >/dev/null &
ip netns exec "$P-gw" "$JAVA" -XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED -jar "$JAR" \
    gateway --config "$CONF" --metrics 127.0.0.1:9470 > /tmp/$P-gateway.log 2>&1 &
GWPID=$!
for _ in $(seq 300); do [ -S "$CONF/hairpin.sock" ] && break; sleep 0.1; done
JPID=$(pgrep -f -- "--config $CONF" | head -1)   # the JVM inside `ip netns exec`
LOAD() { ip netns exec "$P-lan" "$JAVA" -XX:+UseSerialGC "$here/LabLoad.java" "$@"; }
LOAD udp-blast 203.0.113.2 9 100 2 >/dev/null   # JIT warm-up
ticks() { awk '{print $14 + $15}' /proc/"$JPID"/stat; }
rx() { ip -n "$P-wan" -s -j link show wan0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
m() { ip netns exec "$P-gw" curl -s 127.0.0.1:9470/metrics | awk -v k="$1" '$1 == k {print $2}'; }
t0=$(ticks); r0=$(rx)
p0=$(m 'hairpin_interface_tx_packets_total{interface="gwwan"}'); s0=$(m 'hairpin_interface_tx_syscalls_total{interface="gwwan"}')
LOAD udp-blast 203.0.113.2 9 "$FLOWS" "$SECS" >/dev/null
t1=$(ticks); r1=$(rx)
p1=$(m 'hairpin_interface_tx_packets_total{interface="gwwan"}'); s1=$(m 'hairpin_interface_tx_syscalls_total{interface="gwwan"}')
hz=$(getconf CLK_TCK)
python3 - "$t0" "$t1" "$r0" "$r1" "$hz" "${p0:-0}" "${p1:-0}" "${s0:-}" "${s1:-}" "$FLOWS" <<'PY'
import sys
t0, t1, r0, r1, hz = (float(x) for x in sys.argv[1:6])
fwd = r1 - r0
print("flows=%s forwarded=%d gateway_cpu_s=%.2f cpu_us_per_packet=%.2f" % (sys.argv[10], fwd, (t1 - t0) / hz, (t1 - t0) / hz * 1e6 / max(fwd, 1)), end="")
if sys.argv[8]:
    p = float(sys.argv[7]) - float(sys.argv[6]); s = float(sys.argv[9]) - float(sys.argv[8])
    print(" frames_per_tx_syscall=%.1f" % (p / max(s, 1)), end="")
print()
PY
