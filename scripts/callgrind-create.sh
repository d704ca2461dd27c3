#!/usr/bin/env bash
# Instructions per new connection (create workload, SNAT), counted by callgrind in the main
# thread over the last of ROUNDS rounds of N connections (earlier rounds warm the JIT; -Xbatch
# compiles synchronously; implicit null checks off, as valgrind's signal delivery upsets them).
# Prints the count and, with the JIT's perf map, the top methods by own instructions.
#   scripts/callgrind-create.sh [N=10000] [ROUNDS=10]      (needs valgrind; a few minutes)
# Note: below 2^15 entries Stack.receive(Skb[], n) skips its touch pass, so N=10000 counts
# the packet path without it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-10000}; rounds=${2:-10}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar="$here/hairpin-bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -q -ntp install -DskipTests" >&2; exit 1; }
out=$(mktemp -d /tmp/hairpin-cg.XXXXXX)
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" --separate-threads=yes --smc-check=all-non-file \
  "$java" -XX:+UseCompactObjectHeaders -Xms1g -Xmx1g -Xbatch -XX:+UnlockDiagnosticVMOptions -XX:-ImplicitNullChecks \
  -XX:+DumpPerfMapAtExit -cp "$jar" dev.hairpin.bench.CreateRounds "$n" "$rounds" cg > "$out/log" 2>&1
pid=$(grep -m1 -o '^==[0-9]*==' "$out/log" | tr -d =)
python3 - "$out/cg.out.2-02" "/tmp/perf-$pid.map" "$n" <<'PY'
import sys, re, bisect, collections
out, pmap, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ranges = sorted((int(a, 16), int(b, 16), c) for a, b, c in
                (l.rstrip('\n').split(' ', 2) for l in open(pmap) if l.count(' ') >= 2))
starts = [r[0] for r in ranges]
def name(f):
    m = re.search(r'0x([0-9a-f]+)', f)
    if m and ('???' in f or f.startswith('0x')):
        a = int(m.group(1), 16); i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < ranges[i][0] + ranges[i][1]:
            return ranges[i][2]
    return f
names, cost, fn, skip = {}, collections.Counter(), None, False
for line in open(out):
    line = line.rstrip('\n')
    m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
    if m:
        if m.group(3): names[m.group(2)] = m.group(3)
        if m.group(1) == 'fn': fn = names.get(m.group(2))
        continue
    if line.startswith('calls='): skip = True; continue
    if fn and line[:1] and (line[0].isdigit() or line[0] in '+-*'):
        if skip: skip = False; continue
        p = line.split()
        if len(p) > 1: cost[name(fn)] += int(p[1])
own = collections.Counter({k: v for k, v in cost.items() if 'dev.hairpin' in k})
print(f"{sum(own.values()) / n:.0f} instructions per connection in dev.hairpin methods (main thread, last round)")
for k, v in own.most_common(15):
    print(f"  {v / n:7.0f}  {k[:120]}")
PY
echo "(callgrind files in $out)"
