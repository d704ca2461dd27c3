#!/usr/bin/python3
"""Runs each command line of CASES (one per line, '#' comments) in a fresh network namespace
hpops-rec and records what the real tool printed, separately, with its exit status, as JSON lines
{"cmd", "t", "rc", "stdout", "stderr"} in OUT (t: seconds since the first command started,
when this one started; a replay moves its clock there so timers compare). Needs root; take the oracle lock around it:
  flock /tmp/hairpin-oracle.lock /usr/bin/python3 record_tool.py CASES OUT
The namespace is created for the run and deleted afterwards; nothing else is touched."""
import json
import shlex
import subprocess
import sys
import time

NS = "hpops-rec"


def main():
    cases, out = sys.argv[1], sys.argv[2]
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"], check=True)
        t0 = None
        with open(cases) as f, open(out, "w") as o:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                now = time.monotonic()
                t0 = now if t0 is None else t0
                r = subprocess.run(["ip", "netns", "exec", NS] + shlex.split(line), capture_output=True, text=True,
                                   env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"})
                o.write(json.dumps({"cmd": line, "t": round(now - t0, 6), "rc": r.returncode, "stdout": r.stdout, "stderr": r.stderr}) + "\n")
    finally:
        subprocess.run(["ip", "netns", "del", NS])


if __name__ == "__main__":
    main()
