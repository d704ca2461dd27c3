#!/usr/bin/python3
"""Runs each command line of CASES (one per line, '#' comments) in a fresh network namespace
hpops-rec and records what the real tool printed, separately, with its exit status, as JSON lines
{"cmd", "t", "rc", "stdout", "stderr"} in OUT (t: seconds since the first command started,
when this one started; a replay moves its clock there so timers compare). A line ending in
"<<EOF" feeds the lines after it, up to a line "EOF", to the command's stdin (recorded as "stdin").
"sleep N" lines wait without being recorded. Needs root; take the oracle lock around it:
  flock /tmp/hairpin-oracle.lock /usr/bin/python3 record_tool.py CASES OUT [NAMESPACE]
The namespace (default hpops-rec) is created for the run and deleted afterwards; nothing else is touched."""
import json
import shlex
import subprocess
import sys
import time

NS = "hpops-rec"


def main():
    global NS
    cases, out = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        NS = sys.argv[3]
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"], check=True)
        t0 = None
        with open(cases) as f, open(out, "w") as o:
            lines = iter(f.read().split("\n"))
            for line in lines:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                if line.startswith("sleep "):
                    time.sleep(float(line.split()[1]))
                    continue
                stdin = None
                if line.endswith("<<EOF"):
                    line = line[:-len("<<EOF")].rstrip()
                    body = []
                    for b in lines:
                        if b == "EOF":
                            break
                        body.append(b + "\n")
                    stdin = "".join(body)
                now = time.monotonic()
                t0 = now if t0 is None else t0
                r = subprocess.run(["ip", "netns", "exec", NS] + shlex.split(line), capture_output=True, text=True,
                                   input=stdin if stdin is not None else "",
                                   env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"})
                rec = {"cmd": line, "t": round(now - t0, 6), "rc": r.returncode, "stdout": r.stdout, "stderr": r.stderr}
                if stdin is not None:
                    rec["stdin"] = stdin
                o.write(json.dumps(rec) + "\n")
    finally:
        subprocess.run(["ip", "netns", "del", NS])


if __name__ == "__main__":
    main()
