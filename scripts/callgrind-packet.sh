#!/usr/bin/env bash
# Steady-state instructions per packet of a `hairpin bench` workload, by compiled method, counted
# by callgrind: the bench runs an untimed warm-up pass of as many packets as the timed one, so two
# runs (P = 1M and 3M packets, in parallel) differ by 4M packets of steady state, and
# (Ir(3M) - Ir(1M)) / 4M is the cost of one packet with start-up and JIT work cancelled out.
# Deterministic for a given build (valgrind serialises threads; compilation is synchronous), so
# it tells apart changes of a few percent that wall-clock runs on this VM cannot.
#   scripts/callgrind-packet.sh [JAR] -- --workload udp --connections 1     (~2 min, needs valgrind)
# "Interpreter" and "native" rows are the bench loop's timing calls as valgrind runs them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$here/hairpin-cli/target/hairpin.jar"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then jar=$1; shift; fi
[ "${1:-}" = "--" ] && shift
[ -f "$jar" ] || { echo "no $jar: build first (./hairpin test, or mvn -B -ntp package -DskipTests)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$(mktemp -d /tmp/hairpin-cgp.XXXXXX)
for p in 1000000 3000000; do
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$out/cg.$p" \
    "$java" -XX:+UseCompactObjectHeaders -XX:-BackgroundCompilation -XX:+UseSerialGC -Xmx1g \
    -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -jar "$jar" bench "$@" --packets "$p" --json \
    > "$out/log.$p" 2>&1 &
done
wait
python3 - "$out" <<'PY'
import sys, re, bisect, collections
d = sys.argv[1]
def load(p):
    pid = re.search(r'^==(\d+)==', open(f'{d}/log.{p}').read(), re.M).group(1)
    ranges = sorted((int(a, 16), int(b, 16), c) for a, b, c in
                    (l.rstrip('\n').split(' ', 2) for l in open(f'/tmp/perf-{pid}.map') if l.count(' ') >= 2))
    starts = [r[0] for r in ranges]
    def name(f):
        m = re.search(r'0x([0-9a-f]+)', f or '')
        if m and ('???' in f or f.startswith('0x')):
            a = int(m.group(1), 16); i = bisect.bisect_right(starts, a) - 1
            if i >= 0 and a < ranges[i][0] + ranges[i][1]:
                return re.sub(r'\(.*', '', ranges[i][2].split(' ', 1)[-1])
            return 'other compiled code'
        return 'native'
    names, cost, fn, skip = {}, collections.Counter(), None, False
    for line in open(f'{d}/cg.{p}'):
        m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line.rstrip('\n'))
        if m:
            if m.group(3): names[m.group(2)] = m.group(3)
            if m.group(1) == 'fn': fn = name(names.get(m.group(2)))
            continue
        if line.startswith('calls='): skip = True; continue
        if fn and line[:1] and (line[0].isdigit() or line[0] in '+-*'):
            if skip: skip = False; continue
            f = line.split()
            if len(f) > 1: cost[fn] += int(f[-1])
    return cost
a, b = load(1000000), load(3000000)
diff = {k: (b.get(k, 0) - a.get(k, 0)) / 4e6 for k in set(a) | set(b)}
print(f"{sum(diff.values()):.0f} instructions per packet in steady state, of which:")
for k, v in sorted(diff.items(), key=lambda x: -abs(x[1]))[:8]:
    print(f"  {v:8.1f}  {k}")
PY
echo "(callgrind files in $out)"
