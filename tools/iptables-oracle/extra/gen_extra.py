#!/usr/bin/python3
"""Plans for the hand-written rulesets of extra/rulesets (test-side only): record.py runs them.

usage: extra/gen_extra.py | record.py OUTDIR
  rulesets : each extra/rulesets/NN-name.rules loaded with iptables-restore in a fresh namespace,
             then every listing of the tables it names (save, -S, -L variants), per-chain -S/-L,
             and follow-up commands (-C/-D with options reordered, -Z, -F ...)
  broken   : malformed restore files after a valid base (refusal text, exit code, nothing applied)
  scripts  : sequences of single iptables commands, failing ones included
  groups   : option variants of less common extensions, one rule at a time"""
import json, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = {"INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"}

# follow-up commands per ruleset (iptables argument lists, split on spaces)
AFTER = {
    "01-soho-router": [
        "-C INPUT -i lo -j ACCEPT", "-C INPUT -j ACCEPT -i lo", "-C INPUT -i lo -j DROP",
        "-C wan_in -p icmp -m icmp --icmp-type 8 -m limit --limit 2/s --limit-burst 5 -j ACCEPT",
        "-C wan_in -m limit --limit 5/minute -j LOG --log-prefix wan\\ drop:\\  --log-level warning",
        "-t nat -C port_forward -p tcp --dport 2222 -j DNAT --to-destination 192.168.8.10:22",
        "-t nat -D port_forward -p tcp -m multiport --dports 80,443 -j DNAT --to-destination 192.168.8.20",
        "-t nat -D port_forward 9", "-t nat -D port_forward 3", "-t nat -S port_forward",
        "-X guest_in", "-F guest_in", "-X guest_in", "-D INPUT -i wlan1 -j guest_in", "-X guest_in",
        "-E lan_fwd lan_forward", "-S FORWARD", "-L FORWARD -n --line-numbers", "-P INPUT ACCEPT", "-S INPUT 1",
        "-L INPUT 3 -n", "-Z INPUT 2", "-L -n -v -x INPUT", "-t mangle -S FORWARD 1"],
    "02-ssh-guard": ["-C SSHBRUTE -m recent --set --name SSH", "-C SSHBRUTE -m recent --name SSH --set --mask 255.255.255.255 --rsource",
                     "-D SSHBRUTE -m recent --remove --name SSH_BAN", "-S SSHBRUTE",
                     "-C ICMPFLOOD -m hashlimit --hashlimit-upto 4/s --hashlimit-burst 8 --hashlimit-mode srcip --hashlimit-name icmp-in -j RETURN",
                     "-C ICMPFLOOD -m hashlimit --hashlimit-name icmp-in --hashlimit-upto 4/second --hashlimit-burst 8 --hashlimit-mode srcip -j RETURN"],
    "04-mangle-qos": ["-t mangle -C MARKS -i eth0 -j MARK --set-xmark 1/255", "-t mangle -C MARKS -i eth0 -j MARK --set-mark 0x1/0xff",
                      "-t mangle -C PREROUTING -j CONNMARK --restore-mark --mask 0xff", "-t mangle -D MARKS -j CONNMARK --save-mark",
                      "-t mangle -D MARKS -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff", "-t mangle -S MARKS",
                      "-t mangle -C QOS -p udp -m udp --dport 5060 -j DSCP --set-dscp 46", "-t mangle -L QOS -n -v --line-numbers"],
    "08-nat-ranges": ["-t nat -C snat_rules -s 10.1.0.0/24 -o eth0 -j SNAT --to 198.51.100.2",
                      "-t nat -C dnat_rules -d 203.0.113.16/32 -j DNAT --to-destination 10.1.0.18",
                      "-t nat -D snat_rules -s 10.1.6.0/24 -o eth0 -j SNAT --to-source 198.51.100.12 --random-fully --persistent --random",
                      "-t nat -L snat_rules -n", "-t nat -L dnat_rules -n -v -x --line-numbers", "-t nat -S dnat_rules 5"],
    "09-address-forms": ["-C INPUT -s 192.0.2.77/24 -j ACCEPT", "-C INPUT -s 192.0.2.0/255.255.255.0 -j ACCEPT",
                         "-D INPUT -s 10.0.0.1,10.0.0.2,10.0.0.0/30 -j DROP", "-S INPUT", "-D INPUT -s localhost -j ACCEPT",
                         "-L INPUT -n --line-numbers"],
    "11-tcp-flags": ["-C badflags -p tcp --tcp-flags ACK,FIN,SYN,RST,URG,PSH NONE -j DROP",
                     "-C badflags -p tcp --tcp-flags SYN,RST,ACK,FIN,URG,PSH FIN,PSH,URG -j DROP",
                     "-C INPUT -p tcp --dport 22 -j ACCEPT", "-D INPUT -p tcp -m tcp --dport 80 -j ACCEPT", "-L badflags -n"],
    "13-multiport": ["-C INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT", "-C INPUT -p tcp -m multiport --dports 443,80,22 -j ACCEPT",
                     "-D INPUT -p tcp -m multiport --dports ssh,http,https,imaps,pop3s -j ACCEPT", "-S INPUT"],
    "14-conntrack-all": ["-C FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                         "-C FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT", "-D FORWARD 3", "-S FORWARD 3"],
    "15-comments": ["-C INPUT -m comment --comment with\\ spaces\\ in\\ it -j ACCEPT", "-S INPUT 4", "-L INPUT 4 -n"],
    "16-all-tables-counters": ["-Z INPUT", "-L INPUT -n -v -x", "-Z", "-L -n -v", "-t nat -L -n -v -x -Z", "-t nat -L -n -v",
                               "-t mangle -Z mark_out", "-t raw -L -n -v", "-t security -S -v"],
    "17-kube-proxy-like": ["-t nat -S KUBE-SVC-WEB", "-t nat -F KUBE-SVC-WEB", "-t nat -X KUBE-SEP-AAAA1111",
                           "-t nat -X KUBE-SVC-WEB", "-t nat -L KUBE-SERVICES -n"],
    "23-option-order": ["-C INPUT -p tcp --dport 22 -j ACCEPT", "-C INPUT -j ACCEPT --dport 22 -p tcp",
                        "-D INPUT -m conntrack --ctstate NEW --ctproto tcp --ctorigsrc 10.0.0.0/8 --ctorigdstport 80 -j ACCEPT",
                        "-S INPUT"],
    "30-blocklist": ["-D blocklist 5", "-D blocklist -s 198.51.100.2/32 -j DROP", "-R blocklist 1 -s 10.0.0.0/8 -j DROP",
                     "-I blocklist 100 -s 192.0.2.99/32 -j DROP", "-L blocklist 100 -n", "-S blocklist 101",
                     "-L blocklist -n -v --line-numbers"],
    "28-nat-reflection": ["-t nat -C reflect -s 192.168.1.0/24 -d 192.168.1.12/32 -p tcp -m conntrack --ctstate DNAT --ctproto tcp --ctorigdstport 25 -j SNAT --to-source 192.168.1.1:30000-40000",
                          "-t nat -L reflect -n -v"],
    "24-chain-names": ["-E a b", "-E a chain-renamed", "-S INPUT", "-X unused", "-X", "-S", "-t nat -X b", "-t nat -S"],
}
FLAGS = {"16-all-tables-counters": ["-c"]}
IPSETS = {"31-calico-like": [["create", n, "hash:net"] for n in
                             ["cali40masq-ipam-pools", "cali40all-ipam-pools", "cali40all-hosts-net", "cali40all-vxlan-net"]]}


def tables_of(text):
    ts = [l[1:].strip() for l in text.split("\n") if l.startswith("*")]
    return [t for t in ["filter", "nat", "mangle", "raw", "security"] if t in ts or t == "filter"]


def user_chains(text):
    out = []
    table = None
    for l in text.split("\n"):
        if l.startswith("*"):
            table = l[1:].strip()
        elif l.startswith(":"):
            name = l[1:].split()[0]
            if name not in BUILTIN:
                out.append((table, name))
    return out


def rulesets():
    out = []
    d = os.path.join(HERE, "rulesets")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".rules"):
            continue
        name = f[:-6]
        text = open(os.path.join(d, f), encoding="utf-8").read()
        chains = user_chains(text)
        extra = []
        for t, c in chains[:6]:
            extra += [["-t", t, "-S", c], ["-t", t, "-L", c, "-n", "--line-numbers"], ["-t", t, "-L", c, "-n", "-v", "-x"]]
        extra += [["-S", "INPUT"], ["-L", "INPUT", "-n", "--line-numbers"]]
        after = [split(a) for a in AFTER.get(name, [])]
        out.append({"name": name, "input": text, "flags": FLAGS.get(name, []), "tables": tables_of(text),
                    "extra": extra, "after": after, "ipsets": IPSETS.get(name, [])})
    return out


