#!/usr/bin/python3
"""Generates iptables test material covering the language of issue 3 (test-side only).

Writes three kinds of plans as JSON to stdout (record.py runs them against the real tools):
  groups  : per extension, a list of rules tried one by one with the `iptables` command line
  broken  : iptables-restore inputs (valid base first, then a broken or odd file, with flags)
  scripts : sequences of `iptables` command lines (edits, listings and their errors)
Deterministic: same output every run (a seeded PRNG only chooses counters and orders)."""
import json, random, sys

R = random.Random(20261121)

# (group, table, chain, [rule args as strings split on whitespace or lists])
G = []
def g(name, table, chain, rules, setup=(), ipsets=()):
    G.append({"name": name, "table": table, "chain": chain, "setup": list(setup), "ipsets": list(ipsets),
              "rules": [r if isinstance(r, list) else r.split() for r in rules]})

g("addr", "filter", "INPUT", [
    "-s 10.0.0.1", "-s 10.0.0.0/8", "-s 10.0.0.0/255.0.0.0", "-s 10.1.2.3/8", "! -s 10.0.0.0/8",
    "-d 192.0.2.0/24 -j ACCEPT", "--source 198.51.100.7/32", "-s 0.0.0.0/0", "-s 10.0.0.0/0",
    "-s 10.0.0.0/255.255.0.255", "-s 10.0.0.1,10.0.0.2 -j DROP", "-d 192.0.2.1,198.51.100.0/24",
    "--src 10.0.0.5", "--dst 10.0.0.6", "--destination 203.0.113.9", "-s 10.0.0.0/31", "-d 10.0.0.0/1",
    "-s 10.0.0.0/32", "-s 10.0.0.0/24 ! -d 10.0.0.0/24", "-d ! 10.0.0.1", "-s 256.0.0.1", "-s 10.0.0.0/33",
    "-s 10.0.0.0/255.0.255.0", "-s 10.0.0", "-s 10.0.0.1/-1", "-s 127.1", "-s localhost", "-s 1.2.3.4.5",
    "-s 10.0.0.0/08", "-d 0/0", "-s 010.0.0.1", "-s 0x0a000001"])
g("iface", "filter", "FORWARD", [
    "-i eth0", "-i eth+", "! -i eth0", "-o wlan+", "! -o ppp+", "-i +", "-i eth0 -o eth1 -j ACCEPT",
    "--in-interface br-1234567890ab", "--out-interface veth.1@x", "-i abcdefghijklmnop", "-i abcdefghijklmnopq",
    "-i eth0 -i eth1", "-i", "-o lo+", "-i eth0.100", "-i eth:0", "-i 'eth0'", "-i eth/0"])
g("proto", "filter", "INPUT", [
    "-p tcp", "-p 6", "-p TCP", "! -p udp", "-p all", "-p icmp", "-p 47", "-p gre", "-p sctp", "-p udplite",
    "-p esp", "-p ah", "-p 0", "-p 255", "-p 256", "-p foo", "-p ipv6-icmp", "-p icmpv6", "--protocol udp", "-p igmp",
    "-p dccp", "-p ipip", "-p 132", "-p Udp", "-p tcp -p udp", "-f", "! -f", "-4", "-6", "-p tcp -f",
    "-s 10.0.0.1 -d 10.0.0.2 -i lo -o eth0 -p udp -j ACCEPT", "-p 17 -m udp --dport 53",
    "-p tcp --syn -f"])
g("targets-basic", "filter", "INPUT", [
    "-j ACCEPT", "-j DROP", "-j RETURN", "-j QUEUE", "-j user1", "-g user1", "-j user2", "-g user2",
    "-j nosuch", "-j accept", "-j INPUT", "-g INPUT", "-j OUTPUT", "--jump ACCEPT", "--goto user1",
    "-j ACCEPT -j DROP", "-j", "-m comment --comment x -j user1", "-j ACCEPT --foo"],
  setup=[["-N", "user1"], ["-N", "user2"]])
g("tcp", "filter", "INPUT", [
    "-p tcp --dport 80", "-p tcp --dport 80:90", "-p tcp --dport 80:", "-p tcp --dport :1024",
    "-p tcp --dport http", "-p tcp --sport ssh:https", "-p tcp ! --dport 22", "-p tcp --destination-port 22",
    "-p tcp --source-port 1024:65535", "-p tcp --sport 0:65535", "-p tcp --dport 90:80", "-p tcp --dport 65536",
    "-p tcp --dport foo", "-p tcp --dport 0", "-p tcp --dport 80:80", "-p tcp --dport :", "-p tcp --syn",
    "-p tcp ! --syn", "-p tcp --tcp-flags SYN,ACK SYN", "-p tcp --tcp-flags ALL NONE",
    "-p tcp --tcp-flags ALL FIN,URG,PSH", "-p tcp ! --tcp-flags SYN,RST SYN", "-p tcp --tcp-flags syn,ack ack",
    "-p tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN", "-p tcp --tcp-flags FOO SYN",
    "-p tcp --tcp-flags SYN", "-p tcp --tcp-option 2", "-p tcp ! --tcp-option 8", "-p tcp --tcp-option 256",
    "-p tcp -m tcp --dport 1", "-p tcp -m tcp --sport 1024: --dport 53 -j ACCEPT", "--dport 22",
    "-p udp -m tcp --dport 22", "-p tcp --dport 22 --dport 23", "-p tcp --sport 1 --dport 2 --syn --tcp-option 3",
    "-p tcp --dport=22", "-p tcp --dport 0x16", "-p tcp --dport 022", "-p tcp --dport https:http",
    "-p tcp --dport domain", "-p tcp --dport www", "-p tcp -m tcp ! --sport 1:2 ! --dport 3:4",
    "-p tcp --dport 1,2", "-m tcp -p tcp --dport 5", "-p tcp --tcp-flags ACK,FIN FIN --syn"])
g("udp", "filter", "INPUT", [
    "-p udp --dport 53", "-p udp --sport 67:68", "-p udp ! --sport 123", "-p udp --dport domain",
    "-p udp -m udp --dport bootps", "-p udp --dport 5060:5061 -j ACCEPT", "-p udp --syn", "-p udp --dport ntp",
    "-p udplite --dport 1", "-p udp -m udp ! --dport 1:1000 ! --sport 2"])
g("icmp", "filter", "INPUT", ["-p icmp --icmp-type " + t for t in [
    "echo-request", "8", "8/0", "3/4", "any", "echo-reply", "destination-unreachable", "port-unreachable",
    "fragmentation-needed", "time-exceeded", "ttl-zero-during-transit", "ttl-zero-during-reassembly",
    "parameter-problem", "redirect", "timestamp-request", "timestamp-reply", "router-advertisement",
    "router-solicitation", "source-quench", "255", "ping", "pong", "bogus", "network-unreachable",
    "host-unreachable", "protocol-unreachable", "source-route-failed", "network-unknown", "host-unknown",
    "network-prohibited", "host-prohibited", "TOS-network-unreachable", "TOS-host-unreachable",
    "communication-prohibited", "host-precedence-violation", "precedence-cutoff", "network-redirect",
    "host-redirect", "TOS-network-redirect", "TOS-host-redirect", "ip-header-bad", "required-option-missing",
    "address-mask-request", "address-mask-reply", "256", "3/256", "0/0", "11/1", "13", "Echo-Request"]] + [
    "-p icmp ! --icmp-type echo-reply", "-p icmp -m icmp --icmp-type 13 -j DROP", "-p icmp",
    "--icmp-type 8", "-p tcp --icmp-type 8", "-p icmp -m icmp ! --icmp-type 3/3"])
g("multiport", "filter", "INPUT", [
    "-p tcp -m multiport --dports 80,443", "-p tcp -m multiport --sports 1:1024,2000",
    "-p tcp -m multiport --ports 22,80:90", "-p tcp -m multiport ! --dports 25,465",
    "-p tcp -m multiport --destination-ports 1,2,3", "-p udp -m multiport --source-ports 53,123",
    "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
    "-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
    "-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15",
    "-p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16",
    "-p udp -m multiport --dports http,https", "-m multiport --dports 80", "-p sctp -m multiport --dports 80",
    "-p udplite -m multiport --dports 80", "-p dccp -m multiport --dports 80", "-p tcp -m multiport --dports 80:",
    "-p tcp -m multiport --dports 90:80", "-p tcp -m multiport --dports 80,", "-p tcp -m multiport",
    "-p tcp -m multiport --dports 80 --sports 90", "-p tcp -m multiport --ports 1 ! --ports 2",
    "-p tcp -m multiport --dports ssh,http:https", "-p icmp -m multiport --dports 1", "-p all -m multiport --dports 1",
    "! -p tcp -m multiport --dports 1", "-p tcp -m multiport --dport 80,443"])
