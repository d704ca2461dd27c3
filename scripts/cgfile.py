"""Reads callgrind output files of a JVM run: per compiled method (named from the JIT's perf
map, -XX:+DumpPerfMapAtExit) the self cost of every event (Ir, and with --cache-sim=yes the
cache misses). Used by callgrind-packet.sh and callgrind-create.sh."""
import bisect
import re


def namer(pmap):
    """callgrind's function name -> the compiled Java method it lies in ('native' otherwise)"""
    ranges = sorted((int(a, 16), int(b, 16), c) for a, b, c in
                    (l.rstrip('\n').split(' ', 2) for l in open(pmap) if l.count(' ') >= 2))
    starts = [r[0] for r in ranges]

    def name(f):
        m = re.search(r'0x([0-9a-f]+)', f or '')
        if m and ('???' in f or f.startswith('0x')):
            a = int(m.group(1), 16)
            i = bisect.bisect_right(starts, a) - 1
            if i >= 0 and a < ranges[i][0] + ranges[i][1]:
                return re.sub(r'\(.*', '', ranges[i][2].split(' ', 1)[-1])
            return 'other compiled code'
        return 'native'
    return name


def costs(path, name):
    """(event names, {method: [self cost per event]}) of one callgrind output file"""
    events, positions = None, ['line']
    names, fn, skip = {}, None, False
    cost = {}
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('events:'):
            events = line.split()[1:]
            continue
        if line.startswith('positions:'):
            positions = line.split()[1:]
            continue
        m = re.match(r'(c?fn)=\((\d+)\)(?: (.*))?', line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3)
            if m.group(1) == 'fn':
                fn = name(names.get(m.group(2)))
            continue
        if line.startswith('calls='):
            skip = True
            continue
        if fn and line[:1] and (line[0].isdigit() or line[0] in '+-*'):
            if skip:
                skip = False
                continue
            v = [int(x) for x in line.split()[len(positions):]]
            c = cost.setdefault(fn, [0] * len(events))
            for i, x in enumerate(v):
                c[i] += x
    return events, cost