def split(cmd):
    # spaces escaped with a backslash stay in the word
    return [w.replace("\0", " ") for w in cmd.replace("\\ ", "\0").split(" ")]


F = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
N = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
BASE = (F + ":keep - [0:0]\n-A INPUT -j keep\n-A keep -p tcp --dport 22 -j ACCEPT\nCOMMIT\n" + N +
        "-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n")
GOODF = F + ":user - [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -j user\n"
B = []
def b(name, text, flags=()):
    B.append({"name": name, "base": BASE, "input": text, "flags": list(flags)})

b("bad-option-line7", GOODF + "-A user -p tcp --dprot 22 -j ACCEPT\nCOMMIT\n")
b("unknown-chain", GOODF + "-A NOPE -j ACCEPT\nCOMMIT\n")
b("missing-commit", GOODF + "-A user -j ACCEPT\n")
b("missing-commit-then-table", GOODF + "-A user -j ACCEPT\n" + N + "COMMIT\n")
b("bad-rule-counters", GOODF + "[1:x] -A user -j ACCEPT\nCOMMIT\n", ["-c"])
b("bad-policy-counters", F.replace("[0:0]\n:FORWARD", "[1:2\n:FORWARD") + "COMMIT\n", ["-c"])
b("policy-counters-letters", F.replace("[0:0]\n:FORWARD", "[a:b]\n:FORWARD") + "COMMIT\n", ["-c"])
b("unknown-target", GOODF + "-A user -j ACCEPTT\nCOMMIT\n")
b("unknown-match", GOODF + "-A user -m nosuchmatch -j ACCEPT\nCOMMIT\n")
b("bad-address", GOODF + "-A user -s 10.0.0.300 -j DROP\nCOMMIT\n")
b("unresolvable-host", GOODF + "-A user -s no-such-host.invalid -j DROP\nCOMMIT\n")
b("bad-mask", GOODF + "-A user -s 10.0.0.0/40 -j DROP\nCOMMIT\n")
b("second-table-error", GOODF + "COMMIT\n" + N + "-A POSTROUTING -o eth1 -j SNAT --to-source 10.0.0.1.1\nCOMMIT\n")
b("third-table-error", GOODF + "COMMIT\n" + N + "COMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-mark zz\nCOMMIT\n")
b("bad-port", GOODF + "-A user -p tcp --dport 70000 -j ACCEPT\nCOMMIT\n")
b("missing-arg-eol", GOODF + "-A user -s\nCOMMIT\n")
b("unterminated-quote", GOODF + "-A user -m comment --comment \"oops -j ACCEPT\nCOMMIT\n")
b("dnat-in-filter", GOODF + "-A user -j DNAT --to-destination 10.0.0.1\nCOMMIT\n")
b("chain-declared-twice", GOODF.replace(":user - [0:0]\n", ":user - [0:0]\n:user - [0:0]\n") + "COMMIT\n")
b("policy-on-user-chain", GOODF.replace(":user - [0:0]", ":user DROP [0:0]") + "COMMIT\n")
b("bad-table-name", "*filtr\n:INPUT ACCEPT [0:0]\nCOMMIT\n")
b("jump-undeclared", GOODF + "-A user -j elsewhere\nCOMMIT\n")
b("option-twice", GOODF + "-A user -p tcp --dport 22 --dport 23 -j ACCEPT\nCOMMIT\n")
b("bad-ctstate", GOODF + "-A user -m conntrack --ctstate NEW,BOGUS -j ACCEPT\nCOMMIT\n")
b("bad-icmp-type", GOODF + "-A user -p icmp --icmp-type echo -j ACCEPT\nCOMMIT\n")
b("masquerade-prerouting", N + "-A PREROUTING -j MASQUERADE\nCOMMIT\n")
b("bad-limit-unit", GOODF + "-A user -m limit --limit 5/fortnight -j ACCEPT\nCOMMIT\n")
b("bad-mark-value", "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-mark 0xZZ\nCOMMIT\n")
b("bad-log-level", GOODF + "-A user -j LOG --log-level 9\nCOMMIT\n")
b("old-negation", GOODF + "-A user -s ! 10.0.0.1 -j DROP\nCOMMIT\n")
b("chain-name-too-long", GOODF + ":abcdefghijklmnopqrstuvwxyz0123456 - [0:0]\nCOMMIT\n")
b("rule-before-table", "-A INPUT -j ACCEPT\n" + GOODF + "COMMIT\n")
b("bad-policy-name", F.replace(":FORWARD ACCEPT", ":FORWARD REJECT") + "COMMIT\n")
b("bad-reject-with", GOODF + "-A user -j REJECT --reject-with icmp-bogus\nCOMMIT\n")
b("tcp-option-without-proto", GOODF + "-A user --dport 22 -j ACCEPT\nCOMMIT\n")
b("multiport-too-many", GOODF + "-A user -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j ACCEPT\nCOMMIT\n")
b("bad-iface-too-long", GOODF + "-A user -i abcdefghijklmnopq -j ACCEPT\nCOMMIT\n")
b("noflush-bad-keeps-old", "*filter\n-A keep -j DROP\n-A keep -j NOPE\nCOMMIT\n", ["--noflush"])
b("noflush-good-appends", "*filter\n:extra - [0:0]\n-A keep -j extra\n-A extra -s 10.0.0.1 -j DROP\nCOMMIT\n", ["--noflush"])
b("counters-without-c", GOODF + "[5:10] -A user -j ACCEPT\nCOMMIT\n")
b("dash-c-in-rule", GOODF + "-A user -c 5 10 -j ACCEPT\nCOMMIT\n")
b("single-quoted-prefix", GOODF + "-A user -j LOG --log-prefix 'smtp in '\nCOMMIT\n")
b("single-quoted-comment", GOODF + "-A user -m comment --comment 'a b' -j ACCEPT\nCOMMIT\n")
b("dport-before-proto", GOODF + "-A user --dport 24 -p tcp -j ACCEPT\nCOMMIT\n")
b("queue-target", GOODF + "-A user -j QUEUE\nCOMMIT\n")
b("statistic-negated-mode", GOODF + "-A user -m statistic ! --mode nth --every 2 -j ACCEPT\nCOMMIT\n")
b("statistic-every-no-packet", GOODF + "-A user -m statistic --mode nth --every 2 -j ACCEPT\nCOMMIT\n")
b("pkttype-outgoing", GOODF + "-A user -m pkttype --pkt-type outgoing -j ACCEPT\nCOMMIT\n")
b("log-level-err", GOODF + "-A user -j LOG --log-level err\nCOMMIT\n")
b("nfacct-missing-object", GOODF + "-A user -m nfacct --nfacct-name nosuch -j DROP\nCOMMIT\n")
b("rpfilter-in-filter", GOODF + "-A user -j ACCEPT\n-A INPUT -m rpfilter -j ACCEPT\n-A INPUT -m rpfilter --invert -j DROP\nCOMMIT\n")
b("devgroup-dst-in-input", GOODF + "-A INPUT -m devgroup --dst-group 4 -j ACCEPT\nCOMMIT\n")
b("out-iface-in-input", GOODF + "-A INPUT -o eth1 -j ACCEPT\nCOMMIT\n")
b("log-level-warn", GOODF + "-A user -j LOG --log-level warn\nCOMMIT\n")
b("chain-declared-after-use", GOODF + "-A INPUT -g later\n-A user -j ACCEPT\n:later - [0:0]\n-A later -j RETURN\nCOMMIT\n")
b("proto-after-target-ports", N + "-A POSTROUTING -o eth0 -j MASQUERADE --to-ports 2000-3000 -p udp\nCOMMIT\n")
b("proto-after-dnat-port", N + "-A PREROUTING -j DNAT --to-destination 10.0.0.5:8080 -p tcp --dport 80 -i eth0\nCOMMIT\n")
b("dash-c-in-rule-with-c", GOODF + "-A user -c 5 10 -j ACCEPT\nCOMMIT\n", ["-c"])

S = []
def s(name, cmds):
    S.append({"name": name, "cmds": [split(c) for c in cmds]})

s("lifecycle", ["-N web", "-N web", "-N db", "-A web -p tcp --dport 80 -j ACCEPT", "-A web -p tcp --dport 443 -j ACCEPT",
    "-I web 2 -p tcp --dport 8080 -j ACCEPT", "-A INPUT -j web", "-A INPUT -j db", "-X web", "-X db", "-S",
    "-E web www", "-E www db", "-E nosuch x", "-S INPUT", "-D INPUT -j www", "-X www", "-F www", "-X www", "-S",
    "-D INPUT -j db", "-X", "-S", "-P INPUT DROP", "-P INPUT ACCEPT", "-P nosuch DROP", "-N a", "-P a DROP", "-L -n"])