g("conntrack", "filter", "FORWARD", ["-m conntrack " + t for t in [
    "--ctstate NEW", "--ctstate ESTABLISHED,RELATED", "--ctstate RELATED,ESTABLISHED", "--ctstate INVALID",
    "--ctstate UNTRACKED", "--ctstate SNAT,DNAT", "! --ctstate NEW", "--ctstate new", "--ctstate BOGUS",
    "--ctstatus ASSURED", "--ctstatus SEEN_REPLY,CONFIRMED", "--ctstatus EXPECTED", "--ctstatus NONE",
    "! --ctstatus ASSURED", "--ctproto tcp", "--ctproto 17", "! --ctproto icmp", "--ctorigsrc 10.0.0.0/8",
    "! --ctorigdst 192.0.2.1", "--ctreplsrc 198.51.100.0/24", "--ctrepldst 203.0.113.1/32",
    "--ctorigsrc 10.0.0.1/255.255.0.0", "--ctorigsrcport 1024", "--ctorigdstport 80:90", "--ctreplsrcport 53",
    "! --ctrepldstport 1:2", "--ctdir ORIGINAL", "--ctdir REPLY", "--ctdir original", "--ctexpire 10",
    "--ctexpire 10:100", "! --ctexpire 5", "--ctstate NEW --ctproto tcp --ctorigdstport 22 --ctdir ORIGINAL",
    "--ctstate ESTABLISHED --ctstatus ASSURED --ctexpire 1:2 --ctorigsrc 10.0.0.1 --ctorigdst 10.0.0.2 "
    "--ctreplsrc 10.0.0.3 --ctrepldst 10.0.0.4", "--ctorigsrcport 80:", "--ctexpire 100:10", "",
    "--ctstate NEW,INVALID,ESTABLISHED,RELATED,UNTRACKED,SNAT,DNAT", "--ctstate DNAT --ctstatus CONFIRMED"]] + [
    "-m state --state NEW,ESTABLISHED", "-m state ! --state INVALID", "-m state --state RELATED,ESTABLISHED",
    "-m state --state UNTRACKED", "-m state --state SNAT", "-m state --state NEW -m conntrack --ctstate NEW",
    "-m conntrack --ctstate NEW -m conntrack --ctstatus ASSURED", "-m state", "-m conntrack --ctdir FOO"])
g("addrtype", "filter", "INPUT", ["-m addrtype " + t for t in [
    "--src-type LOCAL", "--dst-type LOCAL,BROADCAST", "! --dst-type UNICAST", "--dst-type LOCAL --limit-iface-in",
    "--src-type UNSPEC", "--src-type ANYCAST", "--dst-type MULTICAST", "--dst-type BLACKHOLE",
    "--dst-type UNREACHABLE", "--dst-type PROHIBIT", "--dst-type THROW", "--dst-type NAT", "--dst-type XRESOLVE",
    "--src-type local", "--src-type FOO", "--limit-iface-out", "--src-type LOCAL --dst-type LOCAL",
    "--dst-type BROADCAST,MULTICAST,ANYCAST", "! --src-type LOCAL ! --dst-type LOCAL", ""]])
g("addrtype-out", "filter", "OUTPUT", [
    "-m addrtype --dst-type LOCAL --limit-iface-out", "-m addrtype --dst-type LOCAL --limit-iface-in",
    "-m addrtype --limit-iface-out --limit-iface-in"])
g("statistic", "filter", "INPUT", ["-m statistic " + t for t in [
    "--mode random --probability 0.5", "--mode random --probability 0.33333333", "--mode random --probability 1",
    "--mode random --probability 0", "--mode nth --every 3 --packet 0", "--mode nth --every 2",
    "! --mode random --probability 0.1", "--mode random --probability 2", "--mode nth --every 3 --packet 3",
    "--mode random --probability 0.25", "--mode random --probability 0.2", "--mode random --probability 0.1",
    "--mode nth --every 10 --packet 9", "--mode nth ! --every 2", "--mode random", "--mode foo",
    "--mode nth --every 0", "--probability 0.5", "--mode random --probability 0.0000001",
    "--mode random --probability 0.999999999"]])
COMMENTS = ["hello world", "single", 'with "quotes"', "a'b", "x\\y", "#hash", "", "a" * 255, "a" * 256,
            "tab\there", "trailing ", "ünïcode", "semi;colon", "$dollar", "back`tick", "-j DROP"]
g("comment", "filter", "INPUT", [["-m", "comment", "--comment", c] for c in COMMENTS] + [
    ["-m", "comment", "--comment", "a", "-m", "comment", "--comment", "b"], ["-m", "comment"],
    ["-m", "comment", "--comment", "x", "-j", "ACCEPT"], ["-p", "tcp", "--dport", "22", "-m", "comment", "--comment", "ssh in"]])
g("mark", "filter", "INPUT", [
    "-m mark --mark 0x1", "-m mark --mark 1", "-m mark --mark 0x1/0xff", "-m mark ! --mark 0x10/0x10",
    "-m mark --mark 4294967295", "-m mark --mark 0x100000000", "-m mark --mark 0xffffffff/0xffffffff",
    "-m mark --mark 010", "-m mark --mark -1", "-m mark --mark 0x1/", "-m mark --mark foo",
    "-m connmark --mark 0x1", "-m connmark --mark 0x2/0xf", "-m connmark ! --mark 1", "-m connmark --mark 0/0",
    "-m mark --mark 0", "-m mark"])
g("mac", "filter", "INPUT", [
    "-m mac --mac-source 00:11:22:33:44:55", "-m mac ! --mac-source AA:BB:CC:DD:EE:FF",
    "-m mac --mac-source 00:11:22:33:44", "-m mac --mac-source 0:1:2:3:4:5", "-m mac --mac-source 00-11-22-33-44-55",
    "-m mac"])
g("mac-out", "filter", "OUTPUT", ["-m mac --mac-source 00:11:22:33:44:55"])
g("iprange", "filter", "INPUT", [
    "-m iprange --src-range 10.0.0.1-10.0.0.9", "-m iprange ! --dst-range 192.0.2.1-192.0.2.200",
    "-m iprange --src-range 10.0.0.1-10.0.0.2 --dst-range 10.0.0.3-10.0.0.4", "-m iprange --src-range 10.0.0.9-10.0.0.1",
    "-m iprange --src-range 10.0.0.1", "-m iprange --src-range 10.0.0.0/24", "-m iprange", "-m iprange --dst-range 1.2.3.4-foo"])
g("length", "filter", "INPUT", [
    "-m length --length 64", "-m length --length 64:1500", "-m length ! --length 0:100", "-m length --length :100",
    "-m length --length 1500:", "-m length --length 65536", "-m length --length 100:50", "-m length"])
g("ttl", "filter", "INPUT", [
    "-m ttl --ttl-eq 64", "-m ttl --ttl-lt 10", "-m ttl --ttl-gt 128", "-m ttl ! --ttl-eq 1", "-m ttl ! --ttl-lt 2",
    "-m ttl --ttl-eq 256", "-m ttl", "-m ttl --ttl-eq 1 --ttl-gt 2"])
g("tos", "filter", "INPUT", [
    "-m tos --tos 0x10", "-m tos --tos Minimize-Delay", "-m tos --tos 0x08/0x3f", "-m tos ! --tos Normal-Service",
    "-m tos --tos Maximize-Throughput", "-m tos --tos Maximize-Reliability", "-m tos --tos Minimize-Cost",
    "-m tos --tos 0x100", "-m tos --tos foo", "-m dscp --dscp 46", "-m dscp --dscp 0x2e", "-m dscp --dscp-class EF",
    "-m dscp --dscp-class AF41", "-m dscp ! --dscp 0", "-m dscp --dscp 64", "-m dscp --dscp-class CS7",
    "-m dscp --dscp-class BE", "-m dscp --dscp-class af11", "-m dscp --dscp-class XX", "-m dscp"])
