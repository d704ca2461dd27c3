#!/usr/bin/env bash
# Cache misses per new connection (create workload, MASQUERADE), from callgrind's cache
# simulation of the last of ROUNDS rounds of N connections (CreateRounds, as
# callgrind-create.sh), by compiled method. N above 2^15 so the batch's touch passes run.
#   scripts/cachesim-create.sh [N=300000] [ROUNDS=3]      (needs valgrind; ~15 minutes)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-300000}; rounds=${2:-3}
jar="$here/hairpin-bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -q -ntp install -DskipTests" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
out=$(mktemp -d /tmp/hairpin-cs.XXXXXX)
valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$out/cg.out" --separate-threads=yes --smc-check=all-non-file \
  "$java" -XX:+UseCompactObjectHeaders -Xms2g -Xmx2g -Xbatch -XX:+UnlockDiagnosticVMOptions -XX:-ImplicitNullChecks \
  -XX:+DumpPerfMapAtExit -cp "$jar" dev.hairpin.bench.CreateRounds "$n" "$rounds" cg > "$out/log" 2>&1
pid=$(grep -m1 -o '^==[0-9]*==' "$out/log" | tr -d =)
python3 - "$out/cg.out.2-02" "/tmp/perf-$pid.map" "$n" <<'PY'
import sys, re, bisect, collections
out, pmap, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ranges = sorted((int(a, 16), int(b, 16), c) for a, b, c in
                (l.rstrip('\n').split(' ', 2) for l in open(pmap) if l.count(' ') >= 2))
starts = [r[0] for r in ranges]
def name(f):
    m = re.search(r'0x([0-9a-f]+)', f or '')
    if m and ('???' in f or f.startswith('0x')):
        a = int(m.group(1), 16); i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < ranges[i][0] + ranges[i][1]:
            return re.sub(r'\(.*', '', ranges[i][2].split(' ', 1)[-1])
        return 'other compiled code'
    return 'native:'+(f or '')[:40]
ev=None; pos=None
names, fn, skip = {}, None, False
cost = collections.defaultdict(lambda: None)
for line in open(out):
    if line.startswith('events:'): ev=line.split()[1:]; continue
    if line.startswith('positions:'): pos=line.split()[1:]; continue
    m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line.rstrip('\n'))
    if m:
        if m.group(3): names[m.group(2)] = m.group(3)
        if m.group(1) == 'fn': fn = name(names.get(m.group(2)))
        continue
    if line.startswith('calls='): skip = True; continue
    if fn and line[:1] and (line[0].isdigit() or line[0] in '+-*'):
        if skip: skip = False; continue
        f = line.split()[len(pos):]
        v=[int(x) for x in f]+[0]*(len(ev)-len(f))
        c=cost[fn]
        cost[fn]=v if c is None else [a+b for a,b in zip(c,v)]
tot=[sum(c[i] for c in cost.values()) for i in range(len(ev))]
print('per connection:', ' '.join('%s=%.1f'%(e,t/n) for e,t in zip(ev,tot)))
i1=ev.index('D1mr'); il=ev.index('DLmr'); ir=ev.index('Ir'); iw=ev.index('D1mw')
for k,c in sorted(cost.items(), key=lambda x:-(x[1][i1]+x[1][iw]))[:14]:
    print('%8.1f Ir %6.2f D1mr %6.2f D1mw %6.2f DLmr  %s'%(c[ir]/n,c[i1]/n,c[iw]/n,c[il]/n,k))
PY
echo "(files in $out)"