s("check-delete", ["-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
    "-C INPUT -p tcp -s 10.0.0.0/8 --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
    "-C INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
    "-C INPUT -s 10.0.0.0/8 -p tcp --dport 22 -m state --state NEW -j ACCEPT",
    "-C INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT", "-C nosuch -j ACCEPT", "-C INPUT -j nosuch",
    "-D INPUT -s 10.0.0.1/8 -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT", "-S",
    "-A INPUT -m comment --comment \"a b\" -j DROP", "-C INPUT -m comment --comment a\\ b -j DROP",
    "-D INPUT -m comment --comment a\\ b -j DROP", "-D INPUT -m comment --comment a\\ b -j DROP",
    "-A INPUT -p udp -m multiport --dports 53,123 -j ACCEPT", "-D INPUT -p udp -m multiport --dports 53,123",
    "-D INPUT -p udp -m multiport --dports 53,123 -j ACCEPT", "-D INPUT 5", "-D INPUT 0", "-D INPUT -1", "-S"])
s("replace-insert", ["-A FORWARD -j ACCEPT", "-R FORWARD 1 -s 10.0.0.1 -j DROP", "-R FORWARD 2 -j DROP", "-R FORWARD 0 -j DROP",
    "-I FORWARD 2 -j RETURN", "-I FORWARD 4 -j RETURN", "-I FORWARD 3 -j LOG", "-S FORWARD", "-R FORWARD 1 -s 1.1.1.1,2.2.2.2 -j DROP",
    "-I FORWARD 1 -s 3.3.3.3,4.4.4.4 -j ACCEPT", "-S FORWARD", "-L FORWARD -n --line-numbers", "-D FORWARD 9", "-R nosuch 1 -j DROP"])
s("nat-edit", ["-t nat -N svc", "-t nat -A PREROUTING -p tcp --dport 80 -j svc", "-t nat -A svc -j DNAT --to-destination 10.0.0.2:8080",
    "-t nat -A svc -p tcp -j REDIRECT --to-ports 3128", "-t nat -A POSTROUTING -o eth0 -j SNAT --to-source 198.51.100.1-198.51.100.3 --persistent",
    "-t nat -C POSTROUTING -o eth0 -j SNAT --to 198.51.100.1-198.51.100.3 --persistent",
    "-t nat -C POSTROUTING -o eth0 -j SNAT --to-source 198.51.100.1-198.51.100.3", "-t nat -A INPUT -j REDIRECT",
    "-t nat -A POSTROUTING -j REDIRECT", "-t nat -A PREROUTING -j SNAT --to-source 1.2.3.4", "-t nat -A OUTPUT -j MASQUERADE",
    "-t nat -A INPUT -j SNAT --to-source 1.2.3.4", "-t nat -P PREROUTING DROP", "-t nat -S", "-t nat -L -n -v",
    "-t nat -X svc", "-t nat -F", "-t nat -X svc", "-t nat -L -n"])
s("zero-counters", ["-N u", "-A INPUT -c 100 20000 -j u", "-A u -c 7 700 -p tcp -j ACCEPT", "-A u -c 3 180",
    "-L -n -v", "-Z u 1", "-L u -n -v -x", "-Z u", "-L u -n -v", "-Z INPUT 2", "-Z nosuch", "-S -v", "-L -n -v -x -Z",
    "-L -n -v -x", "-I INPUT -c 1 2 -j ACCEPT", "-R INPUT 1 -c 9 99 -j DROP", "-S -v", "-A INPUT -c 1", "-A INPUT -c a b -j ACCEPT"])
s("bad-options", ["-A INPUT -p tcp --dport", "-A INPUT -p tcp --dport 99999", "-A INPUT -p tcp --dport 10:5",
    "-A INPUT --dport 22", "-A INPUT -p udp --syn", "-A INPUT -m conntrack", "-A INPUT -m conntrack --ctstate FOO",
    "-A INPUT -m limit --limit 0/sec", "-A INPUT -m limit --limit 10/year", "-A INPUT -m mark --mark 0x1/0x2/0x3",
    "-A INPUT -j MARK --set-mark 1", "-t mangle -A INPUT -j MARK", "-t mangle -A INPUT -j MARK --set-mark 1 --and-mark 2",
    "-A INPUT -j REJECT --reject-with foo", "-A INPUT -j LOG --log-level 10", "-A INPUT -j LOG --log-prefix",
    "-A INPUT -s 10.0.0.0/33", "-A INPUT -s 10.0.0.0/255.0.255.0", "-A INPUT -s 10.0.0.1/", "-A INPUT -i",
    "-A INPUT -i eth0 -i eth1", "-A INPUT ! -i", "-A INPUT -p tcp -m multiport --dports", "-A INPUT -m multiport --dports 1",
    "-A INPUT -m iprange --src-range 1.2.3.4", "-A INPUT -m recent --name x --set --rcheck",
    "-A INPUT -m hashlimit --hashlimit-upto 1/s", "-A INPUT -m statistic --mode nth", "-A INPUT -m comment --comment",
    "-A INPUT -m state --state", "-A INPUT -m addrtype --src-type FOO", "-A INPUT -m ttl --ttl-eq 300",
    "-A INPUT -m length --length 1:2:3", "-A INPUT -m tos --tos 0x100", "-A INPUT -m mac --mac-source zz:11:22:33:44:55",
    "-A INPUT -p icmp --icmp-type 3/999", "-A INPUT -m pkttype --pkt-type foo", "-A OUTPUT -m owner --uid-owner nosuchuser",
    "-t raw -A PREROUTING -j CT --helper", "-t raw -A PREROUTING -j CT --zone x", "-t nat -A POSTROUTING -j SNAT",
    "-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4:80", "-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:99999",
    "-t nat -A PREROUTING -j REDIRECT --to-ports 80", "-t nat -A POSTROUTING -j NETMAP --to 10.0.0.0/33", "-S"])
s("list-forms", ["-N chain1", "-A INPUT -s 192.0.2.0/24 -p tcp -m multiport --dports 80,443 -j chain1",
    "-A INPUT -i eth0 -p udp --sport 53 -j ACCEPT", "-A chain1 -m limit --limit 3/min -j LOG --log-prefix \"c1 \"",
    "-A chain1 -p icmp --icmp-type 8 -j ACCEPT", "-A chain1 ! -s 10.0.0.0/8 -j RETURN", "-A OUTPUT -o lo -g chain1",
    "-L", "-L -v", "-L -n -v", "-L -n -x -v --line-numbers", "-L chain1", "-L chain1 2", "-L chain1 9", "-L INPUT -n 1",
    "-S chain1 2", "-S chain1 0", "-S chain1 5", "-S chain1 x", "-L --line-numbers", "-n -L INPUT", "-L -n --exact",
    "-L chain1 -n -v", "-t filter -L OUTPUT -n -v", "-L nosuch", "-S nosuch", "-t mangle -L -n", "-t raw -S",
    "-t security -L -n -v"])
s("flush-policies", ["-P INPUT DROP", "-P OUTPUT DROP", "-N x", "-A x -j ACCEPT", "-A INPUT -j x", "-F", "-S",
    "-X", "-S", "-P FORWARD REJECT", "-P FORWARD QUEUE", "-P FORWARD RETURN", "-P FORWARD accept", "-P INPUT ACCEPT",
    "-P OUTPUT ACCEPT", "-t mangle -P PREROUTING DROP", "-t mangle -S", "-t raw -P PREROUTING DROP", "-t raw -F",
    "-t raw -S", "-t security -P INPUT DROP", "-t security -S", "-F INPUT", "-F nosuch"])

G = []
def g(name, table, chain, rules, setup=()):
    G.append({"name": name, "table": table, "chain": chain, "setup": list(setup), "ipsets": [],
              "rules": [r if isinstance(r, list) else r.split() for r in rules]})

g("x-string", "filter", "INPUT", [
    ["-m", "string", "--string", "GET /", "--algo", "bm"], "-m string --string foo --algo kmp --from 10 --to 100",
    ["-m", "string", "--hex-string", "|41 42|C|00|", "--algo", "bm"], "-m string --string abc --algo bm --icase",
    "-m string ! --string x --algo bm", "-m string --string x", "-m string --algo bm", "-m string --string x --algo foo",
    ["-m", "string", "--string", "a\"b", "--algo", "bm"], "-m string --hex-string |zz| --algo bm",
    "-m string --string x --algo bm --to 65535", "-m string --string x --algo bm --from 0 --to 0"])
g("x-time", "filter", "INPUT", ["-m time " + t for t in [
    "--timestart 08:00", "--timestop 17:30:15", "--timestart 8:00 --timestop 9:00", "--weekdays Mon", "--weekdays 1,2,7",
    "--weekdays Sun,Sat", "! --weekdays Mon", "--monthdays 1,31", "! --monthdays 15", "--datestart 2020-01-01",
    "--datestart 2020-01-01T10:00", "--datestop 2030-06-30T12:30:00", "--kerneltz", "--utc",
    "--timestart 22:00 --timestop 02:00 --contiguous", "--timestart 25:00", "--weekdays Foo", "--monthdays 32",
    "--datestart 1960-01-01", "--timestart 10:00 --weekdays Mon --monthdays 1 --datestart 2021-02-03 --kerneltz"]])