g("pkttype", "filter", "INPUT", ["-m pkttype --pkt-type " + t for t in [
    "unicast", "broadcast", "multicast", "host", "otherhost", "outgoing", "loopback", "UNICAST", "foo"]] + [
    "-m pkttype ! --pkt-type broadcast", "-m pkttype"])
g("limit", "filter", "INPUT", ["-m limit " + t for t in [
    "--limit 5/sec", "--limit 3/min", "--limit 1/hour", "--limit 10/day", "--limit 5/s", "--limit 100/second --limit-burst 200",
    "--limit 1/minute", "--limit 10", "--limit-burst 0", "--limit-burst 1", "--limit 10000/sec", "--limit 1000/sec",
    "--limit 0/sec", "--limit 5/week", "--limit 2/h", "--limit 7/d", "--limit 60/m", "", "--limit-burst 10001",
    "--limit 4/sec --limit-burst 10", "--limit 1/day --limit-burst 1", "--limit 1/s --limit 2/s", "! --limit 1/s"]])
g("hashlimit", "filter", "INPUT", ["-m hashlimit " + t for t in [
    "--hashlimit-upto 10/sec --hashlimit-name h1", "--hashlimit-above 100/min --hashlimit-burst 20 --hashlimit-mode srcip,dstport --hashlimit-name h2",
    "--hashlimit-upto 1/s --hashlimit-mode srcip --hashlimit-srcmask 24 --hashlimit-name h3",
    "--hashlimit-upto 1/s --hashlimit-mode dstip --hashlimit-dstmask 16 --hashlimit-name h4",
    "--hashlimit-upto 5/hour --hashlimit-htable-size 1024 --hashlimit-htable-max 2048 --hashlimit-htable-expire 10000 --hashlimit-htable-gcinterval 1000 --hashlimit-name h5",
    "--hashlimit 5/sec --hashlimit-name h6", "--hashlimit-upto 1kb/s --hashlimit-name h7",
    "--hashlimit-above 512kb/s --hashlimit-burst 1mb --hashlimit-name h8",
    "--hashlimit-upto 10/sec --hashlimit-rate-match --hashlimit-name h9",
    "--hashlimit-upto 10/sec --hashlimit-rate-match --hashlimit-rate-interval 5 --hashlimit-name h10",
    "--hashlimit-upto 10/sec", "--hashlimit-name h11", "--hashlimit-upto 3/day --hashlimit-name h12",
    "--hashlimit-upto 3/min --hashlimit-mode srcip,srcport,dstip,dstport --hashlimit-name h13",
    "--hashlimit-upto 1/sec --hashlimit-mode foo --hashlimit-name h14",
    "--hashlimit-upto 10/sec --hashlimit-name abcdefghijklmnopqrstuvwxyz01234567",
    "! --hashlimit-upto 10/sec --hashlimit-name h15", "--hashlimit-upto 1000000/sec --hashlimit-name h16",
    "--hashlimit-above 1/min --hashlimit-name h1"]])
g("recent", "filter", "INPUT", ["-m recent " + t for t in [
    "--name r1 --set", "--name r1 --rcheck --seconds 60 --hitcount 4", "--name r1 --update --seconds 60 --rttl",
    "--name r1 --remove", "--name r2 --set --rsource", "--name r2 --set --rdest", "--set", "--rcheck",
    "--name r3 --set --mask 255.255.255.0", "--name r3 --update --seconds 10 --reap", "! --rcheck --name r1",
    "--name r1 --rcheck --hitcount 101", "--name r1 --set --rcheck", "--name r1", "--name r1 --rcheck --reap",
    "--name r1 --update --seconds 5 --hitcount 2 --rttl --rsource --mask 255.255.0.0",
    "--name abcdefghijklmnopqrstuvwxyz0123456789 --set"]])
g("owner", "filter", "OUTPUT", ["-m owner " + t for t in [
    "--uid-owner 0", "--uid-owner 1000-2000", "--gid-owner 0", "--socket-exists", "! --uid-owner 1",
    "--uid-owner root", "--gid-owner root", "--uid-owner 0 --gid-owner 0 --suppl-groups", "--uid-owner nosuchuser",
    "! --socket-exists", "--gid-owner 10-20 ! --uid-owner 5", "", "--suppl-groups"]])
g("owner-in", "filter", "INPUT", ["-m owner --uid-owner 0"])
g("physdev", "filter", "FORWARD", ["-m physdev " + t for t in [
    "--physdev-in eth0", "--physdev-out eth1", "--physdev-is-bridged", "! --physdev-is-in", "--physdev-is-out",
    "--physdev-in veth+ ! --physdev-out eth1 --physdev-is-bridged", "! --physdev-in eth0", ""]])
g("set", "filter", "INPUT", ["-m set --match-set foo src", "-m set ! --match-set bar dst,src"])
g("set-real", "filter", "INPUT", ["-m set --match-set " + t for t in [
    "hosts src", "hosts dst", "! hosts src", "nets src,dst", "nets dst,src", "ports src,dst", "hosts src --return-nomatch",
    "hosts src ! --update-counters", "hosts src ! --update-subcounters", "hosts src --packets-gt 10",
    "hosts src --bytes-lt 100", "hosts src --packets-eq 1 --bytes-gt 5", "hosts src,dst,dst", "missing src", "hosts",
    "hosts foo"]] + ["-m set --match-set hosts src -j SET --add-set hosts dst", "-j SET --del-set nets src",
    "-m set --match-set hosts src -m set ! --match-set nets dst -j DROP"],
  ipsets=[["create", "hosts", "hash:ip"], ["create", "nets", "hash:net"], ["create", "ports", "hash:ip,port"]])
g("helper", "filter", "INPUT", ["-m helper --helper ftp", "-m helper ! --helper sip", "-m helper --helper ftp-21"])
g("connlimit", "filter", "INPUT", [
    "-p tcp -m connlimit --connlimit-above 10", "-p tcp -m connlimit --connlimit-upto 5 --connlimit-mask 24",
    "-m connlimit --connlimit-above 2 --connlimit-daddr", "-m connlimit --connlimit-above 2 --connlimit-saddr --connlimit-mask 32"])
g("reject", "filter", "INPUT", ["-j REJECT"] + ["-j REJECT --reject-with " + t for t in [
    "icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable", "icmp-proto-unreachable",
    "icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited", "tcp-reset", "tcp-rst",
    "net-unreach", "host-unreach", "port-unreach", "proto-unreach", "net-prohib", "host-prohib", "admin-prohib",
    "bogus", "icmp6-port-unreachable"]] + ["-p tcp -j REJECT --reject-with tcp-reset", "-p tcp -j REJECT --reject-with tcp-rst"])
g("reject-nat", "nat", "PREROUTING", ["-j REJECT"])
g("log", "filter", "INPUT", ["-j LOG " + t for t in [
    "", "--log-prefix IN:", "--log-level 4", "--log-level warning", "--log-level debug", "--log-level emerg",
    "--log-level alert", "--log-level crit", "--log-level error", "--log-level err", "--log-level notice",
    "--log-level info", "--log-level panic", "--log-level 7", "--log-level 8", "--log-level foo",
    "--log-tcp-sequence --log-tcp-options --log-ip-options --log-uid", "--log-macdecode", "--log-level 0 --log-uid",
    "--log-prefix abcdefghijklmnopqrstuvwxyz01", "--log-prefix abcdefghijklmnopqrstuvwxyz012",
    "--log-prefix abcdefghijklmnopqrstuvwxyz0123", "--log-level 6 --log-prefix x"]] + [
    ["-j", "LOG", "--log-prefix", "IN DROP: "], ["-j", "LOG", "--log-prefix", 'say "hi" '],
    ["-j", "LOG", "--log-prefix", ""], ["-j", "LOG", "--log-prefix", "a\\b"],
    "-j NFLOG", "-j NFLOG --nflog-group 2 --nflog-prefix x --nflog-threshold 3 --nflog-range 100",
    "-j NFLOG --nflog-size 200", "-j NFQUEUE --queue-num 3", "-j NFQUEUE --queue-balance 0:3 --queue-bypass --queue-cpu-fanout",
    "-j NFQUEUE --queue-bypass", "-j ULOG"])
