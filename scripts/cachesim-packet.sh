#!/usr/bin/env bash
# Steady-state cache misses per packet of a `hairpin bench` workload, from callgrind's cache
# simulation (D1 = first-level data cache, LL = last level, as valgrind models this CPU's):
# like callgrind-packet.sh, two runs (1M and 3M packets) differ by 4M packets of steady state.
# Deterministic for a given build, so it shows a change in memory traffic that wall-clock runs
# on this VM cannot; it cannot show overlap (a batch's touch pass moves misses, it does not
# remove them).
#   scripts/cachesim-packet.sh [JAR] -- --workload udp --connections 100000     (~15 min, needs valgrind)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$here/hairpin-cli/target/hairpin.jar"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then jar=$1; shift; fi
[ "${1:-}" = "--" ] && shift
[ -f "$jar" ] || { echo "no $jar: build first (./hairpin test, or mvn -B -ntp package -DskipTests)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$(mktemp -d /tmp/hairpin-cs.XXXXXX)
for p in 1000000 3000000; do
  valgrind --tool=callgrind --cache-sim=yes --smc-check=all-non-file --callgrind-out-file="$out/cg.$p" \
    "$java" -XX:+UseCompactObjectHeaders -XX:-BackgroundCompilation -XX:+UseSerialGC -Xmx1g \
    -jar "$jar" bench "$@" --packets "$p" --json > "$out/log.$p" 2>&1 &
done
wait
python3 - "$out" <<'PY'
import sys
d = sys.argv[1]
def totals(p):
    ev = None
    for line in open(f'{d}/cg.{p}'):
        if line.startswith('events:'):
            ev = line.split()[1:]
        elif line.startswith(('totals:', 'summary:')):
            return dict(zip(ev, map(int, line.split()[1:])))
a, b = totals(1000000), totals(3000000)
print('per packet in steady state: ' + ', '.join(f'{k} {(b[k] - a[k]) / 4e6:.2f}' for k in a))
PY
echo "(callgrind files in $out)"