g("x-quota-connbytes", "filter", "INPUT", [
    "-m quota --quota 0", "-m quota --quota 18446744073709551615", "-m quota ! --quota 10", "-m quota",
    "-m connbytes --connbytes 100 --connbytes-dir original --connbytes-mode bytes",
    "-m connbytes --connbytes 100:200 --connbytes-dir reply --connbytes-mode packets",
    "-m connbytes --connbytes :300 --connbytes-dir both --connbytes-mode avgpkt",
    "-m connbytes ! --connbytes 5: --connbytes-dir both --connbytes-mode bytes",
    "-m connbytes --connbytes 100 --connbytes-dir both", "-m connbytes --connbytes 1 --connbytes-dir sideways --connbytes-mode bytes"])
g("x-u32-ecn", "filter", "INPUT", [
    ["-m", "u32", "--u32", "0>>22&0x3C@0>>16=0x1"], ["-m", "u32", "--u32", "6 & 0xFF = 6 && 0 >> 22 & 0x3C @ 12 >> 26 & 0x3F = 0x10"],
    ["-m", "u32", "!", "--u32", "0&0xFFFF=0x100:0xFFFF"], ["-m", "u32", "--u32", "0=1,2,3:4"], ["-m", "u32", "--u32", "bogus"],
    "-p tcp -m ecn --ecn-tcp-cwr", "-p tcp -m ecn ! --ecn-tcp-ece", "-m ecn --ecn-ip-ect 0", "-m ecn --ecn-ip-ect 3",
    "-m ecn ! --ecn-ip-ect 2", "-m ecn --ecn-ip-ect 4", "-m ecn --ecn-tcp-cwr"])
g("x-policy-rpfilter", "filter", "INPUT", [
    "-m policy --dir in --pol ipsec", "-m policy --dir in --pol none", "-m policy --dir in --pol ipsec --proto esp",
    "-m policy --dir in --pol ipsec --strict --reqid 5 --spi 0x10 --proto ah --mode transport",
    "-m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-src 10.0.0.0/8 --tunnel-dst 10.1.0.1 --next --proto esp",
    "-m policy --dir out --pol ipsec", "-m policy --pol ipsec", "-m policy --dir in --pol foo", "-m policy --dir in --pol ipsec ! --reqid 3",
    "-m rpfilter", "-m rpfilter --loose", "-m rpfilter --validmark", "-m rpfilter --accept-local", "-m rpfilter --invert",
    "-m rpfilter --loose --validmark --accept-local --invert", "-m rpfilter ! --loose"])
g("x-misc-small", "filter", "INPUT", [
    "-m devgroup --src-group 1", "-m devgroup --dst-group 0x10/0xf0", "-m devgroup ! --src-group 1 ! --dst-group 2",
    "-m devgroup", "-m cpu --cpu 3", "-m cpu ! --cpu 0", "-m cpu", "-m realm --realm 1", "-m realm --realm 0x10/0xff",
    "-m realm ! --realm 3", "-m realm --realm cosmos", "-p esp -m esp --espspi 5", "-p esp -m esp --espspi 1:100",
    "-p esp -m esp ! --espspi 7", "-p ah -m ah --ahspi 9", "-p ah -m ah ! --ahspi 2:3", "-m esp --espspi 1",
    "-p 108 -m ipcomp --ipcompspi 4", "-m cgroup --path /", "-m cgroup --cgroup 1", "-m cgroup ! --cgroup 0x10",
    "-p tcp -m socket", "-p tcp -m socket --transparent --nowildcard --restore-skmark", "-m helper --helper sip",
    "-m helper --helper amanda"])
g("x-sctp-dccp", "filter", "INPUT", [
    "-p sctp -m sctp --sport 1", "-p sctp -m sctp --dport 1:2", "-p sctp -m sctp ! --dport 3", "-p sctp --dport 36412",
    "-p sctp -m sctp --chunk-types any DATA", "-p sctp -m sctp --chunk-types all INIT,INIT_ACK,SACK",
    "-p sctp -m sctp --chunk-types only COOKIE_ECHO,COOKIE_ACK", "-p sctp -m sctp ! --chunk-types any ABORT",
    "-p sctp -m sctp --chunk-types any DATA:Be", "-p sctp -m sctp --chunk-types any FOO", "-p sctp -m sctp --chunk-types some DATA",
    "-p dccp -m dccp --sport 1", "-p dccp -m dccp --dport 1:2", "-p dccp -m dccp --dccp-types REQUEST",
    "-p dccp -m dccp --dccp-types REQUEST,RESPONSE,DATA,ACK,DATAACK,CLOSEREQ,CLOSE,RESET,SYNC,SYNCACK,INVALID",
    "-p dccp -m dccp ! --dccp-types SYNC", "-p dccp -m dccp --dccp-option 4", "-p dccp -m dccp ! --dccp-option 5",
    "-p dccp --dport 9", "-p dccp -m dccp --dccp-types FOO"])
g("x-targets-mangle", "mangle", "FORWARD", [
    "-j CHECKSUM --checksum-fill", "-j CHECKSUM", "-j CLASSIFY --set-class 0:0", "-j CLASSIFY --set-class ffff:ffff",
    "-j CLASSIFY --set-class 1", "-j CLASSIFY", "-p tcp -j TCPOPTSTRIP --strip-options mss", "-p tcp -j TCPOPTSTRIP --strip-options wscale,md5",
    "-p tcp -j TCPOPTSTRIP --strip-options 2,3,4,5,8,19", "-p tcp -j TCPOPTSTRIP", "-p tcp -j TCPOPTSTRIP --strip-options foo",
    "-j TEE --gateway 10.0.0.1", "-j TEE --gateway 10.0.0.1 --oif eth0", "-j TEE", "-j ECN --ecn-tcp-remove",
    "-j ECN", "-j TTL --ttl-set 255", "-j TTL --ttl-dec 0", "-j TTL --ttl-set 256", "-j TTL",
    "-j DSCP --set-dscp 63", "-j DSCP --set-dscp 64", "-j DSCP --set-dscp-class cs1", "-j DSCP --set-dscp-class EF",
    "-j TOS --set-tos Normal-Service", "-j TOS --set-tos 0xff/0x0f", "-j TOS --and-tos 0", "-j TOS --set-tos 256",
    "-j CONNSECMARK --restore", "-j CONNSECMARK", "-j MARK --set-xmark 0xffffffff/0x0", "-j MARK --set-mark 0xffffffff/0xffffffff",
    "-j CONNMARK --set-xmark 0/0", "-j CONNMARK --restore-mark --nfmask 0 --ctmask 0"])
g("x-targets-filter", "filter", "INPUT", [
    "-j AUDIT --type accept", "-j AUDIT --type drop", "-j AUDIT --type reject", "-j AUDIT", "-j AUDIT --type foo",
    "-p tcp -j SYNPROXY", "-p tcp -j SYNPROXY --mss 1460 --wscale 7 --sack-perm --timestamp", "-p tcp -j SYNPROXY --ecn",
    "-p tcp -j SYNPROXY --wscale 15", "-j NFQUEUE --queue-num 65535", "-j NFQUEUE --queue-num 65536",
    "-j NFQUEUE --queue-balance 3:1", "-j NFQUEUE --queue-balance 1:1", "-j NFQUEUE --queue-num 1 --queue-balance 2:3",
    "-j NFLOG --nflog-group 0", "-j NFLOG --nflog-range 0", "-j NFLOG --nflog-threshold 0", "-j NFLOG --nflog-size 0",
    ["-j", "NFLOG", "--nflog-prefix", "with space"], "-j NFLOG --nflog-prefix " + "p" * 64, "-j NFLOG --nflog-prefix " + "p" * 65,
    "-j LOG --log-level 1 --log-level 2", "-j REJECT --reject-with icmp-admin-prohibited --reject-with tcp-reset"])
g("x-ct-raw", "raw", "OUTPUT", [
    "-j CT --helper ftp", "-p tcp -j CT --helper irc", "-p udp -j CT --helper sip", "-p tcp -j CT --helper pptp",
    "-j CT --zone-orig mark", "-j CT --zone-reply mark", "-j CT --zone 0", "-j CT --ctevents assured",
    "-j CT --expevents new", "-j CT --ctevents foo", "-j CT --notrack --helper ftp", "-j CT --zone 1 --zone-orig 2",
    "-j NOTRACK", "-p udp --dport 53 -j NOTRACK"])

MASKS = ["33", "0.0.0.33", "255.0.255.0", "255.255.255.0", "0xffffff00", "4294967040", "255.255.255", "1.2.3.4.5", "",
         "abc", "32", "0", "00", "08", "010", "0x18", "+24", "24.", "1000"]