g("mark-target", "mangle", "PREROUTING", ["-j MARK " + t for t in [
    "--set-mark 0x1", "--set-mark 1/0xff", "--set-xmark 0x1/0xffffffff", "--and-mark 0xff", "--or-mark 0x100",
    "--xor-mark 0x3", "--set-xmark 0x5", "--set-mark 0", "", "--set-mark foo", "--set-mark 1 --or-mark 2"]] +
  ["-j CONNMARK " + t for t in [
    "--set-mark 1", "--set-xmark 0x1/0xf", "--save-mark", "--save-mark --nfmask 0xff --ctmask 0xff",
    "--save-mark --mask 0xff", "--restore-mark", "--restore-mark --mask 0xf", "--restore-mark --nfmask 0xf0 --ctmask 0xf",
    "--and-mark 0xf", "--or-mark 0x10", "--xor-mark 0x1", "--set-mark 0x1/0x1", "", "--save-mark --ctmask 0xff"]] + [
    "-j TOS --set-tos 0x10", "-j TOS --set-tos Minimize-Delay", "-j TOS --and-tos 0x0f", "-j TOS --or-tos 0x02",
    "-j TOS --xor-tos 0x04", "-j TOS --set-tos 0x10/0x3f", "-j DSCP --set-dscp 10", "-j DSCP --set-dscp-class AF21",
    "-j TTL --ttl-set 64", "-j TTL --ttl-inc 1", "-j TTL --ttl-dec 2", "-j TTL --ttl-inc 0",
    "-j CLASSIFY --set-class 1:10", "-j CHECKSUM --checksum-fill", "-j ECN --ecn-tcp-remove",
    "-j CONNSECMARK --save", "-j TRACE"])
g("tcpmss", "mangle", "FORWARD", [
    "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400",
    "-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu", "-p tcp -j TCPMSS --clamp-mss-to-pmtu", "-j TCPMSS --set-mss 1400",
    "-p tcp --tcp-flags SYN,RST SYN -j TCPMSS", "-p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1400:1536 -j TCPMSS --set-mss 1360",
    "-p tcp -m tcpmss --mss 1000", "-p tcp -m tcpmss ! --mss 1:500"])
g("tproxy", "mangle", "PREROUTING", [
    "-p tcp -j TPROXY --on-port 8080 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1", "-p tcp -j TPROXY --on-port 8080",
    "-p udp -j TPROXY --on-port 53 --tproxy-mark 1", "-j TPROXY --on-port 1", "-p tcp -j TPROXY",
    "-p tcp -j TPROXY --on-ip 10.0.0.1 --on-port 0", "-p tcp -m socket -j MARK --set-mark 1",
    "-p tcp -m socket --transparent --nowildcard -j ACCEPT"])
g("tproxy-filter", "filter", "INPUT", ["-p tcp -j TPROXY --on-port 8080"])
g("ct", "raw", "PREROUTING", [
    "-j CT --notrack", "-j CT --zone 1", "-j CT --zone-orig 2", "-j CT --zone-reply 3", "-p tcp --dport 21 -j CT --helper ftp",
    "-j CT --ctevents new,destroy", "-j CT --expevents new", "-j CT --timeout foo", "-j NOTRACK", "-j CT",
    "-j CT --zone 65535", "-j CT --zone 65536", "-j CT --zone mark", "-j CT --helper nosuch",
    "-j CT --ctevents related,new,destroy,reply,assured,protoinfo,helper,mark,natseqinfo,secmark", "-j CT --notrack --zone 1",
    "-p udp --dport 69 -j CT --helper tftp", "-j CT --zone-orig mark"])
g("ct-filter", "filter", "INPUT", ["-j CT --notrack", "-j NOTRACK"])
g("snat", "nat", "POSTROUTING", ["-j SNAT " + t for t in [
    "--to-source 198.51.100.1", "--to 198.51.100.1-198.51.100.10", "--to-source 198.51.100.1 --random",
    "--to-source 198.51.100.1 --persistent", "--to-source 198.51.100.1 --random-fully", "--to-source :1000",
    "--to-source 198.51.100.1:1000", "", "--to-source 198.51.100.1 --to-source 198.51.100.2",
    "--to-source 198.51.100.10-198.51.100.1", "--to-source foo", "--to-source 198.51.100.1 --random --persistent --random-fully"]] +
  ["-p tcp -j SNAT " + t for t in [
    "--to-source 198.51.100.1:1024-65535", "--to-source 198.51.100.1:1000", "--to-source 198.51.100.1-198.51.100.5:1000-2000",
    "--to-source :2000-3000", "--to-source 198.51.100.1:2000-1000", "--to-source 198.51.100.1:0", "--to-source 198.51.100.1:65536",
    "--to-source 198.51.100.1:1000-2000 --random-fully"]] + [
    "-p udp -j SNAT --to-source 198.51.100.1:53", "-p sctp -j SNAT --to-source 198.51.100.1:53",
    "-p icmp -j SNAT --to-source 198.51.100.1:53", "-o eth0 -j MASQUERADE", "-j MASQUERADE",
    "-p tcp -j MASQUERADE --to-ports 1024-2048", "-j MASQUERADE --to-ports 1024", "-j MASQUERADE --random",
    "-j MASQUERADE --random-fully", "-p udp -j MASQUERADE --to-ports 5000 --random", "-j NETMAP --to 10.1.0.0/16",
    "-s 10.0.0.0/24 -j NETMAP --to 198.51.100.0/24", "-j NETMAP", "-j NETMAP --to 10.1.0.0/255.255.0.0",
    "-j NETMAP --to 10.1.2.3", "-j DNAT --to-destination 10.0.0.1", "-j ACCEPT", "-j RETURN"])
g("dnat", "nat", "PREROUTING", ["-j DNAT " + t for t in [
    "--to-destination 10.0.0.5", "--to 10.0.0.5", "--to-destination 10.0.0.5-10.0.0.9", "--to-destination 10.0.0.5 --random",
    "--to-destination 10.0.0.5 --persistent", "--to-destination 10.0.0.5:8080", ""]] + ["-p tcp -j DNAT " + t for t in [
    "--to-destination 10.0.0.5:8080", "--to-destination 10.0.0.5-10.0.0.9:80-90", "--to-destination 10.0.0.5:80-90 --random",
    "--to-destination :8080", "--to-destination 10.0.0.5:8080/80", "--to-destination 10.0.0.5:1000-2000/100",
    "--to-destination 10.0.0.5:1000-2000/", "--to-destination 10.0.0.5 --random-fully"]] + [
    "-p tcp --dport 80 -j REDIRECT --to-ports 8080", "-p tcp -j REDIRECT --to-ports 8080-8090", "-p tcp -j REDIRECT --random",
    "-j REDIRECT", "-j REDIRECT --to-ports 8080", "-p udp -j REDIRECT --to-ports 53 --random", "-j NETMAP --to 10.2.0.0/16",
    "-j SNAT --to-source 1.2.3.4", "-j MASQUERADE", "-d 203.0.113.1 -p tcp --dport 443 -j DNAT --to-destination 10.0.0.1:8443"])
g("dnat-filter", "filter", "INPUT", ["-j DNAT --to-destination 10.0.0.5", "-j SNAT --to-source 1.2.3.4",
                                     "-j MASQUERADE", "-j REDIRECT", "-j MARK --set-mark 1"])
g("nat-output", "nat", "OUTPUT", ["-j DNAT --to-destination 10.0.0.5", "-p tcp -j REDIRECT --to-ports 1",
                                  "-j SNAT --to-source 1.2.3.4", "-j NETMAP --to 10.0.0.0/8"])
g("nat-input", "nat", "INPUT", ["-j SNAT --to-source 1.2.3.4", "-j DNAT --to-destination 1.2.3.4", "-j MASQUERADE"])
g("chains", "filter", "INPUT", [
    "-j a", "-g a", "-j abcdefghijklmnopqrstuvwxyz01", "-j b-c_d.e", "-j x"],
  setup=[["-N", "a"], ["-N", "abcdefghijklmnopqrstuvwxyz01"], ["-N", "b-c_d.e"]])
