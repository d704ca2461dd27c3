#!/usr/bin/env bash
# Steady-state instructions per packet of a `hairpin bench` workload, by compiled method, counted
# by callgrind: the bench runs an untimed warm-up pass of as many packets as the timed one, so two
# runs (P = 1M and 3M packets, in parallel) differ by 4M packets of steady state, and
# (Ir(3M) - Ir(1M)) / 4M is the cost of one packet with start-up and JIT work cancelled out.
# Deterministic for a given build (valgrind serialises threads; compilation is synchronous), so
# it tells apart changes of a few percent that wall-clock runs on this VM cannot.
#   scripts/callgrind-packet.sh [JAR] -- --workload udp --connections 1     (~2 min, needs valgrind)
# "Interpreter" and "native" rows are the bench loop's timing calls as valgrind runs them.
# --cache (first argument): also callgrind's cache simulation (D1 = first-level data cache, LL =
# last level, as valgrind models this CPU's), misses per packet in all and by method; it shows a
# change in memory traffic that wall-clock runs here cannot (~15 min at 100,000 connections):
#   scripts/callgrind-packet.sh --cache [JAR] -- --workload udp --connections 100000
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$here/hairpin-cli/target/hairpin.jar"
cache=0
if [ "${1:-}" = "--cache" ]; then cache=1; shift; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then jar=$1; shift; fi
[ "${1:-}" = "--" ] && shift
[ -f "$jar" ] || { echo "no $jar: build first (./hairpin test, or mvn -B -ntp package -DskipTests)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$(mktemp -d /tmp/hairpin-cgp.XXXXXX)
for p in 1000000 3000000; do
  valgrind --tool=callgrind $([ $cache = 1 ] && echo --cache-sim=yes) --smc-check=all-non-file --callgrind-out-file="$out/cg.$p" \
    "$java" -XX:+UseCompactObjectHeaders -XX:-BackgroundCompilation -XX:+UseSerialGC -Xmx1g \
    -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -jar "$jar" bench "$@" --packets "$p" --json \
    > "$out/log.$p" 2>&1 &
done
wait
PYTHONPATH="$here/scripts" python3 - "$out" "$cache" <<'PY'
import re, sys
from cgfile import namer, costs
d, cache = sys.argv[1], sys.argv[2] == '1'
def load(p):
    pid = re.search(r'^==(\d+)==', open(f'{d}/log.{p}').read(), re.M).group(1)
    return costs(f'{d}/cg.{p}', namer(f'/tmp/perf-{pid}.map'))
(ev, a), (_, b) = load(1000000), load(3000000)
zero = [0] * len(ev)
diff = {k: [(y - x) / 4e6 for x, y in zip(a.get(k, zero), b.get(k, zero))] for k in set(a) | set(b)}
print(f"{sum(v[0] for v in diff.values()):.0f} instructions per packet in steady state, of which:")
for k, v in sorted(diff.items(), key=lambda x: -abs(x[1][0]))[:8]:
    print(f"  {v[0]:8.1f}  {k}")
if cache:
    tot = [sum(v[i] for v in diff.values()) for i in range(len(ev))]
    print('cache simulation, per packet: ' + ', '.join(f'{e} {t:.2f}' for e, t in zip(ev, tot)))
    i1, iw = ev.index('D1mr'), ev.index('D1mw')
    for k, v in sorted(diff.items(), key=lambda x: -(x[1][i1] + x[1][iw]))[:8]:
        print(f"  D1mr {v[i1]:6.2f}  D1mw {v[iw]:6.2f}  {k}")
PY
echo "(callgrind files in $out)"