g("x-masks-netmap", "nat", "POSTROUTING", ["-j NETMAP --to 10.1.2.3/" + m for m in MASKS])
g("x-masks-conntrack", "filter", "INPUT", ["-m conntrack --ctorigsrc 10.1.2.3/" + m for m in MASKS] +
  ["-m conntrack --ctrepldst 10.1.2.3/" + m for m in ["255.0.0.255", "16"]])
g("x-masks-limits", "filter", "INPUT", ["-p tcp -m connlimit --connlimit-above 2 --connlimit-mask " + m for m in
  ["33", "0.0.0.33", "255.255.0.255", "255.255.0.0", "0xffff0000", "24", "x"]] +
  ["-m hashlimit --hashlimit-upto 1/s --hashlimit-name m%d --hashlimit-srcmask %s" % (i, m) for i, m in
   enumerate(["33", "0.0.0.33", "255.255.0.255", "255.255.0.0", "0xffff0000", "24", "x"])] +
  ["-m hashlimit --hashlimit-upto 1/s --hashlimit-name d%d --hashlimit-mode dstip --hashlimit-dstmask %s" % (i, m) for i, m in
   enumerate(["255.255.255.128", "1.0.0.0", "0"])])
PORTS = ["! --dport 1024:", "! --sport :1023", "! --dport 0:0", "! --dport 65535:65535", "! --dport 5:65535",
         "! --dport 0:65535", "! --dport 0:1", "! --sport 1:65535", "! --sport 0:65534", "--sport 0:0", "--dport 65535:",
         "! --sport 0 ! --dport 0", "! --sport 0:10 --dport 7", "--sport 7 --dport 7", "! --sport 7 ! --dport 8",
         "--sport 0 --dport 9", "--dport :0", "! --sport 100:200 ! --dport :99"]
g("x-port-forms", "filter", "INPUT", ["-p tcp " + a for a in PORTS] + ["-p udp " + a for a in PORTS] +
  ["-p tcp -m tcp ! --dport 0:10 -m tcp --dport 22", "-p tcp ! --sport 0:10 --syn", "-p udp -m udp ! --sport :5 -m udp ! --sport 7"])
g("x-ct-helpers", "raw", "PREROUTING", ["-p %s -j CT --helper %s" % (p, h) for p, h in [
    ("udp", "ftp"), ("tcp", "sip"), ("udp", "amanda"), ("udp", "snmp"), ("tcp", "sane"), ("udp", "netbios-ns"),
    ("udp", "RAS"), ("tcp", "Q.931"), ("tcp", "H.245"), ("udp", "snmp_trap"), ("tcp", "tftp"), ("47", "pptp"),
    ("icmp", "ftp"), ("tcp", "irc"), ("udp", "irc")]] + ["! -p tcp -j CT --helper ftp", "-j CT --helper ftp --notrack",
    "-p tcp -j CT --helper ftp --zone 4", "-p tcp -j CT --timeout x"])
g("x-string-algos", "filter", "INPUT", ["-m string --string abcd --algo " + a for a in ["fsm", "BM", "Kmp", "bm", "kmp", "xyz"]] +
  ["-m string --string x --algo bm --from 10 --to 5", "-m string --string x --algo kmp --from 5 --to 5",
   "-m string --string x --algo foo --from 10 --to 5"])
g("x-owner-groups", "filter", "OUTPUT", ["-m owner --gid-owner " + n for n in [
    "users", "100", "sudo", "staff", "adm", "plugdev", "nogroup", "shadow", "utmp", "video", "games"]] +
  ["-m owner --uid-owner " + n for n in ["games", "nobody", "65534", "_apt", "42", "proxy", "www-data"]])

b("many-own-check-failures", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m rpfilter\n-A INPUT -j ACCEPT\n"
  "-A INPUT -m nfacct --nfacct-name foo\n-A INPUT -m devgroup --dst-group 1\nCOMMIT\n")