g("misc", "filter", "INPUT", [
    "-m string --string foo --algo bm", "-m time --timestart 09:00 --timestop 17:00 --weekdays Mon,Tue",
    "-m quota --quota 1000", "-m u32 --u32 0>>22&0x3C@0>>16=0x1", "-m rpfilter", "-m devgroup --src-group 1",
    "-m cpu --cpu 0", "-m policy --dir in --pol none", "-m nosuchmatch", "-m tcp", "-m udp --dport 1",
    "-m icmp --icmp-type 8", "-m ecn --ecn-tcp-cwr -p tcp", "-p esp -m esp --espspi 1:2", "-p ah -m ah --ahspi 5",
    "-m connbytes --connbytes 10:100 --connbytes-dir both --connbytes-mode bytes", "-m realm --realm 1",
    "-m cluster --cluster-total-nodes 2 --cluster-local-node 1", "-m bpf --bytecode 1,6\\ 0\\ 0\\ 0", "-m ipvs --ipvs"])


# ---------- random combinations: many matches per rule, options in any order ----------
ADDRS = ["10.0.0.1", "10.0.0.0/8", "192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/255.255.255.128",
         "10.1.2.3/16", "0.0.0.0/0", "10.0.0.1,10.0.0.2"]
IFS = ["eth0", "eth+", "wlan0", "br-lan", "veth1", "ppp+", "lo"]
GENERIC = [
    "-m conntrack --ctstate NEW", "-m conntrack --ctstate RELATED,ESTABLISHED", "-m conntrack ! --ctstate INVALID",
    "-m conntrack --ctstatus ASSURED --ctdir ORIGINAL", "-m conntrack --ctorigdst 203.0.113.1 --ctorigdstport 80",
    "-m state --state NEW", "-m state --state ESTABLISHED,RELATED", "-m mark --mark 0x1/0xff", "-m mark ! --mark 7",
    "-m connmark --mark 0x10/0xf0", "-m limit --limit 10/min --limit-burst 20", "-m limit --limit 2/s",
    "-m addrtype --dst-type LOCAL", "-m addrtype ! --src-type BROADCAST", "-m iprange --src-range 10.0.0.1-10.0.0.50",
    "-m length --length 0:128", "-m ttl --ttl-lt 5", "-m tos --tos 0x10", "-m dscp --dscp-class AF21",
    "-m pkttype --pkt-type broadcast", "-m statistic --mode nth --every 4 --packet 1",
    "-m statistic --mode random --probability 0.25", "-m recent --name scan --rcheck --seconds 30 --hitcount 5",
    "-m recent --name scan --set", "-m hashlimit --hashlimit-upto 5/sec --hashlimit-mode srcip --hashlimit-name hl",
    "-m helper --helper ftp", "-m comment --comment combo", ["-m", "comment", "--comment", "allow \"x\" in"],
    "-m connlimit --connlimit-above 20 --connlimit-mask 24"]
TCP = ["--dport 22", "--sport 1024:65535", "! --dport 25", "--dport 8000:", "--syn", "! --syn",
       "--tcp-flags SYN,ACK,FIN,RST SYN", "--tcp-flags ALL NONE", "-m multiport --dports 80,443,8080:8090",
       "-m multiport ! --sports 1:1023", "--tcp-option 2", "-m tcp --dport https", "-m tcpmss --mss 1400:1500"]
UDP = ["--dport 53", "--sport 67:68", "! --dport 123", "-m multiport --dports 500,4500", "-m udp --dport 1194"]
ICMP = ["--icmp-type echo-request", "--icmp-type 3/4", "! --icmp-type 0", "--icmp-type time-exceeded"]
TARGETS = {
    "filter": ["-j ACCEPT", "-j DROP", "-j RETURN", "-j REJECT", "-j REJECT --reject-with icmp-host-prohibited",
               "-j REJECT --reject-with tcp-reset", "-j LOG --log-prefix FW: --log-level 6",
               "-j LOG --log-tcp-options --log-ip-options", "-j NFLOG --nflog-group 5", "-j u1", "-g u2", "",
               "-j NFQUEUE --queue-num 2 --queue-bypass", "-j CONNMARK --set-mark 1"],
    "nat": ["-j DNAT --to-destination 10.0.0.5", "-j DNAT --to-destination 10.0.0.5:8080",
            "-j SNAT --to-source 198.51.100.1", "-j SNAT --to-source 198.51.100.1-198.51.100.4 --persistent",
            "-j MASQUERADE", "-j MASQUERADE --to-ports 2000-3000 --random", "-j REDIRECT --to-ports 3128",
            "-j NETMAP --to 10.9.0.0/16", "-j RETURN", "-j ACCEPT", "-j u1", ""],
    "mangle": ["-j MARK --set-mark 0x2", "-j MARK --set-xmark 0x10/0xf0", "-j CONNMARK --save-mark",
               "-j CONNMARK --restore-mark --mask 0xff", "-j TCPMSS --clamp-mss-to-pmtu", "-j TOS --set-tos 0x10",
               "-j DSCP --set-dscp 8", "-j TTL --ttl-set 64", "-j ACCEPT", "-j RETURN", "-j u1", ""],
    "raw": ["-j CT --notrack", "-j CT --zone 3", "-j NOTRACK", "-j ACCEPT", "-j DROP", "-j u1", ""],
}
CHAINS = {t: c for t, c in [("filter", ["INPUT", "FORWARD", "OUTPUT", "u1", "u2"]),
                           ("nat", ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "u1"]),
                           ("mangle", ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "u1"]),
                           ("raw", ["PREROUTING", "OUTPUT", "u1"])]}

def words(f):
    return f if isinstance(f, list) else f.split()

def combo_rule(table, chain):
    frags = []
    if R.random() < 0.5:
        frags.append(R.choice(["", "! "]) + R.choice(["-s ", "--source "]) + R.choice(ADDRS))
    if R.random() < 0.4:
        frags.append(R.choice(["", "! "]) + "-d " + R.choice(ADDRS))
    if chain not in ("OUTPUT", "POSTROUTING") and R.random() < 0.4:
        frags.append(R.choice(["", "! "]) + "-i " + R.choice(IFS))
    if chain not in ("PREROUTING", "INPUT") and R.random() < 0.3:
        frags.append(R.choice(["", "! "]) + "-o " + R.choice(IFS))
    proto = R.choice([None, None, "tcp", "tcp", "udp", "icmp", "6", "17"])
    l4 = []
    if proto:
        l4 = [["-p", proto] + words(x) for x in R.sample({"tcp": TCP, "6": TCP, "udp": UDP, "17": UDP,
                                                          "icmp": ICMP}[proto], R.choice([0, 1, 1, 2]))]
        if not l4:
            frags.append("-p " + proto)
    if R.random() < 0.1 and not l4:
        frags.append(R.choice(["-f", "! -f"]))
    for g in R.sample(GENERIC, R.choice([0, 1, 1, 2, 3])):
        frags.append(g)
    R.shuffle(frags)
    args = []
    for f in frags:
        args += words(f)
    if l4:
        # the protocol before its options, the options in the order drawn
        args += l4[0][:2] + sum([x[2:] for x in l4], [])
    t = R.choice(TARGETS[table])
    if t:
        tw = words(t)
        pos = R.randrange(0, len(args) + 1) if R.random() < 0.3 else len(args)
        while pos < len(args) and args[pos - 1:pos] and args[pos - 1].startswith("-") and pos > 0:
            pos += 1
        args = args[:pos] + tw + args[pos:] if pos == len(args) else args + tw
    return ["@" + chain] + args

for n in range(24):
    table = ["filter", "filter", "nat", "mangle", "raw", "filter"][n % 6]
    chains = CHAINS[table]
    rules = [combo_rule(table, R.choice(chains)) for _ in range(40)]
    g("combo-%02d-%s" % (n, table), table, chains[0], rules,
      setup=[["-N", c] for c in chains if c.startswith("u")])


# ---------- mutants: valid-looking rules with one word dropped, doubled, negated or garbled ----------
def mutate(words_):
    w = list(words_)
    k = R.randrange(5)
    i = R.randrange(len(w)) if w else 0
    if k == 0 and w:
        del w[i]
    elif k == 1 and w:
        w.insert(i, w[i])
    elif k == 2:
        w.insert(i, "!")
    elif k == 3 and w:
        w[i] = R.choice(["x", "-1", "65536", "0x", "", "1.2.3", "--", "-", "999999999999"])
    elif w:
        w[i] = w[i].upper() if w[i].islower() else w[i].lower()
    return w

for n, table in enumerate(["filter", "nat", "mangle", "filter", "raw", "filter", "nat", "filter"]):
    chains = CHAINS[table]
    rules = []
    for _ in range(60 if n < 4 else 80):
        base = combo_rule(table, R.choice(chains))
        w = mutate(base[1:])
        rules.append([base[0]] + (mutate(w) if n >= 4 else w))
    g("mutants-%d-%s" % (n, table), table, chains[0], rules, setup=[["-N", c] for c in chains if c.startswith("u")])

