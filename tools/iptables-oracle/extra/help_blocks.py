#!/usr/bin/python3
"""Writes each extension's help block, as iptables 1.8.9 prints it after the generic help for
`iptables -m NAME -h` / `-j NAME -h` (recorded in iptables-extra/seq-help-*), to
hairpin-core/src/main/resources/dev/hairpin/rules/ext/help/{match,target}-NAME.txt.
usage: extra/help_blocks.py   (from the repository root)"""
import os

REC = "hairpin-core/src/test/resources/iptables-extra"
OUT = "hairpin-core/src/main/resources/dev/hairpin/rules/ext/help"


def steps(case):
    text = open(os.path.join(REC, case, "transcript.txt"), encoding="utf-8").read()
    for block in text.split("@ end\n")[:-1]:
        args = [l[6:] for l in block.split("\n") if l.startswith("@ arg ")]
        out = [l[2:] if len(l) > 1 else "" for l in block.split("\n") if l.startswith(">")]
        yield args, out


os.makedirs(OUT, exist_ok=True)
for case, kind in (("seq-help-matches", "match"), ("seq-help-targets", "target")):
    for args, out in steps(case):
        end = [i for i, l in enumerate(out) if l.endswith("print package version.")]
        if not end:
            continue
        tail = out[end[0] + 1:]
        assert tail and tail[0] == "", args
        name = args[1] if args[1] not in ("ACCEPT", "DROP") else "standard"
        with open(os.path.join(OUT, "%s-%s.txt" % (kind, name)), "w", encoding="utf-8") as f:
            f.write("\n".join(tail[1:]) + "\n")
