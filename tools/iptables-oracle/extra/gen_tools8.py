#!/usr/bin/python3
"""Session 8 (helper tools8): command sequences for corners of iptables, iptables-save and
iptables-restore the other generators touch little (wait flags, unknown tables, -S/-L of one rule,
-v on edits, protocol names and numbers in listings, restore and save options).
usage: gen_tools8.py | HP_NS=hptools8-ipt python3 ../record.py OUTDIR
then copy OUTDIR/seq-t8-* into hairpin-core/src/test/resources/iptables-extra/."""
import json


def ipt(*a):
    return ["iptables"] + list(a)


BASE = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:web - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p udp -m udp --dport 53 -j web
-A web -s 192.0.2.0/24 -j RETURN
COMMIT
"""

SQ = []
SQ.append({"name": "t8-empty-tables", "steps": [
    ipt("-S"), ipt("--list-rules"), ipt("-L"), ipt("-L", "-n", "-v"), ipt("-L", "-x", "-v"),
    ipt("-t", "nat", "-S"), ipt("-t", "nat", "-L"), ipt("-t", "mangle", "-L", "-n", "--line-numbers"),
    ipt("-t", "raw", "-L", "-v"), ipt("-t", "security", "-S"), ipt("-t", "security", "-L", "-n"),
    ipt("-L", "INPUT"), ipt("-S", "INPUT"), ipt("-S", "INPUT", "1"), ipt("-L", "INPUT", "1"),
    ipt("-t", "foo", "-L"), ipt("-t", "NAT", "-L"), ipt("-t", "", "-L"), ipt("-t", "nat", "-t", "filter", "-L"),
    ["iptables-save"], ["iptables-save", "-c"], ["iptables-save", "-t", "nat"], ["iptables-save", "-t", "foo"],
    ["iptables-save", "-t"], ["iptables-save", "--version"], ["iptables-save", "-x"],
    ipt("-L", "-Z"), ipt("-Z"), ipt("-Z", "-v"), ipt("-L", "-Z", "-n", "-v"),
]})
SQ.append({"name": "t8-wait-flags", "steps": [
    ipt("-w", "-L", "-n"), ipt("-w", "5", "-L", "-n"), ipt("--wait", "-S"), ipt("--wait=3", "-S"),
    ipt("-w3", "-S"), ipt("-W", "1000", "-L", "-n"), ipt("-w", "-W", "100", "-S"), ipt("-w", "abc", "-S"),
    ipt("-w", "-1", "-S"), ipt("--wait-interval", "50", "-S"), ipt("-W", "-S"), ipt("-S", "-w"),
    ["iptables-save", "-w"], ["iptables-restore", "-w", "-n"], ["iptables-restore", "-w", "2", "-n"],
    ["iptables-restore", "-W", "10", "-n"],
]})
SQ.append({"name": "t8-chain-edits", "steps": [
    {"argv": ["iptables-restore"], "stdin": BASE},
    ipt("-N", "web"), ipt("-N", "INPUT"), ipt("-N", "x" * 28), ipt("-N", "x" * 29), ipt("-N", "-bad"),
    ipt("-N", "a!b"), ipt("-N", "ACCEPT"), ipt("-N", "RETURN"),
    ipt("-E", "web", "web2"), ipt("-E", "nosuch", "x"), ipt("-E", "web2", "INPUT"), ipt("-E", "web2", "web2"),
    ipt("-E", "web2"), ipt("-E", "web2", "ACCEPT"), ipt("-S"),
    ipt("-X", "web2"), ipt("-X", "nosuch"), ipt("-X", "INPUT"),
    ipt("-P", "INPUT", "DROP"), ipt("-P", "web2", "ACCEPT"), ipt("-P", "INPUT", "FOO"), ipt("-P", "INPUT", "RETURN"),
    ipt("-P", "INPUT"), ipt("-P"), ipt("-P", "INPUT", "accept"), ipt("-t", "nat", "-P", "PREROUTING", "DROP"),
    ipt("-t", "raw", "-P", "OUTPUT", "DROP"), ipt("-P", "FORWARD", "ACCEPT", "extra"),
    ipt("-v", "-N", "logs"), ipt("-v", "-A", "logs", "-j", "LOG", "--log-prefix", "x: "), ipt("-v", "-I", "logs", "1", "-j", "RETURN"),
    ipt("-v", "-R", "logs", "1", "-j", "ACCEPT"), ipt("-v", "-D", "logs", "1"), ipt("-v", "-Z", "logs"), ipt("-v", "-F", "logs"),
    ipt("-v", "-E", "logs", "logs2"), ipt("-v", "-X", "logs2"), ipt("-v", "-P", "INPUT", "ACCEPT"),
    ipt("-v", "-C", "INPUT", "-i", "lo", "-j", "ACCEPT"), ipt("-v", "-S", "INPUT"),
    ["iptables-save"],
]})
SQ.append({"name": "t8-rule-positions", "steps": [
    {"argv": ["iptables-restore"], "stdin": BASE},
    ipt("-S", "INPUT", "2"), ipt("-S", "INPUT", "3"), ipt("-S", "INPUT", "4"), ipt("-S", "INPUT", "0"),
    ipt("-S", "INPUT", "x"), ipt("-S", "INPUT", "-1"), ipt("-L", "INPUT", "2"), ipt("-L", "INPUT", "2", "-n", "-v", "--line-numbers"),
    ipt("-L", "INPUT", "9", "-n"), ipt("-S", "web", "1"), ipt("-L", "web", "1", "-n", "-x", "-v"),
    ipt("-C", "INPUT", "1"), ipt("-C", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
    ipt("-C", "INPUT", "-p", "tcp", "--dport", "23", "-j", "ACCEPT"), ipt("-C", "INPUT", "-p", "tcp", "-m", "tcp", "--dport", "22"),
    ipt("-D", "INPUT", "9"), ipt("-D", "INPUT", "0"), ipt("-R", "INPUT", "9", "-j", "DROP"), ipt("-I", "INPUT", "9", "-j", "DROP"),
    ipt("-I", "INPUT", "5", "-j", "DROP"), ipt("-I", "INPUT", "0", "-j", "DROP"), ipt("-A", "INPUT", "1", "-j", "DROP"),
    ipt("-Z", "INPUT", "1"), ipt("-Z", "INPUT", "7"), ipt("-L", "-n", "-v", "-x", "--line-numbers"),
    ipt("-F", "nosuch"), ipt("-L", "nosuch"), ipt("-S", "nosuch"), ipt("-Z", "nosuch"), ipt("-D", "nosuch", "1"),
    ipt("-D", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"), ipt("-D", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
    ipt("-L", "--line-numbers"), ["iptables-save", "-c"],
]})
SQ.append({"name": "t8-protocols", "steps": [
    ipt("-A", "INPUT", "-p", "6", "--dport", "80", "-j", "ACCEPT"), ipt("-A", "INPUT", "-p", "TCP", "--dport", "http"),
    ipt("-A", "INPUT", "-p", "udp", "--dport", "domain"), ipt("-A", "INPUT", "-p", "17", "-m", "udp", "--sport", "53"),
    ipt("-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request"), ipt("-A", "INPUT", "-p", "1", "--icmp-type", "8/0"),
    ipt("-A", "INPUT", "-p", "all"), ipt("-A", "INPUT", "-p", "0"), ipt("-A", "INPUT", "-p", "300"),
    ipt("-A", "INPUT", "-p", "sctp", "--dport", "9"), ipt("-A", "INPUT", "-p", "gre"), ipt("-A", "INPUT", "-p", "47"),
    ipt("-A", "INPUT", "-p", "esp"), ipt("-A", "INPUT", "-p", "50"), ipt("-A", "INPUT", "-p", "ah"), ipt("-A", "INPUT", "-p", "udplite"),
    ipt("-A", "INPUT", "-p", "132", "--dport", "9"), ipt("-A", "INPUT", "-p", "ipv6-icmp"), ipt("-A", "INPUT", "-p", "igmp"),
    ipt("-A", "INPUT", "-p", "255"), ipt("-A", "INPUT", "-p", "254"), ipt("-A", "INPUT", "-p", "dccp", "--dport", "5"),
    ipt("-A", "INPUT", "!", "-p", "tcp"), ipt("-A", "INPUT", "-p", "!", "udp"), ipt("-A", "INPUT", "-p", "icmpv6"),
    ipt("-A", "INPUT", "-p", "ospf"), ipt("-A", "INPUT", "-p", "vrrp"), ipt("-A", "INPUT", "-p", "mh"),
    ipt("-L"), ipt("-L", "-n"), ipt("-L", "-v"), ipt("-S"), ["iptables-save"],
]})
SQ.append({"name": "t8-restore-options", "steps": [
    {"argv": ["iptables-restore", "--test"], "stdin": BASE}, ["iptables-save"],
    {"argv": ["iptables-restore", "-t"], "stdin": BASE.replace("-j web", "-j nosuch")},
    {"argv": ["iptables-restore"], "stdin": BASE},
    {"argv": ["iptables-restore", "--noflush"], "stdin": "*filter\n-A INPUT -j DROP\nCOMMIT\n"},
    {"argv": ["iptables-restore", "-n"], "stdin": "*filter\n:web - [0:0]\nCOMMIT\n"},
    {"argv": ["iptables-restore", "--counters"], "stdin": "*filter\n:INPUT DROP [5:300]\n[7:420] -A INPUT -j ACCEPT\nCOMMIT\n"},
    ["iptables-save", "-c"],
    {"argv": ["iptables-restore", "-T", "nat"], "stdin": BASE + "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j RETURN\nCOMMIT\n"},
    ["iptables-save"],
    {"argv": ["iptables-restore", "--table=filter"], "stdin": BASE},
    {"argv": ["iptables-restore", "-T", "foo"], "stdin": BASE},
    {"argv": ["iptables-restore", "-v"], "stdin": BASE},
    {"argv": ["iptables-restore", "-v", "--noflush"], "stdin": "*filter\n-A INPUT -j DROP\nCOMMIT\n"},
    ["iptables-restore", "-V"], ["iptables-restore", "-x"], ["iptables-restore", "/nonexistent/rules.v4"],
    {"argv": ["iptables-restore"], "stdin": "*foo\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\n-A INPUT -j ACCEPT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\n:web ACCEPT [0:0]\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\n:INPUT FOO [0:0]\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\n-A INPUT -j\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\n-A NOSUCH -j ACCEPT\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*filter\nCOMMIT\n*filter\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "# only a comment\n"},
    {"argv": ["iptables-restore"], "stdin": ""},
    ["iptables-save"], ["iptables-save", "-c", "-t", "filter"], ["iptables-save", "--counters", "--table", "nat"],
]})
SQ.append({"name": "t8-counters-refs", "steps": [
    ipt("-A", "INPUT", "-c", "5", "600", "-j", "ACCEPT"), ipt("-A", "INPUT", "--set-counters", "123456789", "98765432109", "-j", "DROP"),
    ipt("-I", "INPUT", "1", "-c", "1", "2", "-p", "tcp"), ipt("-A", "INPUT", "-c", "x", "1"), ipt("-A", "INPUT", "-c", "1"),
    ipt("-A", "INPUT", "-c", "-1", "5"), ipt("-R", "INPUT", "2", "-c", "7", "8", "-j", "ACCEPT"),
    ipt("-L", "-v"), ipt("-L", "-v", "-x", "-n"), ipt("-S", "-v"), ipt("-S", "INPUT", "3", "-v"), ["iptables-save", "-c"],
    ipt("-C", "INPUT", "-c", "9", "9", "-j", "DROP"), ipt("-D", "INPUT", "-c", "0", "0", "-j", "DROP"),
    ipt("-N", "a"), ipt("-N", "b"), ipt("-A", "INPUT", "-j", "a"), ipt("-A", "a", "-j", "b"), ipt("-A", "FORWARD", "-g", "b"),
    ipt("-L", "-n"), ipt("-X", "b"), ipt("-F", "b"), ipt("-E", "b", "c"), ipt("-S"), ipt("-L", "a", "-n", "-v"),
    ipt("-X", "a"), ipt("-F", "a"), ipt("-X", "a"), ipt("-D", "INPUT", "-j", "a"), ipt("-X", "a"), ipt("-X"), ipt("-S"),
    ipt("-Z", "INPUT", "2"), ipt("-L", "INPUT", "-v", "-n", "-x"), ipt("-L", "-Z", "-v", "-n", "-x"), ipt("-L", "-v", "-n", "-x"),
    ["iptables-save", "-c"],
]})
R = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n"
SQ.append({"name": "t8-restore-text", "steps": [
    {"argv": ["iptables-restore"], "stdin": R.replace("\n", "\r\n")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.rstrip("\n")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("-A INPUT", "  -A INPUT")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace(" --dport", "\t--dport")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("ACCEPT\nCOMMIT", "ACCEPT   \nCOMMIT")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("COMMIT", "commit")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("COMMIT", "COMMIT # done")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("*filter", "*filter # main")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("-A INPUT", "# note\n\n-A INPUT")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("-A INPUT -p tcp", "-A INPUT -m comment --comment \"a # b\" -p tcp")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("-A INPUT -p tcp", "-A INPUT -m comment --comment 'single q' -p tcp")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace(":INPUT ACCEPT [0:0]", ":INPUT ACCEPT")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace(":INPUT ACCEPT [0:0]", ":INPUT  ACCEPT  [0:0]")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("*filter", "* filter")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": R.replace("*filter", "*filter\n*filter")}, ["iptables-save"],
    {"argv": ["iptables-restore"], "stdin": "\ufeff" + R}, ["iptables-save"],
]})
SQ.append({"name": "t8-option-clusters", "steps": [
    {"argv": ["iptables-restore", "-c"], "stdin": BASE.replace("-A INPUT -i lo", "[12:3400] -A INPUT -i lo").replace(":INPUT ACCEPT [0:0]", ":INPUT ACCEPT [1234567:89012345678]")},
    ipt("-nvL"), ipt("-nvL", "INPUT"), ipt("-vnxL", "--line-numbers"), ipt("-nL", "--line-numbers"), ipt("-Ln"), ipt("-Lnv"),
    ipt("-t", "filter", "-nvL", "INPUT", "1"), ipt("-tfilter", "-S"), ipt("-vS"), ipt("-Sv", "INPUT"), ipt("-nvZL"), ipt("-ZnvL"),
    ipt("-nvLZ", "INPUT"), ipt("-vxnL", "web"), ipt("-nLv", "nosuch"), ipt("-Lx"), ipt("-nxL"), ipt("-xvL", "-t", "nat"),
    ipt("-LS"), ipt("-SL"), ipt("-vFX"), ipt("-nv"), ipt("-L", "-L"), ipt("-L", "--numeric", "--verbose", "--exact", "--line-numbers"),
    ipt("--list", "INPUT", "--numeric"), ipt("--list-rules", "INPUT"), ipt("--lis"), ipt("--li"), ipt("--zero", "--list", "-n"),
    ipt("-nvL", "--line"), ipt("-nvL", "--line-n"), ["iptables-save", "-c"],
]})
print(json.dumps({"sequences": SQ}, indent=1))