# ---------- restore inputs: (name, flags, base, input) ----------
BASE = """*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:keep - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j keep
-A keep -p tcp --dport 22 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth0 -j MASQUERADE
COMMIT
"""
F = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
N = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
B = []
def b(name, body, flags=(), base=BASE):
    B.append({"name": name, "flags": list(flags), "base": base, "input": body})
b("unknown-option", F + "-A INPUT --bogus 1\nCOMMIT\n")
b("bad-address", F + "-A INPUT -s 10.0.0.300 -j DROP\nCOMMIT\n")
b("bad-prefix", F + "-A INPUT -s 10.0.0.0/40 -j DROP\nCOMMIT\n")
b("missing-chain", F + "-A NOPE -j DROP\nCOMMIT\n")
b("jump-missing", F + "-A INPUT -j NOPE\nCOMMIT\n")
b("goto-missing", F + "-A INPUT -g NOPE\nCOMMIT\n")
b("bad-dport-range", F + "-A INPUT -p tcp --dport 90:80 -j DROP\nCOMMIT\n")
b("bad-dport", F + "-A INPUT -p tcp --dport 70000 -j DROP\nCOMMIT\n")
b("commit-missing", F + "-A INPUT -j DROP\n")
b("commit-missing-2tables", F + "-A INPUT -j DROP\n" + N + "COMMIT\n")
b("unknown-target", F + "-A INPUT -j BOGUS\nCOMMIT\n")
b("dnat-in-filter", F + "-A INPUT -j DNAT --to-destination 10.0.0.1\nCOMMIT\n")
b("snat-in-prerouting", N + "-A PREROUTING -j SNAT --to-source 10.0.0.1\nCOMMIT\n")
b("unknown-table", "*bogus\n:INPUT ACCEPT [0:0]\nCOMMIT\n")
b("rule-before-table", "-A INPUT -j DROP\n" + F + "COMMIT\n")
b("chain-before-table", ":INPUT ACCEPT [0:0]\n")
b("commit-without-table", "COMMIT\n")
b("chain-twice", F + ":foo - [0:0]\n:foo - [0:0]\nCOMMIT\n")
b("policy-user-chain", F + ":foo ACCEPT [0:0]\nCOMMIT\n")
b("bad-policy", "*filter\n:INPUT FOO [0:0]\nCOMMIT\n")
b("policy-return", "*filter\n:INPUT RETURN [0:0]\nCOMMIT\n")
b("builtin-as-user", "*filter\n:INPUT - [0:0]\nCOMMIT\n")
b("bad-counters", "*filter\n:INPUT ACCEPT [x:y]\nCOMMIT\n", ["-c"])
b("bad-rule-counters", F + "[1:x] -A INPUT -j DROP\nCOMMIT\n", ["-c"])
for n, l in enumerate(["[1 -A INPUT", "[:::] -A INPUT", "[5] -A INPUT", "[5:] -A INPUT", "[:5] -A INPUT -j ACCEPT",
                        "[x] -A INPUT -d 10.0.0.1 -p tcp -j DNAT --to-destination 10.0.0.2:80", "[1:2]-A INPUT -j ACCEPT"]):
    b("rule-counter-syntax-%d" % n, F + l + "\nCOMMIT\n", ["-c"] if n % 2 else [])
b("rule-counters-no-c", F + "[5:500] -A INPUT -j DROP\nCOMMIT\n")
b("rule-counters-c", F + "[5:500] -A INPUT -j DROP\n-A INPUT -c 7 700 -j ACCEPT\nCOMMIT\n", ["-c"])
b("unterminated-quote", F + "-A INPUT -m comment --comment \"abc -j DROP\nCOMMIT\n")
b("quote-escapes", F + "-A INPUT -m comment --comment \"a \\\"b\\\" c\" -j DROP\n-A INPUT -m comment --comment 'single q' -j DROP\n"
  "-A INPUT -m comment --comment \"x\\\\y\"\n-A INPUT -m comment --comment \"\"\nCOMMIT\n")
b("second-table-bad", F + "-A INPUT -j DROP\nCOMMIT\n" + N + "-A PREROUTING -j BOGUS\nCOMMIT\n")
b("first-table-bad", F + "-A INPUT -j BOGUS\nCOMMIT\n" + N + "-A PREROUTING -j ACCEPT\nCOMMIT\n")
b("noflush-good", F + "-A INPUT -j DROP\nCOMMIT\n", ["--noflush"])
b("noflush-bad", F + "-A INPUT -j DROP\n-A INPUT -j BOGUS\nCOMMIT\n", ["--noflush"])
b("noflush-append", "*filter\n-A INPUT -s 10.0.0.1 -j DROP\n-A keep -j RETURN\nCOMMIT\n", ["--noflush"])
b("noflush-newchain", "*filter\n:new - [0:0]\n-A new -j RETURN\n-I INPUT 1 -j new\nCOMMIT\n", ["--noflush"])
b("noflush-existing-chain", "*filter\n:keep - [0:0]\nCOMMIT\n", ["--noflush"])
b("test-good", F + "-A INPUT -j DROP\nCOMMIT\n", ["--test"])
b("test-bad", F + "-A INPUT -j BOGUS\nCOMMIT\n", ["--test"])
b("test-noflush", "*filter\n-A INPUT -j DROP\nCOMMIT\n", ["--test", "--noflush"])
b("table-option", BASE.replace("MASQUERADE", "ACCEPT"), ["-T", "nat"])
b("delete-in-restore", "*filter\n-D keep -p tcp --dport 22 -j ACCEPT\nCOMMIT\n", ["--noflush"])
b("delete-missing-in-restore", "*filter\n-D keep -p tcp --dport 23 -j ACCEPT\nCOMMIT\n", ["--noflush"])
b("flush-in-restore", "*filter\n-F keep\n-X keep\n-F INPUT\nCOMMIT\n", ["--noflush"])
b("delete-chain-in-use", "*filter\n-X keep\nCOMMIT\n", ["--noflush"])
b("insert-in-restore", "*filter\n-I INPUT 2 -j ACCEPT\n-I INPUT -j DROP\nCOMMIT\n", ["--noflush"])
b("insert-out-of-range", "*filter\n-I INPUT 9 -j ACCEPT\nCOMMIT\n", ["--noflush"])
b("replace-in-restore", "*filter\n-R INPUT 1 -j DROP\nCOMMIT\n", ["--noflush"])
b("policy-in-restore", "*filter\n-P FORWARD DROP\nCOMMIT\n", ["--noflush"])
b("rename-in-restore", "*filter\n-E keep kept\nCOMMIT\n", ["--noflush"])
b("new-chain-cmd-in-restore", "*filter\n-N extra\n-A extra -j ACCEPT\nCOMMIT\n", ["--noflush"])
b("list-missing-chain-in-restore", "*filter\n:INPUT ACCEPT [0:0]\n-L PREROUTING\nCOMMIT\n")
b("list-in-restore", "*filter\n-L\nCOMMIT\n", ["--noflush"])
b("table-opt-in-rule", F + "-t nat -A INPUT -j DROP\nCOMMIT\n")
b("comments-blank-lines", "# comment\n\n" + F + "# inside\n\n-A INPUT -j ACCEPT\nCOMMIT\n# end\n")
b("empty-input", "")
b("only-comments", "# nothing\n")
b("whitespace-lines", F + "   \n-A INPUT   -p   tcp    --dport  22  -j ACCEPT   \nCOMMIT\n")
b("crlf", F.replace("\n", "\r\n") + "-A INPUT -j ACCEPT\r\nCOMMIT\r\n")
b("tabs", F + "-A\tINPUT\t-j\tACCEPT\nCOMMIT\n")
b("no-final-newline", F + "-A INPUT -j ACCEPT\nCOMMIT")
b("table-twice", F + "COMMIT\n" + F + "-A INPUT -j DROP\nCOMMIT\n")
b("table-twice-noflush", F + "-A INPUT -j ACCEPT\nCOMMIT\n" + "*filter\n-A INPUT -j DROP\nCOMMIT\n", ["--noflush"])
b("all-tables", "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j CT --notrack\nCOMMIT\n"
  "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
  "-A PREROUTING -j MARK --set-mark 1\nCOMMIT\n*security\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
  "-A INPUT -j ACCEPT\nCOMMIT\n" + N + "COMMIT\n" + F + "COMMIT\n")
