"""limit-refill: token buckets refilling over time: `-m limit` and `-m hashlimit` (upto / above,
per source, per source and port, bytes) as counting rules, fed datagrams from two LAN hosts on a
fixed 150 ms schedule (each decision at least ~17 ms away from a refill boundary)."""
import time
from scapy.all import IP, UDP, Raw

LAN_IPS = ["10.0.0.2", "10.0.0.3"]
WAN_IPS = ["198.51.100.10"]
RULES = [
    "-m limit --limit 3/sec --limit-burst 2",
    "-m limit --limit 2/sec --limit-burst 1",
    "-m limit --limit 2/sec",
    "-m hashlimit --hashlimit-upto 3/sec --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name hs",
    "-m hashlimit --hashlimit-above 2/sec --hashlimit-burst 1 --hashlimit-mode srcip,dstport --hashlimit-name hp",
    "-m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-name hg",
    "-m hashlimit --hashlimit-upto 1kb/s --hashlimit-burst 2kb --hashlimit-mode srcip --hashlimit-name hb",
]
GAP = 0.02
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
] + ["iptables -A FORWARD -p udp " + r for r in RULES]


def steps(h):
    t0 = time.time()
    for k in range(9):
        delay = t0 + 0.15 * k - time.time()
        if delay > 0:
            time.sleep(delay)
        src = "10.0.0.2" if k % 3 != 2 else "10.0.0.3"
        data = b"p%d" % k + bytes(400 if k % 2 else 100)
        h.send("lan", IP(src=src, dst="198.51.100.10") / UDP(sport=5000, dport=7000 + k % 2) / Raw(data))
        h.expect("wan", lambda q, k=k: UDP in q and bytes(q[UDP].payload).startswith(b"p%d\x00" % k), what="p%d" % k,
                 timeout=0.1)
