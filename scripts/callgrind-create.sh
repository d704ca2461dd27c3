#!/usr/bin/env bash
# Instructions per new connection (create workload, SNAT), counted by callgrind in the main
# thread over the last of ROUNDS rounds of N connections (earlier rounds warm the JIT; -Xbatch
# compiles synchronously; implicit null checks off, as valgrind's signal delivery upsets them).
# Prints the count and, with the JIT's perf map, the top methods by own instructions.
#   scripts/callgrind-create.sh [N=10000] [ROUNDS=10]      (needs valgrind; a few minutes)
# --cache (first argument): also callgrind's cache simulation, misses per connection by method
# (N above 2^15 so the touch passes run):   scripts/callgrind-create.sh --cache 300000 3
# Note: below 2^15 entries Stack.receive(Skb[], n) skips its touch pass, so N=10000 counts
# the packet path without it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=0
if [ "${1:-}" = "--cache" ]; then cache=1; shift; fi
n=${1:-10000}; rounds=${2:-10}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar="$here/hairpin-bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -q -ntp install -DskipTests" >&2; exit 1; }
out=$(mktemp -d /tmp/hairpin-cg.XXXXXX)
valgrind --tool=callgrind $([ $cache = 1 ] && echo --cache-sim=yes) --callgrind-out-file="$out/cg.out" --separate-threads=yes --smc-check=all-non-file \
  "$java" -XX:+UseCompactObjectHeaders -Xms1g -Xmx1g -Xbatch -XX:+UnlockDiagnosticVMOptions -XX:-ImplicitNullChecks \
  -XX:+DumpPerfMapAtExit -cp "$jar" dev.hairpin.bench.CreateRounds "$n" "$rounds" cg > "$out/log" 2>&1
pid=$(grep -m1 -o '^==[0-9]*==' "$out/log" | tr -d =)
PYTHONPATH="$here/scripts" python3 - "$out/cg.out.2-02" "/tmp/perf-$pid.map" "$n" "$cache" <<'PY'
import sys
from cgfile import namer, costs
out, pmap, n, cache = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1'
ev, cost = costs(out, namer(pmap))
own = {k: v for k, v in cost.items() if 'dev.hairpin' in k}
print(f"{sum(v[0] for v in own.values()) / n:.0f} instructions per connection in dev.hairpin methods (main thread, last round)")
for k, v in sorted(own.items(), key=lambda x: -x[1][0])[:15]:
    print(f"  {v[0] / n:7.0f}  {k[:120]}")
if cache:
    tot = [sum(v[i] for v in cost.values()) / n for i in range(len(ev))]
    print('cache simulation, per connection (whole thread): ' + ', '.join(f'{e} {t:.1f}' for e, t in zip(ev, tot)))
    i1, iw = ev.index('D1mr'), ev.index('D1mw')
    for k, v in sorted(cost.items(), key=lambda x: -(x[1][i1] + x[1][iw]))[:12]:
        print(f"  D1mr {v[i1] / n:6.2f}  D1mw {v[iw] / n:6.2f}  {k[:110]}")
PY
echo "(callgrind files in $out)"