b("missing-builtin-decl", "*filter\n:INPUT DROP [0:0]\n-A FORWARD -j DROP\nCOMMIT\n")
b("user-chain-no-decl", "*filter\n-A undeclared -j DROP\nCOMMIT\n")
b("chain-name-too-long", F + ":abcdefghijklmnopqrstuvwxyz0123 - [0:0]\nCOMMIT\n")
b("chain-name-29", F + ":abcdefghijklmnopqrstuvwxyz012 - [0:0]\nCOMMIT\n")
b("chain-name-28", F + ":abcdefghijklmnopqrstuvwxyz01 - [0:0]\nCOMMIT\n")
b("chain-named-accept", F + ":ACCEPT - [0:0]\nCOMMIT\n")
b("chain-name-dash", F + ":-foo - [0:0]\nCOMMIT\n")
b("chain-name-bang", F + ":!foo - [0:0]\nCOMMIT\n")
b("loop", F + ":a - [0:0]\n:b - [0:0]\n-A a -j b\n-A b -j a\nCOMMIT\n")
b("self-loop", F + ":a - [0:0]\n-A a -j a\nCOMMIT\n")
b("jump-builtin", F + "-A INPUT -j FORWARD\nCOMMIT\n")
b("counters-huge", "*filter\n:INPUT ACCEPT [18446744073709551615:18446744073709551615]\n:FORWARD ACCEPT [1:2]\n"
  ":OUTPUT DROP [12345678901:98765432109]\n[4294967296:1099511627776] -A INPUT -j ACCEPT\nCOMMIT\n", ["-c"])
b("counters-overflow", "*filter\n:INPUT ACCEPT [18446744073709551616:0]\nCOMMIT\n", ["-c"])
b("counters-negative", "*filter\n:INPUT ACCEPT [-1:0]\nCOMMIT\n", ["-c"])
b("policy-no-counters", "*filter\n:INPUT DROP\nCOMMIT\n")
b("policy-counters-nospace", "*filter\n:INPUT DROP[1:2]\nCOMMIT\n", ["-c"])
b("dash-v", F + "-A INPUT -j ACCEPT\nCOMMIT\n", ["-v"])
b("wrong-table-target-mangle", "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to 1.2.3.4\nCOMMIT\n")
b("mark-in-filter", F + "-A INPUT -j MARK --set-mark 1\nCOMMIT\n")
b("reject-in-mangle", "*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -j REJECT\nCOMMIT\n")
b("reject-in-nat", N + "-A PREROUTING -j REJECT\nCOMMIT\n")
b("masq-in-prerouting", N + "-A PREROUTING -j MASQUERADE\nCOMMIT\n")
b("redirect-in-postrouting", N + "-A POSTROUTING -j REDIRECT\nCOMMIT\n")
b("mac-in-output", F + "-A OUTPUT -m mac --mac-source 00:11:22:33:44:55\nCOMMIT\n")
b("owner-in-input", F + "-A INPUT -m owner --uid-owner 0\nCOMMIT\n")
b("userchain-mac-from-output", F + ":u - [0:0]\n-A u -m mac --mac-source 00:11:22:33:44:55\n-A OUTPUT -j u\nCOMMIT\n")
b("userchain-dnat-from-forward", N.replace(":POSTROUTING", ":u - [0:0]\n:POSTROUTING") + "-A u -j DNAT --to 1.2.3.4\n-A POSTROUTING -j u\nCOMMIT\n")
b("security-chains", "*security\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n")
b("raw-prerouting-only", "*raw\n:PREROUTING DROP [0:0]\nCOMMIT\n")
b("extra-args-after-policy", "*filter\n:INPUT ACCEPT [0:0] extra\nCOMMIT\n")
b("commit-with-args", F + "COMMIT now\n")
b("line-long", F + "-A INPUT -m comment --comment " + "x" * 5000 + "\nCOMMIT\n")
b("many-args", F + "-A INPUT" + " -s 1.2.3.4" * 600 + "\nCOMMIT\n")


# ---------- restore files with one line dropped, doubled, moved or garbled ----------
GOOD = (BASE.replace("-A POSTROUTING -o eth0 -j MASQUERADE", "-A POSTROUTING -o eth0 -j MASQUERADE\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080")
        .replace(":keep - [0:0]", ":keep - [0:0]\n:log - [0:0]").replace("-A keep -p tcp --dport 22 -j ACCEPT",
        "-A keep -p tcp --dport 22 -j ACCEPT\n-A keep -j log\n-A log -j LOG --log-prefix \"drop \"\n-A log -j DROP"))
def mutate_file(text):
    ls = text.split("\n")[:-1]
    i = R.randrange(len(ls))
    k = R.randrange(7)
    if k == 0:
        del ls[i]
    elif k == 1:
        ls.insert(i, ls[i])
    elif k == 2:
        j = R.randrange(len(ls))
        ls[i], ls[j] = ls[j], ls[i]
    elif k == 3:
        w = ls[i].split(" ")
        w[R.randrange(len(w))] = R.choice(["x", "[1:2]", "[x]", "-", "COMMIT", "*nat", ":", "\"", "!"])
        ls[i] = " ".join(w)
    elif k == 4:
        ls[i] = ls[i] + R.choice([" x", " [1:2]", " -j ACCEPT", " \"", " #c"])
    elif k == 5:
        ls.insert(i, R.choice(["*filter", "COMMIT", ":new - [0:0]", "-A INPUT -j new", "# comment", "",
                               "-F", "-X keep", "-P INPUT ACCEPT", "-Z", ":INPUT ACCEPT [7:8]"]))
    else:
        ls[i] = ls[i][:R.randrange(len(ls[i]) + 1)]
    return "\n".join(ls) + "\n"

for n in range(160):
    flags = R.choice([[], [], ["-c"], ["--noflush"], ["--test"], ["-c", "--noflush"]])
    text = mutate_file(GOOD)
    b("mutant-%03d" % n, mutate_file(text) if n >= 60 else text, flags)

# ---------- command scripts ----------
S = []
def s(name, cmds):
    S.append({"name": name, "cmds": [c if isinstance(c, list) else c.split() for c in cmds]})
s("edit-basic", ["-N user", "-N user", "-A INPUT -j user", "-A user -s 10.0.0.1 -j DROP", "-I user -s 10.0.0.2 -j DROP",
    "-I user 3 -s 10.0.0.3 -j DROP", "-I user 5 -s 10.0.0.4 -j DROP", "-I user 0 -j DROP", "-R user 2 -s 10.0.0.9 -j ACCEPT",
    "-R user 9 -j ACCEPT", "-D user 3", "-D user 9", "-D user -s 10.0.0.1 -j DROP", "-D user -s 10.0.0.77 -j DROP",
    "-C user -s 10.0.0.2 -j DROP", "-C user -s 10.0.0.66 -j DROP", "-C INPUT -j user", "-S", "-S user", "-S user 1", "-S user 7",
    "-L user -n --line-numbers", "-L user 1 -n", "-X user", "-F user", "-X user", "-D INPUT -j user", "-X user", "-X user",
    "-L user", "-S nosuch"])
s("policies", ["-P INPUT DROP", "-P FORWARD ACCEPT", "-P OUTPUT REJECT", "-P INPUT RETURN", "-P INPUT user", "-N user",
    "-P user DROP", "-P nosuch DROP", "-t nat -P PREROUTING DROP", "-t nat -P POSTROUTING ACCEPT", "-P INPUT", "-S", "-L -n",
    "-t raw -P OUTPUT DROP", "-t raw -S", "-t security -L -n"])
s("rename", ["-N a", "-N b", "-E a b", "-E a c", "-E nosuch x", "-E INPUT x", "-E c INPUT", "-A INPUT -j c", "-E c d",
    "-S", "-E d abcdefghijklmnopqrstuvwxyz0123", "-E d", "-E d ACCEPT"])
s("flush-zero", ["-N u", "-A INPUT -c 10 1000 -j u", "-A u -c 3 300 -j ACCEPT", "-A FORWARD -c 5 500", "-L -n -v", "-Z INPUT",
    "-L -n -v -x", "-Z", "-L -n -v", "-A INPUT -c 1 2", "-L -Z -n -v", "-L -n -v", "-Z INPUT 1", "-Z nosuch", "-F INPUT",
    "-F nosuch", "-F", "-S", "-X", "-S", "-t nat -F", "-t nat -X", "-t mangle -Z", "-Z INPUT 9"])