b("own-check-list-rule", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 1.1.1.1,2.2.2.2 -m rpfilter\nCOMMIT\n")
b("own-check-and-loop", "*filter\n:INPUT ACCEPT [0:0]\n:u - [0:0]\n-A INPUT -m rpfilter\n-A INPUT -j u\n-A u -j u\n"
  "-A INPUT -m rpfilter\nCOMMIT\n")
b("own-check-two-tables", "*raw\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j CT --helper ftp\n-A OUTPUT -p udp -j CT --helper ftp\nCOMMIT\n"
  "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m rpfilter\nCOMMIT\n")
b("own-check-user-chains", "*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n-A a -m string --string x --algo foo\n"
  "-A b -m string --string x --algo fsm\n-A INPUT -j a\n-A INPUT -m devgroup --src-group 1\nCOMMIT\n")
b("loop-then-own-check", "*filter\n:INPUT ACCEPT [0:0]\n:u - [0:0]\n-A INPUT -j u\n-A u -j u\n-A INPUT -m rpfilter\nCOMMIT\n")
b("old-style-negated-ctstatus", GOODF + "-A user -m conntrack --ctstatus ! SEEN_REPLY -j ACCEPT\nCOMMIT\n")
b("ipv6-address", GOODF + "-A user -p udp -m udp --dport 546 -d fe80::/64 -j ACCEPT\nCOMMIT\n")
b("ipv6-address-no-mask", GOODF + "-A user -s 2001:db8::1 -j ACCEPT\nCOMMIT\n")
b("realm-names", GOODF + "-A user -m realm --realm cosmos\n-A user -m realm ! --realm 0\n-A user -m realm --realm 0/0xff\nCOMMIT\n")

s("zero-numbers", ["-N u", "-Z INPUT 1", "-Z u 1", "-Z u 0", "-A u -c 5 50", "-A u -c 6 60", "-Z u 3", "-Z u 9", "-S -v",
    "-Z u 2", "-S -v", "-Z nosuch 1", "-L u 1 -Z -n -v", "-L u -n -v", "-Z u -1", "-Z u x", "-t nat -Z POSTROUTING 1",
    "-t nat -A POSTROUTING -c 1 2 -j MASQUERADE", "-t nat -Z POSTROUTING 2", "-t nat -S -v"])
s("delete-all-chains", ["-N zz", "-N aa", "-N mm", "-N bb", "-A INPUT -j mm", "-A INPUT -j bb", "-X", "-S", "-E zz yy",
    "-A yy -j RETURN", "-X", "-F yy", "-D INPUT -j bb", "-X", "-S", "-D INPUT -j mm", "-N cc", "-A mm -j cc", "-X", "-S",
    "-F", "-X", "-S", "-t nat -N n2", "-t nat -N n1", "-t nat -A n2 -j n1", "-t nat -X", "-t nat -S", "-t nat -F", "-t nat -X", "-t nat -S"])
s("verbose-edits", ["-v -N vchain", "-v -A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
    "-v -A INPUT -i eth+ ! -o lo -p udp -m multiport --dports 53,123 -j vchain",
    "-v -I INPUT 1 -m limit --limit 3/min -j LOG --log-prefix \"in: \" --log-level 6",
    "-v -A vchain -m comment --comment \"a b\" -m mark --mark 0x1/0xff -j RETURN", "-v -R INPUT 1 -j DROP",
    "-v -C INPUT -j DROP", "-v -D INPUT -j DROP", "-v -A INPUT -s 1.1.1.1,2.2.2.2 -d 3.3.3.3 -j REJECT --reject-with tcp-reset -p tcp",
    "-v -F vchain", "-v -Z vchain", "-v -L vchain -n", "-v -S vchain", "-v -X vchain", "-v -E vchain v2",
    "-t nat -v -A POSTROUTING -o eth0 -p tcp -j SNAT --to-source 198.51.100.1:1000-2000 --persistent",
    "-t nat -v -A PREROUTING -p tcp --dport 80 -j DNAT --to 10.0.0.1:8080", "-t mangle -v -A FORWARD -p tcp --syn -j TCPMSS --clamp-mss-to-pmtu",
    "-t mangle -v -A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff", "-t raw -v -A PREROUTING -p udp --dport 53 -j CT --notrack",
    "-v -P INPUT DROP", "-v -F", "-v -X", "-v -Z", "-S"])

g("x-common-mistakes", "filter", "INPUT", [
    "-s 10.0.0.1-10.0.0.5", "--state NEW", "-m state --state NEW,BOGUS", "-p tcp --dport 80,443",
    "-p tcp -m multiport --dports 80-443", "-p tcp --dport 80-443", "-j REJECT --reject-with tcp-reset",
    "-j LOG --log-prefix abcdefghijklmnopqrstuvwxyz0123456789", "-m conntrack --ctstate ESTABLISHED RELATED",
    "-p tcp --dport 22 -j ACCEPT -m comment", "-d 192.168.1.0/24 -d 10.0.0.0/8", "-p all --dport 53",
    "-p udp -m udp --dport 53 -m udp --sport 53", "-p tcp --syn --dport 22 --tcp-flags SYN SYN",
    "-m limit --limit 1/second --limit-burst 0", "-m state --state established", "-s 192.168.1.0/24, -j DROP",
    "-s 192.168.1.0/24,,10.0.0.1 -j DROP", "-p tcp --dport 22 -j ACCEPT #ssh", "-j ACCEPT -j DROP",
    "-p TCP --dport 22", "-p tcp --dport ssh,http", "-m tcp --dport 22", "-p tcp --sport 1024:65535 --dport 22 -m state --state NEW,ESTABLISHED -j ACCEPT",
    "-i eth0 -m mac --mac-source 00:11:22:33:44:55:66", "-m iprange --src-range 10.0.0.1-10.0.1.300",
    "-p icmp --icmp-type echo-request -j ACCEPT -m limit --limit 1/s", "-p icmp --icmp-type 8/256",
    "-m addrtype --dst-type local", "-m hashlimit --hashlimit 10/sec --hashlimit-name x --hashlimit-mode srcip,dst"])
g("x-common-mistakes-output", "filter", "OUTPUT", ["-i eth0", "-o eth0 -j ACCEPT", "-m physdev --physdev-in eth0"])
g("x-common-mistakes-nat", "nat", "PREROUTING", [
    "-j DNAT --to-destination 10.0.0.1:80-90", "-p tcp -j DNAT --to-destination 10.0.0.1:http", "-o eth0 -j DNAT --to 10.0.0.1",
    "-p tcp -j DNAT --to-destination 10.0.0.1:80 --to-destination 10.0.0.2:80", "-j SNAT --to-source 1.2.3.4",
    "-p tcp --dport 80 -j REDIRECT --to-port 8080", "-p tcp -j DNAT --to-destination 10.0.0.300",
    "-p tcp -j DNAT --to-destination 10.0.0.1:0-0", "-j DNAT --to-destination localhost"])
SETS = [["create", "hosts", "hash:ip"], ["create", "tset", "hash:ip", "timeout", "100"], ["create", "nets", "hash:net"],
        ["create", "ports", "hash:ip,port"], ["create", "info", "hash:ip", "skbinfo"]]
G.append({"name": "x-set-target", "table": "filter", "chain": "INPUT", "setup": [], "ipsets": SETS, "rules": [r.split() for r in [
    "-j SET --add-set hosts src", "-j SET --add-set hosts dst", "-j SET --del-set hosts src", "-j SET --add-set tset src --timeout 30",
    "-j SET --add-set tset src --exist", "-j SET --add-set tset src --exist --timeout 0", "-j SET --add-set hosts src --del-set nets dst",
    "-j SET --add-set ports src,dst", "-j SET --add-set ports dst,src", "-j SET --add-set nets src,dst,src", "-j SET --add-set missing src",
    "-j SET --add-set hosts", "-j SET --add-set hosts foo", "-j SET", "-j SET --exist", "-j SET --del-set hosts src --exist",
    "-j SET --del-set hosts src --timeout 5", "-j SET --add-set hosts src --timeout 4294967295", "-j SET --add-set hosts src --timeout x",
    "-j SET --add-set hosts src --add-set nets src", "-j SET ! --add-set hosts src", "-j SET --map-set info src --map-mark",
    "-j SET --add-set abcdefghijklmnopqrstuvwxyz0123456789 src", "-p tcp -j SET --add-set ports src,src",
    "-m set --match-set hosts src -j SET --del-set hosts src", "-j SET --add-set tset src --timeout 100 --exist"]]})
G.append({"name": "x-set-target-mangle", "table": "mangle", "chain": "FORWARD", "setup": [], "ipsets": SETS, "rules": [r.split() for r in [
    "-j SET --map-set info src --map-mark", "-j SET --map-set info dst --map-prio", "-j SET --map-set info src --map-queue",
    "-j SET --map-set info src --map-mark --map-prio --map-queue", "-j SET --map-set info src", "-j SET --map-set hosts src --map-mark",
    "-j SET --add-set hosts src --map-mark", "-j SET --add-set hosts src --map-set info dst --map-mark"]]})
G.append({"name": "x-set-target-mangle-pre", "table": "mangle", "chain": "PREROUTING", "setup": [], "ipsets": SETS, "rules": [r.split() for r in [
    "-j SET --map-set info src --map-mark", "-j SET --map-set info src --map-prio", "-j SET --map-set info src --map-queue"]]})

SQ = []
def sq(name, steps):
    SQ.append({"name": name, "steps": steps})

RS = F + ":u - [0:0]\n-A INPUT -s 10.0.0.0/8 -j u\n-A u -p tcp --dport 22 -j ACCEPT\nCOMMIT\n" + N + "-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n"
sq("save-flags", [{"argv": ["iptables-restore", "-c"], "stdin": RS.replace("-A u -p tcp", "[7:420] -A u -p tcp")},
    ["iptables-save", "-t", "nat"], ["iptables-save", "--table=filter"], ["iptables-save", "--table", "raw"],
    ["iptables-save", "-t", "bogus"], ["iptables-save", "--counters"], ["iptables-save", "-c", "-t", "filter"],
    ["iptables-save", "-x"], ["iptables-save", "extra"], ["iptables-save", "-M", "/sbin/modprobe"],
    ["iptables-save", "-V"], ["iptables-save", "--version"], ["iptables-save", "-h"], ["iptables-save", "-t"],
    ["iptables-save", "-t", "nat", "-t", "filter"], ["iptables-save", "-tnat"]])
sq("restore-flags", [{"argv": ["iptables-restore", "-n"], "stdin": RS}, ["iptables-save"],
    {"argv": ["iptables-restore", "--noflush", "--counters"], "stdin": RS.replace("-A u -p tcp", "[1:2] -A u -p tcp")},
    ["iptables-save", "-c"], {"argv": ["iptables-restore", "-t"], "stdin": RS + "bogus\n"},
    {"argv": ["iptables-restore", "--test"], "stdin": RS}, {"argv": ["iptables-restore", "-w"], "stdin": RS},
    {"argv": ["iptables-restore", "-w", "5"], "stdin": RS}, {"argv": ["iptables-restore", "--wait=5"], "stdin": RS},
    {"argv": ["iptables-restore", "-W", "100"], "stdin": RS}, {"argv": ["iptables-restore", "-T", "nat"], "stdin": RS},
    {"argv": ["iptables-restore", "--table=filter"], "stdin": RS}, {"argv": ["iptables-restore", "-T", "bogus"], "stdin": RS},
    {"argv": ["iptables-restore", "-M", "/sbin/modprobe"], "stdin": RS}, {"argv": ["iptables-restore", "-x"], "stdin": RS},
    {"argv": ["iptables-restore", "/nonexistent/file"], "stdin": RS}, {"argv": ["iptables-restore", "-V"]},
    {"argv": ["iptables-restore", "-v"], "stdin": RS}, ["iptables-save"]])
sq("restore-comments", [{"argv": ["iptables-restore"], "stdin": F + "-A INPUT -p tcp --dport 22 -j ACCEPT # ssh\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": F + "  # indented comment\n-A INPUT -j ACCEPT\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": F + "-A INPUT -m comment --comment \"# not one\" -j ACCEPT\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": F + "-A INPUT -m comment --comment #x -j ACCEPT\nCOMMIT\n"},
    ["iptables-save"]])
sq("builtin-presence", [["iptables", "-N", "u"], ["iptables", "-Z", "INPUT", "1"], ["iptables", "-v", "-Z"],
    ["iptables", "-A", "OUTPUT", "-j", "ACCEPT"], ["iptables", "-v", "-Z"], ["iptables", "-P", "FORWARD", "DROP"],
    ["iptables", "-v", "-Z"], ["iptables", "-F"], ["iptables", "-X"], ["iptables", "-v", "-Z"], ["iptables", "-Z", "OUTPUT"],
    ["iptables", "-X", "OUTPUT"], ["iptables", "-Z", "FORWARD", "1"], ["iptables", "-P", "FORWARD", "ACCEPT"], ["iptables", "-X"],
    ["iptables", "-v", "-Z"], ["iptables", "-A", "INPUT", "-j", "ACCEPT"], ["iptables", "-D", "INPUT", "1"], ["iptables", "-v", "-Z"],
    ["iptables", "-X", "INPUT"], ["iptables", "-v", "-Z"], ["iptables", "-F", "OUTPUT"], ["iptables", "-v", "-Z"],
    ["iptables", "-v", "-F"], ["iptables", "-v", "-Z"], ["iptables", "-L", "-Z", "-n", "-v"], ["iptables", "-v", "-X"],
    ["iptables", "-A", "INPUT", "-j", "OUTPUT"], ["iptables", "-A", "OUTPUT", "-j", "ACCEPT"], ["iptables", "-A", "INPUT", "-j", "OUTPUT"],
    ["iptables", "-t", "mangle", "-Z", "OUTPUT"], ["iptables", "-t", "mangle", "-F", "OUTPUT"], ["iptables", "-t", "mangle", "-X", "OUTPUT"],
    ["iptables", "-t", "mangle", "-v", "-Z"], ["iptables", "-t", "nat", "-Z", "POSTROUTING", "1"],
    {"argv": ["iptables-restore"], "stdin": "*filter\n:INPUT ACCEPT [0:0]\n-Z INPUT 1\nCOMMIT\n"},
    {"argv": ["iptables-restore"], "stdin": "*nat\n-Z INPUT 1\nCOMMIT\n"}, ["iptables", "-v", "-Z"],
    {"argv": ["iptables-restore"], "stdin": "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -j ACCEPT\n-Z\nCOMMIT\n"},
    ["iptables", "-S"], {"argv": ["iptables-restore", "--noflush"], "stdin": "*filter\n:OUTPUT DROP [0:0]\n-Z\nCOMMIT\n"},
    ["iptables", "-S"], {"argv": ["iptables-restore"], "stdin": "*filter\nCOMMIT\n"}, ["iptables", "-v", "-Z"],
    ["iptables-save"], ["iptables", "-v", "-F", "INPUT"], ["iptables", "-v", "-Z"]])

s("chain-name-edges", ["-N LOG", "-N DNAT", "-N MARK", "-N RETURN", "-N QUEUE", "-N ACCEPT", "-N DROP", "-N log", "-N Log",
    "-N nosuchtarget", "-N a%b", "-N tëst", "-N x.y-z_1", "-N 1", "-N -", "-N !x", "-N a!b", "-N a,b", "-N a:b", "-N a/b",
    "-N abcdefghijklmnopqrstuvwxyz012", "-N abcdefghijklmnopqrstuvwxyz01", "-N INPUT", "-N FORWARD", "-N PREROUTING",
    "-t nat -N INPUT", "-t nat -N FORWARD", "-t mangle -N INPUT", "-E log LOG", "-E log SNAT", "-E log newname", "-E newname RETURN",
    "-E newname tëst", "-A INPUT -j log", "-A INPUT -j newname", "-A INPUT -j Log", "-A INPUT -g tëst", "-A INPUT -j x.y-z_1",
    "-A INPUT -j 1", "-S", "-L -n", "-X Log", "-X tëst", "-S"])
s("target-and-chain", ["-N svc", "-t nat -N svc", "-A INPUT -j svc", "-t nat -A PREROUTING -j svc", "-t nat -A PREROUTING -j nosuch",
    "-A FORWARD -t nat -j svc", "-t mangle -A PREROUTING -j svc", "-t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 0",
    "-t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 65535-1", "-t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 1-65535",
    "-t nat -P svc ACCEPT", "-t bogus -P INPUT ACCEPT", "-P INPUT ACCEPT -t raw", "-t raw -P INPUT ACCEPT", "-t nat -S", "-S"])

E = "\u00e9"  # two bytes in UTF-8
S.append({"name": "utf8-lengths", "cmds": [
    ["-N", E * 14], ["-N", E * 15], ["-N", "a" + E * 14], ["-N", E * 13 + "ab"], ["-E", E * 14, E * 14 + "x"],
    ["-A", "INPUT", "-i", E * 7], ["-A", "INPUT", "-i", E * 8], ["-A", "INPUT", "-i", E * 7 + "a"], ["-A", "INPUT", "-o", E * 7 + "+"],
    ["-A", "INPUT", "-i", E * 7 + "ab"], ["-A", "INPUT", "-j", "LOG", "--log-prefix", "a" + E * 14],
    ["-A", "INPUT", "-m", "comment", "--comment", "a" + E * 127 + "b"], ["-A", "INPUT", "-j", "NFLOG", "--nflog-prefix", E * 40],
    ["-A", "INPUT", "-m", "hashlimit", "--hashlimit-upto", "1/s", "--hashlimit-name", E * 130],
    ["-A", "INPUT", "-m", "string", "--string", E * 10, "--algo", "bm"], ["-A", "INPUT", "-m", "physdev", "--physdev-in", E * 8],
    ["-S"], ["-L", "-n", "-v"], ["-L", "-v"]]})
# values cut at a byte limit inside a UTF-8 character: the real tools print the lone lead byte
S.append({"name": "utf8-truncation", "cmds": [
    ["-A", "INPUT", "-j", "LOG", "--log-prefix", E * 15], ["-A", "INPUT", "-m", "comment", "--comment", E * 128],
    ["-A", "INPUT", "-j", "LOG", "--log-prefix", E * 16], ["-A", "INPUT", "-m", "comment", "--comment", E * 129],
    ["-A", "INPUT", "-m", "recent", "--name", E * 110, "--set"], ["-A", "INPUT", "-m", "helper", "--helper", E * 20], ["-S"]]})

MATCH_NAMES = ("tcp udp icmp conntrack state multiport comment mark statistic addrtype limit mac pkttype iprange owner "
               "recent connlimit hashlimit time string set sctp rpfilter connmark length ttl tos dscp helper nfacct u32 "
               "physdev policy esp ah quota tcpmss connbytes ecn dccp socket cpu ipcomp realm cgroup devgroup").split()  # ipvs: see cmd-misc
TARGET_NAMES = ("REJECT LOG SNAT DNAT MASQUERADE REDIRECT MARK CONNMARK CT NOTRACK CHECKSUM TCPMSS TPROXY TOS DSCP NETMAP "
                "NFLOG NFQUEUE TRACE AUDIT TTL ECN CLASSIFY SET TCPOPTSTRIP TEE SYNPROXY CONNSECMARK ULOG ACCEPT DROP").split()
sq("help-matches", [["iptables", "-m", m, "-h"] for m in MATCH_NAMES])
sq("help-targets", [["iptables", "-j", t, "-h"] for t in TARGET_NAMES])
sq("help-combos", [["iptables"] + c.split() for c in [
    "-p tcp -h", "-p udp -h", "-p icmp -h", "-p sctp -h", "-p dccp -h", "-p 6 -h", "-p esp -h", "-p gre -h", "-p all -h",
    "-p udp -m conntrack -j LOG -h", "-m state -m limit -h", "-j DNAT -m tcp -h", "-m comment -m comment -h",
    "-h -p tcp", "-p tcp -m tcp -h", "-m tcp -p tcp -h", "-j user -h", "-m nosuch -h", "-t nat -j MASQUERADE -h",
    "--help", "-p tcp --help", "-A INPUT -p tcp -h", "-m set -j SET -h", "-j LOG -j DROP -h"]] +
    [["iptables-restore", "-h"], ["iptables-save", "-h"]])

s("abbreviated-options", ["--app INPUT --sou 10.0.0.1 -j ACCEPT", "--in INPUT -j ACCEPT", "--ins INPUT -j ACCEPT",
    "-A INPUT --in-i eth0", "-A INPUT -p tcp --dp 22", "-A INPUT -p tcp --dpor 22 --sp 1", "-A INPUT -p tcp --destination-p 22",
    "-A INPUT -m conntrack --ctst NEW", "-A INPUT -m conntrack --ctsta NEW", "-A INPUT -m conntrack --ctstat ASSURED",
    "-A INPUT -j LOG --log-l 4 --log-p x", "-A INPUT -j LOG --log-tcp-s", "-A INPUT -j LOG --log-tcp", "-A INPUT -m comment --comm x",
    "-A INPUT -m limit --lim 3/min", "-A INPUT -m limit --limit-b 4", "--lis -n", "--list-r", "--ne x", "--del x", "--delete-c x",
    "--fl", "--ze", "--pol INPUT ACCEPT", "--ren x y", "--line --list -n", "--num --list", "--verb --list-rules",
    "-A INPUT --fr", "-A INPUT --frag", "-A INPUT --jump ACCEPT --goto x", "-A INPUT --j ACCEPT", "-A INPUT --ju ACCEPT",
    "-A INPUT --pro tcp --dport 1", "-A INPUT --prot=udp", "-A INPUT --sport=5 -p tcp", "-t nat -A POSTROUTING -j SNAT --to-s 1.2.3.4",
    "-t nat -A POSTROUTING -j SNAT --to 1.2.3.4 --rand", "-t nat -A POSTROUTING -j SNAT --to 1.2.3.4 --random-f", "-S", "-t nat -S"])
s("attached-arguments", ["-A INPUT -ptcp", "-A INPUT --protocol=tcp", "-A INPUT -p=tcp", "-A INPUT -s10.0.0.1", "-A INPUT --source=10.0.0.2",
    "-A INPUT -ieth0", "-A INPUT --in-interface=eth1", "-A INPUT -jACCEPT", "-A INPUT --jump=DROP", "-A INPUT -mcomment --comment=x",
    "-A INPUT -p tcp --dport=22 -mtcp --sport=1", "-tnat -A POSTROUTING -jMASQUERADE", "-A INPUT -p udp -mmultiport --dports=1,2",
    "-AINPUT -pudp", "-IINPUT -pTCP", "-A INPUT ! -ptcp", "-A INPUT -p! tcp", "-A INPUT -d10.0.0.1", "-A INPUT --destination=10.0.0.2",
    "-A FORWARD -oeth0", "-A FORWARD --out-interface=eth1", "-N x", "-A INPUT -gx", "-A INPUT --goto=x", "-A INPUT -g x",
    "-A INPUT -p tcp -j REJECT --reject-with=tcp-reset", "-A INPUT -ftcp", "-A INPUT -c1 2", "-A INPUT -c 1 2", "-Z INPUT -v1",
    "-S", "-t nat -S"])

CNT = ("*filter\n:INPUT ACCEPT [5:300]\n:FORWARD DROP [7:420]\n:OUTPUT ACCEPT [9:540]\n:u - [0:0]\n"
       "[3:180] -A OUTPUT -j ACCEPT\nCOMMIT\n")
sq("presence-counters", [{"argv": ["iptables-restore", "-c"], "stdin": CNT}, ["iptables-save", "-c"], ["iptables", "-X"],
    ["iptables-save", "-c"], ["iptables", "-L", "-n", "-v"], ["iptables", "-v", "-Z"],
    {"argv": ["iptables-restore", "-c"], "stdin": CNT}, ["iptables", "-X", "INPUT"], ["iptables-save", "-c"],
    ["iptables", "-F", "OUTPUT"], ["iptables", "-X", "OUTPUT"], ["iptables-save", "-c"],
    {"argv": ["iptables-restore", "-c", "--noflush"], "stdin": "*filter\n:INPUT ACCEPT [11:22]\nCOMMIT\n"}, ["iptables-save", "-c"],
    {"argv": ["iptables-restore", "-c", "-v"], "stdin": CNT}, ["iptables-save", "-c"],
    {"argv": ["iptables-restore", "-c"], "stdin": CNT.replace(":u - [0:0]\n", "") + "*nat\n:POSTROUTING ACCEPT [1:2]\nCOMMIT\n"},
    ["iptables", "-t", "nat", "-L", "-n", "-v"], ["iptables", "-t", "nat", "-X"], ["iptables", "-t", "nat", "-L", "-n", "-v"],
    ["iptables-save", "-c"], ["iptables", "-P", "INPUT", "ACCEPT"], ["iptables", "-X"], ["iptables", "-t", "nat", "-v", "-Z"],
    ["iptables", "-v", "-Z"], ["iptables-save", "-c"]])

PAIRS = [("-p tcp -m connlimit --connlimit-above 2", "-p tcp -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr"),
         ("-m hashlimit --hashlimit-upto 1/s --hashlimit-name a",
          "-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name a --hashlimit-htable-gcinterval 1000 --hashlimit-htable-expire 10000 --hashlimit-srcmask 32 --hashlimit-dstmask 32"),
         ("-m limit --limit 3/hour", "-m limit --limit 3/hour --limit-burst 5"),
         ("-m recent --name r --rcheck --seconds 5", "-m recent --name r --rcheck --seconds 5 --hitcount 0 --rsource"),
         ("-j LOG", "-j LOG --log-level warning"), ("-j NFLOG", "-j NFLOG --nflog-group 0"),
         ("-j REJECT", "-j REJECT --reject-with icmp-port-unreachable"),
         ("-m mark --mark 1", "-m mark --mark 0x1/0xffffffff"), ("-m connmark --mark 2", "-m connmark --mark 2/0xffffffff"),
         ("-p tcp --dport 22", "-p tcp --dport 22:22"), ("-p tcp -m multiport --dports 1,2", "-p tcp -m multiport --destination-ports 1,2"),
         ("-m statistic --mode nth --every 2 --packet 0", "-m statistic --mode nth --every 2 --packet 0"),
         ("-m string --string x --algo bm", "-m string --string x --algo bm --from 0 --to 65535"),
         ("-m time --timestart 08:00", "-m time --timestart 08:00:00 --timestop 23:59:59"),
         ("-m conntrack --ctorigsrc 10.0.0.1", "-m conntrack --ctorigsrc 10.0.0.1/32"),
         ("-m iprange --src-range 10.0.0.1-10.0.0.1", "-m iprange --src-range 10.0.0.1"),
         ("-m ttl --ttl-eq 5", "-m ttl --ttl-eq 5"), ("-m length --length 5", "-m length --length 5:5"),
         ("-m tos --tos 0x10", "-m tos --tos 0x10/0xff"), ("-m dscp --dscp 10", "-m dscp --dscp-class AF11"),
         ("-m addrtype --src-type LOCAL", "-m addrtype --src-type LOCAL"), ("-m pkttype --pkt-type host", "-m pkttype --pkt-type unicast"),
         ("-m owner --uid-owner 0", "-m owner --uid-owner 0-0"), ("-m owner --uid-owner root", "-m owner --uid-owner 0"),
         ("-m helper --helper ftp", "-m helper --helper ftp"), ("-m comment --comment x", "-m comment --comment \"x\""),
         ("-p icmp --icmp-type 8", "-p icmp --icmp-type echo-request"), ("-p icmp --icmp-type 3", "-p icmp --icmp-type 3/0"),
         ("-p tcp --syn", "-p tcp --tcp-flags FIN,SYN,RST,ACK SYN"), ("-s 10.0.0.0/8", "-s 10.9.9.9/255.0.0.0"),
         ("-i eth+", "-i eth+"),
         ("-m policy --dir in --pol ipsec --tunnel-src 10.0.0.1", "-m policy --dir in --pol ipsec --tunnel-src 10.0.0.1/32"),
         ("-m policy --dir in --pol ipsec --mode tunnel --tunnel-dst 10.0.0.0/8", "-m policy --dir in --pol ipsec --mode tunnel --tunnel-dst 10.1.0.0/255.0.0.0"),
         ("-m recent --name q --set --mask 255.255.255.0", "-m recent --name q --set --mask 255.255.255.0 --rsource"),
         ("-m conntrack --ctorigdst 10.0.0.0/24", "-m conntrack --ctorigdst 10.0.0.0/255.255.255.0"),
         ("-m hashlimit --hashlimit-upto 2/s --hashlimit-name b --hashlimit-mode srcip --hashlimit-srcmask 24",
          "-m hashlimit --hashlimit-upto 2/s --hashlimit-name b --hashlimit-mode srcip --hashlimit-srcmask 255.255.255.0"),
         ("-m connlimit --connlimit-above 1 --connlimit-mask 24 -p tcp", "-p tcp -m connlimit --connlimit-above 1 --connlimit-mask 255.255.255.0"),
         ("-m state --state NEW", "-m conntrack --ctstate NEW"), ("-m conntrack --ctstate NEW,ESTABLISHED", "-m conntrack --ctstate ESTABLISHED,NEW")]
s("check-equivalents", sum([["-A INPUT " + a, "-C INPUT " + b, "-D INPUT " + b, "-C INPUT " + a, "-D INPUT " + a] for a, b in PAIRS], []))
PAIRS_T = [("-t mangle -A PREROUTING -j MARK --set-mark 1", "-t mangle -C PREROUTING -j MARK --set-xmark 0x1/0xffffffff"),
           ("-t mangle -A PREROUTING -j CONNMARK --save-mark", "-t mangle -C PREROUTING -j CONNMARK --save-mark --mask 0xffffffff"),
           ("-t mangle -A PREROUTING -j CONNMARK --restore-mark", "-t mangle -C PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff"),
           ("-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4", "-t nat -C POSTROUTING -j SNAT --to 1.2.3.4"),
           ("-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4", "-t nat -C POSTROUTING -j SNAT --to-source 1.2.3.4-1.2.3.4"),
           ("-t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:80", "-t nat -C PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:80-80"),
           ("-t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 80", "-t nat -C PREROUTING -p tcp -j REDIRECT --to-ports 80-80"),
           ("-t mangle -A FORWARD -p tcp --syn -j TCPMSS --set-mss 1400", "-t mangle -C FORWARD -p tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 1400"),
           ("-t raw -A PREROUTING -j CT --zone 0", "-t raw -C PREROUTING -j CT"), ("-t raw -A PREROUTING -j NOTRACK", "-t raw -C PREROUTING -j CT --notrack"),
           ("-t mangle -A FORWARD -j TOS --set-tos 0x10", "-t mangle -C FORWARD -j TOS --set-tos 0x10/0xff"),
           ("-t mangle -A FORWARD -j TTL --ttl-set 5", "-t mangle -C FORWARD -j TTL --ttl-set 5")]
s("check-equivalents-targets", sum([[a, b, b.replace(" -C ", " -D ", 1)] for a, b in PAIRS_T], []) + ["-t mangle -S", "-t nat -S", "-t raw -S"])


print(json.dumps({"rulesets": rulesets(), "broken": B, "scripts": S, "groups": G, "sequences": SQ}, indent=1, ensure_ascii=False))