s("listing", ["-N u", "-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT", "-A INPUT -c 123456 1234567890 -j u",
    "-A u -c 99999999 9999999999999 -i eth0 -o eth1 -j DROP", "-A u -f -j RETURN", "-A FORWARD -g u", "-P FORWARD DROP",
    "-L", "-L -n", "-L -n -v", "-L -n -v -x", "-L -n --line-numbers", "-L -v -n -x --line-numbers", "-L INPUT -n -v",
    "-L u -n", "-S", "-S -v", "-S INPUT", "-S u 1", "-v -S u", "-L --line-numbers -n u", "-nvL", "-nvxL", "-L -nv", "-vL -n",
    "-L -x -n", "-L FORWARD -n -v", "-L nosuch -n", "-t nat -L -n -v", "-t mangle -L -n", "-t raw -L -n", "-t security -S",
    "-t nosuch -L", "-L -n -v -Z"])
s("errors", ["", "-A", "-A INPUT -j", "-A INPUT --bogus", "-A INPUT -s", "-Q", "-A INPUT -A INPUT", "-A INPUT -L",
    "-A nosuch -j ACCEPT", "-I nosuch 1 -j ACCEPT", "-D INPUT 1", "-R INPUT 1 -j ACCEPT", "-A INPUT -j ACCEPT extra",
    "-t nosuch -A INPUT", "-t nat -A INPUT -j REJECT", "-N", "-N ACCEPT", "-N abcdefghijklmnopqrstuvwxyz0123", "-N -x", "-N a b",
    "-X INPUT", "-X nosuch", "-A INPUT ! ! -s 1.2.3.4", "-A INPUT ! -j ACCEPT", "-A INPUT -p tcp ! --dport ! 22",
    "-A INPUT -n -j ACCEPT", "-L -A INPUT", "-S -L", "-C INPUT -j ACCEPT", "-C INPUT", "-A INPUT -m", "-A INPUT -m nosuch",
    "-A INPUT -p", "-I INPUT 0 -j ACCEPT", "-I INPUT -1 -j ACCEPT", "-I INPUT x -j ACCEPT", "-D INPUT 0", "-D INPUT x",
    "-R INPUT", "-A INPUT -s 1.2.3.4 -s 5.6.7.8", "-A INPUT -v -j ACCEPT", "-A INPUT -x", "--line-numbers -A INPUT",
    "-h", "-V", "--version", "-A INPUT -c 1", "-A INPUT -c x y", "-A INPUT --set-counters 1 2 -j ACCEPT", "-4 -A INPUT -j ACCEPT",
    "-6 -A INPUT -j ACCEPT", "-S", "-w -A INPUT -j DROP", "-w 5 -A INPUT -j DROP", "-W 100 -A INPUT -j DROP", "-S",
    "--append INPUT --jump ACCEPT", "--insert INPUT --source 10.0.0.1", "--list-rules", "--list INPUT --numeric --verbose",
    "-D INPUT -j ACCEPT -j DROP", "--new-chain x", "--delete-chain x", "--flush", "--zero", "--policy INPUT ACCEPT",
    "--rename-chain", "--list --exact -n", "--check INPUT -j ACCEPT", "--ipv4 -S", "--fragment -A INPUT", "--apend INPUT",
    "-A INPUT --dport 22", "-A INPUT -p tcp --dport", "-A INPUT -m tcp --dport 22", "-m tcp -A INPUT"])
s("multi-address", ["-A INPUT -s 10.0.0.1,10.0.0.2 -d 10.0.1.1,10.0.1.2 -j ACCEPT", "-S", "-D INPUT -s 10.0.0.1,10.0.0.2 -d 10.0.1.1 -j ACCEPT",
    "-S", "-C INPUT -s 10.0.0.2 -d 10.0.1.2 -j ACCEPT", "-I INPUT 2 -s 1.1.1.1,2.2.2.2", "-S", "-R INPUT 1 -s 3.3.3.3,4.4.4.4",
    "-R INPUT 1 -s 3.3.3.3", "-S", "-D INPUT -s 1.1.1.1,2.2.2.2", "-S"])
s("delete-match", ["-A INPUT -p tcp --dport 22 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
    "-D INPUT -p tcp -m tcp --dport ssh -j ACCEPT", "-S", "-D INPUT -p tcp --dport 22 -j ACCEPT", "-S",
    "-A INPUT -m comment --comment x -j DROP", "-D INPUT -m comment --comment y -j DROP", "-D INPUT -m comment --comment x -j DROP",
    "-A INPUT -s 10.0.0.0/8 -j DROP", "-D INPUT -s 10.1.1.1/8 -j DROP", "-S", "-A INPUT -j LOG", "-D INPUT -j LOG --log-level 4",
    "-A INPUT -j LOG --log-prefix x", "-D INPUT -j LOG --log-prefix y", "-S", "-A INPUT -m conntrack --ctstate NEW,ESTABLISHED",
    "-D INPUT -m conntrack --ctstate ESTABLISHED,NEW", "-S", "-A INPUT -p udp -m multiport --dports 1,2", "-C INPUT -p udp -m multiport --dports 1,2",
    "-C INPUT -p udp -m multiport --dports 2,1", "-A INPUT -m mark --mark 1", "-C INPUT -m mark --mark 0x1/0xffffffff",
    "-A INPUT -m limit --limit 3/min", "-C INPUT -m limit --limit 3/minute --limit-burst 5", "-C INPUT -m limit --limit 180/hour"])
s("nat-cmds", ["-t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to 10.0.0.1:8080", "-t nat -A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE",
    "-t nat -N DOCKER", "-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-t nat -A DOCKER -i docker0 -j RETURN",
    "-t nat -I POSTROUTING 1 -o eth0 -j SNAT --to-source 198.51.100.1", "-t nat -S", "-t nat -L -n -v --line-numbers",
    "-t nat -D PREROUTING 1", "-t nat -S", "-t nat -A INPUT -j DNAT --to 1.2.3.4", "-t nat -A OUTPUT -j MASQUERADE",
    "-t nat -C POSTROUTING -s 10.0.0.0/8 -j MASQUERADE", "--table nat -F DOCKER", "-tnat -X DOCKER", "-t nat -X DOCKER",
    "-t nat -D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-t nat -X DOCKER", "-t nat -S"])


# random command sequences over a few chains: references, non-empty chains, renames, policies
def random_cmd(table):
    ch = R.choice(["a", "b", "c", "INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING", "nosuch"])
    ch2 = R.choice(["a", "b", "c", "d"])
    op = R.choice(["-N", "-N", "-X", "-E", "-F", "-Z", "-P", "-A", "-A", "-A", "-I", "-D", "-D", "-R", "-C",
                   "-S", "-L", "-X", "-F"])
    tail = R.choice([["-j", ch2], ["-g", ch2], ["-j", "ACCEPT"], ["-s", "10.0.0.1", "-j", "DROP"], ["-j", "RETURN"], []])
    if op in ("-N", "-X", "-F", "-Z", "-S") :
        args = [op] + ([] if R.random() < 0.15 else [ch2 if R.random() < 0.6 else ch])
    elif op == "-E":
        args = [op, ch2, R.choice(["a", "b", "c", "d", "e"])]
    elif op == "-P":
        args = [op, ch, R.choice(["ACCEPT", "DROP", "RETURN"])]
    elif op in ("-I", "-R", "-D") and R.random() < 0.5:
        args = [op, ch if R.random() < 0.5 else ch2, str(R.choice([0, 1, 2, 3, 9]))] + (tail if op != "-D" else [])
    elif op == "-L":
        args = [op] + ([] if R.random() < 0.3 else [ch2]) + ["-n", "-v"] + (["--line-numbers"] if R.random() < 0.5 else [])
    else:
        args = [op, ch if R.random() < 0.5 else ch2] + tail
    return ["-t", table] + args

for n, table in enumerate(["filter", "nat", "filter", "mangle", "filter", "raw"]):
    s("random-%d-%s" % (n, table), [random_cmd(table) for _ in range(60)])

json.dump({"groups": G, "broken": B, "scripts": S}, sys.stdout, indent=1, ensure_ascii=False)
