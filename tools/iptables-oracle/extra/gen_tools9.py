#!/usr/bin/python3
"""Session 9 (helper tools9): real-world-style rulesets (rulesets9/*.rules: Docker with user-defined
networks and --icc=false, kube-proxy with 24 services, ufw, Flannel + Weave, a Tailscale/WireGuard/
OpenVPN gateway, OpenWrt fw3), unusual options of many extensions one rule at a time
(rulesets9/t9-unusual-options.groups), and command sequences as the tools that manage rulesets issue
them (dockerd, fail2ban, kube-proxy's restore --noflush syncs, ufw), restore errors and malformed
command lines.
usage: gen_tools9.py | HP_NS=hptools9-ipt python3 ../record.py OUTDIR
then copy OUTDIR/*t9-* into hairpin-core/src/test/resources/iptables-extra/."""
import json, os, shlex

HERE = os.path.dirname(os.path.abspath(__file__))
D = os.path.join(HERE, "rulesets9")
BUILTIN = {"INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"}


def ipt(*a):
    return ["iptables"] + list(a)


def sp(cmd):
    return shlex.split(cmd)


WEAVE_SETS = ["weave-;rGqyMIl1HN^cfDki~Z$3]6!N", "weave-P.B|!ZhkAr5q=XZ?3}tMBA+0", "weave-s_+ChJId4Uy_$}G;WdH|~TK)I",
              "weaver-no-masq-local"]
AFTER = {
    "t9-docker-usernets": [
        "-C FORWARD -o docker0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-C FORWARD -j ACCEPT -i docker0 ! -o docker0",
        "-C FORWARD -i docker0 -o docker0 -j ACCEPT",
        "-t nat -C DOCKER ! -i br-5f1e2c3a4b6d -p tcp --dport 8443 -j DNAT --to-destination 172.18.0.2:443",
        "-t nat -C DOCKER -p tcp -d 0/0 --dport 8443 -j DNAT --to-destination 172.18.0.2:443 ! -i br-5f1e2c3a4b6d",
        "-t nat -C POSTROUTING -p tcp -s 172.18.0.2 -d 172.18.0.2 --dport 80 -j MASQUERADE",
        "-t nat -D DOCKER ! -i br-0a9b8c7d6e5f -p udp -m udp --dport 5353 -j DNAT --to-destination 172.19.0.3:53",
        "-D DOCKER -d 172.19.0.3/32 ! -i br-0a9b8c7d6e5f -o br-0a9b8c7d6e5f -p udp -m udp --dport 53 -j ACCEPT",
        "-t nat -D POSTROUTING -s 172.19.0.3 -d 172.19.0.3 -p udp --dport 53 -j MASQUERADE",
        "-t raw -D PREROUTING -d 172.19.0.3/32 ! -i br-0a9b8c7d6e5f -j DROP",
        "-X DOCKER", "-X DOCKER-USER", "-X DOCKER-ISOLATION-STAGE-2",
        "-C DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8443 --ctdir ORIGINAL -m iprange ! --src-range 203.0.113.10-203.0.113.20 -j DROP",
        "-L DOCKER-USER -v -n --line-numbers", "-t nat -L DOCKER", "-t nat -L POSTROUTING -n -v", "-t raw -L -n -v",
        "-t raw -S", "-S FORWARD 14", "-L FORWARD 14 -n -v"],
    "t9-kube-proxy-services": [
        "-t nat -L KUBE-SERVICES -n --line-numbers", "-t nat -L KUBE-NODEPORTS", "-t nat -S KUBE-MARK-MASQ",
        "-t nat -L KUBE-POSTROUTING -n -v", "-t nat -C KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
        "-t nat -C KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
        "-t nat -C KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
        "-t nat -C KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        "-t nat -C KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-t nat -C KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
        "-C KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
        "-C KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate DNAT,RELATED,ESTABLISHED -j DROP",
        "-L KUBE-SERVICES -n", "-L KUBE-EXTERNAL-SERVICES", "-S KUBE-FORWARD",
        "-t nat -F KUBE-SERVICES", "-t nat -X KUBE-NODEPORTS", "-t nat -F KUBE-NODEPORTS", "-t nat -X KUBE-NODEPORTS",
        "-t nat -L -n -v -x"],
    "t9-ufw": [
        "-L ufw-user-input -n", "-L ufw-user-input", "-L ufw-user-input -n -v --line-numbers",
        "-C ufw-user-input -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource",
        "-C ufw-user-input -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --rsource",
        "-C ufw-user-input -p tcp -m multiport --dports 80,443 -m comment --comment 'dapp_Nginx%20Full' -j ACCEPT",
        "-C ufw-user-input -p tcp -m multiport --dports 80,443 -m comment --comment \"'dapp_Nginx%20Full'\" -j ACCEPT",
        "-C ufw-after-logging-input -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix \"[UFW BLOCK] \"",
        "-C ufw-after-logging-input -m limit --limit 3/minute --limit-burst 10 -j LOG --log-prefix \"[UFW BLOCK] \" --log-level 4",
        "-C ufw-after-logging-input -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix \"[UFW BLOCK]\"",
        "-D ufw-user-input -s 203.0.113.9 -j DROP", "-D ufw-user-input -s 203.0.113.9 -j DROP",
        "-I ufw-user-input 3 -p tcp --dport 8080 -j ACCEPT", "-R ufw-user-input 4 -p udp --dport 8080 -j ACCEPT",
        "-F ufw-user-input", "-Z ufw-user-limit", "-X ufw-user-input", "-L ufw-user-input -n",
        "-L INPUT", "-L OUTPUT -v", "-S ufw-logging-deny"],
    "t9-flannel-weave": [
        "-C WEAVE-NPC -m physdev --physdev-is-bridged --physdev-out vethwe-bridge -j ACCEPT",
        "-C WEAVE-NPC-EGRESS -m state --state NEW -m mark ! --mark 0x40000/0x40000 -j WEAVE-NPC-EGRESS-CUSTOM",
        "-C WEAVE-NPC-EGRESS-ACCEPT -j MARK --set-mark 0x40000/0x40000",
        "-t nat -C FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully",
        "-t nat -C FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"flanneld masq\" -j MASQUERADE",
        "-t nat -D WEAVE -m set --match-set weaver-no-masq-local dst -m comment --comment \"Prevent SNAT to locally running containers\" -j RETURN",
        "-L WEAVE-NPC-DEFAULT", "-L FORWARD -n -v", "-t nat -L WEAVE -n", "-S WEAVE-NPC-EGRESS-DEFAULT"],
    "t9-tailscale-wg-ovpn": [
        "-t mangle -C PREROUTING -i wg0 -p udp --dport 53 -j TPROXY --on-port 5353 --on-ip 127.0.0.1 --tproxy-mark 1/1",
        "-t mangle -C PREROUTING -i tun0 -p tcp --dport 53 -j TPROXY --on-port 5353 --tproxy-mark 0x1/0xffffffff",
        "-t mangle -C POSTROUTING -o tun0 -m dscp --dscp-class EF -j CLASSIFY --set-class 1:10",
        "-t mangle -C POSTROUTING -o eth0 -m mark --mark 0x40000/0xff0000 -j DSCP --set-dscp 0x22",
        "-t mangle -C FORWARD -o tun0 -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1361:1536 -j TCPMSS --set-mss 1360",
        "-t mangle -L -n -v", "-t mangle -L", "-t raw -L", "-t raw -S",
        "-t nat -C PREROUTING -i eth0 -p udp --dport 443 -j REDIRECT --to-ports 1194",
        "-t nat -C PREROUTING -i eth0 -p udp --dport 443 -j REDIRECT --to-port 1194",
        "-C ts-input -s 100.64.0.0/10 ! -i tailscale0 -j DROP", "-D ts-forward -s 100.64.0.0/10 -o tailscale0 -j DROP",
        "-L ts-input", "-L ts-forward -v"],
    "t9-fw3-firewalld": [
        "-C zone_wan_input -p icmp --icmp-type echo-request -m comment --comment \"!fw3: Allow-Ping\" -j ACCEPT",
        "-C INPUT -i br-lan -m comment --comment !fw3 -g zone_lan_input",
        "-C INPUT -i br-lan -m comment --comment !fw3 -j zone_lan_input",
        "-t nat -C zone_wan_prerouting -p udp --dport 60000:60100 -m comment --comment \"!fw3: mosh \\\"range\\\"\" -j DNAT --to-destination 192.168.1.11",
        "-t nat -S zone_wan_prerouting", "-t nat -L zone_wan_prerouting", "-L INPUT", "-L zone_wan_forward -v",
        "-X reject", "-E reject fw_reject", "-S zone_wan_src_REJECT", "-t mangle -L FORWARD"],
}
IPSETS = {"t9-flannel-weave": [["create", n, "hash:ip"] for n in WEAVE_SETS]}


def tables_of(text):
    ts = [l[1:].strip() for l in text.split("\n") if l.startswith("*")]
    return [t for t in ["filter", "nat", "mangle", "raw", "security"] if t in ts or t == "filter"]


def user_chains(text):
    out, table = [], None
    for l in text.split("\n"):
        if l.startswith("*"):
            table = l[1:].strip()
        elif l.startswith(":") and l[1:].split()[0] not in BUILTIN:
            out.append((table, l[1:].split()[0]))
    return out


def rulesets():
    out = []
    for f in sorted(os.listdir(D)):
        if not f.endswith(".rules"):
            continue
        name = f[:-6]
        text = open(os.path.join(D, f), encoding="utf-8").read()
        extra = []
        for t, c in user_chains(text)[:6]:
            extra += [["-t", t, "-S", c], ["-t", t, "-L", c, "-n", "--line-numbers"], ["-t", t, "-L", c, "-n", "-v", "-x"]]
        extra += [["-S", "INPUT"], ["-L", "INPUT", "-n", "--line-numbers"]]
        out.append({"name": name, "input": text, "flags": [], "tables": tables_of(text), "extra": extra,
                    "after": [sp(a) for a in AFTER.get(name, [])], "ipsets": IPSETS.get(name, [])})
    return out


def groups():
    # each -A line of the .groups file, one rule at a time, grouped by table and chain
    G, table, by = [], None, {}
    for l in open(os.path.join(D, "t9-unusual-options.groups"), encoding="utf-8"):
        l = l.strip()
        if l.startswith("*"):
            table = l[1:]
        elif l.startswith("-A "):
            w = sp(l)
            by.setdefault((table, w[1]), []).append(w[2:])
    for (t, ch), rules in by.items():
        if ch == "probe":
            continue
        for i in range(0, len(rules), 20):
            part = [[r[0] if r != ["-j", "probe"] else r] and [x if x != "probe" else "RETURN" for x in r] for r in rules[i:i + 20]]
            G.append({"name": "t9-%s-%s-%d" % (t, ch.lower(), i // 20 + 1), "table": t, "chain": ch, "setup": [],
                      "ipsets": [["create", "blk", "hash:ip,port", "counters"]], "rules": part})
    return G


SQ = []
def sq(name, steps):
    SQ.append({"name": name, "steps": steps})

W = ["--wait"]
# dockerd 20.10-27 at start and when a container with -p 8080:80 starts and stops
sq("t9-dockerd", [
    ipt(*W, "-t", "nat", "-S", "POSTROUTING"), ipt(*W, "-t", "nat", "-n", "-L", "DOCKER"),
    ipt(*W, "-t", "nat", "-N", "DOCKER"), ipt(*W, "-t", "filter", "-n", "-L", "DOCKER"), ipt(*W, "-t", "filter", "-N", "DOCKER"),
    ipt(*W, "-t", "filter", "-N", "DOCKER-ISOLATION-STAGE-1"), ipt(*W, "-t", "filter", "-N", "DOCKER-ISOLATION-STAGE-2"),
    ipt(*W, "-t", "filter", "-C", "DOCKER-ISOLATION-STAGE-1", "-j", "RETURN"),
    ipt(*W, "-A", "DOCKER-ISOLATION-STAGE-1", "-j", "RETURN"),
    ipt(*W, "-t", "filter", "-C", "DOCKER-ISOLATION-STAGE-2", "-j", "RETURN"),
    ipt(*W, "-A", "DOCKER-ISOLATION-STAGE-2", "-j", "RETURN"),
    ipt(*W, "-t", "nat", "-C", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"),
    ipt(*W, "-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"),
    ipt(*W, "-t", "nat", "-C", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER", "!", "--dst", "127.0.0.0/8"),
    ipt(*W, "-t", "nat", "-A", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER", "!", "--dst", "127.0.0.0/8"),
    ipt(*W, "-t", "nat", "-C", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"),
    ipt(*W, "-t", "nat", "-I", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"),
    ipt(*W, "-t", "nat", "-C", "DOCKER", "-i", "docker0", "-j", "RETURN"),
    ipt(*W, "-t", "nat", "-I", "DOCKER", "-i", "docker0", "-j", "RETURN"),
    ipt(*W, "-D", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "DROP"),
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "ACCEPT"),
    ipt(*W, "-I", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "ACCEPT"),
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-i", "docker0", "!", "-o", "docker0", "-j", "ACCEPT"),
    ipt(*W, "-I", "FORWARD", "-i", "docker0", "!", "-o", "docker0", "-j", "ACCEPT"),
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-o", "docker0", "-j", "DOCKER"),
    ipt(*W, "-I", "FORWARD", "-o", "docker0", "-j", "DOCKER"),
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-o", "docker0", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"),
    ipt(*W, "-I", "FORWARD", "-o", "docker0", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"),
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-j", "DOCKER-ISOLATION-STAGE-1"),
    ipt(*W, "-I", "FORWARD", "-j", "DOCKER-ISOLATION-STAGE-1"),
    ipt(*W, "-t", "filter", "-C", "DOCKER-ISOLATION-STAGE-1", "-i", "docker0", "!", "-o", "docker0", "-j", "DOCKER-ISOLATION-STAGE-2"),
    ipt(*W, "-t", "filter", "-I", "DOCKER-ISOLATION-STAGE-1", "-i", "docker0", "!", "-o", "docker0", "-j", "DOCKER-ISOLATION-STAGE-2"),
    ipt(*W, "-t", "filter", "-C", "DOCKER-ISOLATION-STAGE-2", "-o", "docker0", "-j", "DROP"),
    ipt(*W, "-t", "filter", "-I", "DOCKER-ISOLATION-STAGE-2", "-o", "docker0", "-j", "DROP"),
    ipt(*W, "-N", "DOCKER-USER"), ipt(*W, "-t", "filter", "-C", "DOCKER-USER", "-j", "RETURN"),
    ipt(*W, "-A", "DOCKER-USER", "-j", "RETURN"), ipt(*W, "-D", "FORWARD", "-j", "DOCKER-USER"),
    ipt(*W, "-I", "FORWARD", "-j", "DOCKER-USER"),
    # a container publishing 8080 -> 80, with the old -d 0/0 spelling and the hairpin MASQUERADE
    ipt(*W, "-t", "nat", "-C", "DOCKER", "-p", "tcp", "-d", "0/0", "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80", "!", "-i", "docker0"),
    ipt(*W, "-t", "nat", "-A", "DOCKER", "-p", "tcp", "-d", "0/0", "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80", "!", "-i", "docker0"),
    ipt(*W, "-t", "filter", "-C", "DOCKER", "!", "-i", "docker0", "-o", "docker0", "-p", "tcp", "-d", "172.17.0.2", "--dport", "80", "-j", "ACCEPT"),
    ipt(*W, "-t", "filter", "-A", "DOCKER", "!", "-i", "docker0", "-o", "docker0", "-p", "tcp", "-d", "172.17.0.2", "--dport", "80", "-j", "ACCEPT"),
    ipt(*W, "-t", "nat", "-C", "POSTROUTING", "-p", "tcp", "-s", "172.17.0.2", "-d", "172.17.0.2", "--dport", "80", "-j", "MASQUERADE"),
    ipt(*W, "-t", "nat", "-A", "POSTROUTING", "-p", "tcp", "-s", "172.17.0.2", "-d", "172.17.0.2", "--dport", "80", "-j", "MASQUERADE"),
    ipt(*W, "-t", "nat", "-A", "DOCKER", "-p", "tcp", "-d", "127.0.0.1", "--dport", "5432", "-j", "DNAT", "--to-destination", "172.17.0.3:5432", "!", "-i", "docker0"),
    ["iptables-save"], ipt("-L", "-n", "-v"), ipt("-t", "nat", "-L", "-n", "-v", "--line-numbers"), ipt("-t", "nat", "-L"),
    # the container stops
    ipt(*W, "-t", "nat", "-D", "DOCKER", "-p", "tcp", "-d", "0/0", "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80", "!", "-i", "docker0"),
    ipt(*W, "-t", "filter", "-D", "DOCKER", "!", "-i", "docker0", "-o", "docker0", "-p", "tcp", "-d", "172.17.0.2", "--dport", "80", "-j", "ACCEPT"),
    ipt(*W, "-t", "nat", "-D", "POSTROUTING", "-p", "tcp", "-s", "172.17.0.2", "-d", "172.17.0.2", "--dport", "80", "-j", "MASQUERADE"),
    ipt(*W, "-t", "nat", "-D", "POSTROUTING", "-p", "tcp", "-s", "172.17.0.2", "-d", "172.17.0.2", "--dport", "80", "-j", "MASQUERADE"),
    # --icc=false rewrites the bridge rule; docker network prune removes a user network's chains
    ipt(*W, "-t", "filter", "-C", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "DROP"),
    ipt(*W, "-t", "filter", "-D", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "ACCEPT"),
    ipt(*W, "-A", "FORWARD", "-i", "docker0", "-o", "docker0", "-j", "DROP"),
    ipt(*W, "-t", "nat", "-F", "DOCKER"), ipt(*W, "-t", "nat", "-X", "DOCKER"),
    ipt(*W, "-t", "filter", "-F", "DOCKER-ISOLATION-STAGE-1"), ipt(*W, "-t", "filter", "-X", "DOCKER-ISOLATION-STAGE-1"),
    ["iptables-save", "-c"], ipt("-S"), ipt("-t", "nat", "-S"),
])

# fail2ban 0.11/1.0: iptables-multiport, iptables-allports and iptables-ipset-proto6 actions
F2B = ["-w"]
sq("t9-fail2ban", [
    ipt(*F2B, "-N", "f2b-sshd"), ipt(*F2B, "-A", "f2b-sshd", "-j", "RETURN"),
    ipt(*F2B, "-I", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "ssh", "-j", "f2b-sshd"),
    ipt(*F2B, "-n", "-L", "INPUT"), ipt(*F2B, "-C", "f2b-sshd", "-s", "198.51.100.7", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "198.51.100.7", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "203.0.113.0/24", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "2001:db8::1", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "300.1.2.3", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "198.51.100.8", "-j", "REJECT", "--reject-with", "icmp6-port-unreachable"),
    ipt(*F2B, "-I", "f2b-sshd", "1", "-s", "198.51.100.9", "-j", "DROP"),
    ipt(*F2B, "-C", "f2b-sshd", "-s", "198.51.100.7", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-C", "f2b-sshd", "-s", "198.51.100.7/32", "-j", "REJECT"),
    ipt(*F2B, "-n", "-L", "f2b-sshd", "--line-numbers"), ipt("-L", "f2b-sshd"),
    ipt(*F2B, "-D", "f2b-sshd", "-s", "198.51.100.7", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-D", "f2b-sshd", "-s", "198.51.100.7", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-N", "f2b-recidive"), ipt(*F2B, "-A", "f2b-recidive", "-j", "RETURN"),
    ipt(*F2B, "-I", "INPUT", "-p", "all", "-j", "f2b-recidive"),
    ipt(*F2B, "-I", "f2b-recidive", "1", "-s", "192.0.2.66", "-j", "DROP"),
    ["ipset", "create", "f2b-nginx", "hash:ip", "timeout", "600"],
    ipt(*F2B, "-I", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "http,https", "-m", "set", "--match-set", "f2b-nginx", "src", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ipt(*F2B, "-I", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "0:65535", "-m", "set", "--match-set", "f2b-nope", "src", "-j", "DROP"),
    ipt(*F2B, "-S"), ipt("-L", "INPUT", "-n", "-v"), ipt("-L", "INPUT"),
    # actionstop, in fail2ban's order; the last -X fails while INPUT still jumps there
    ipt(*F2B, "-D", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "ssh", "-j", "f2b-sshd"),
    ipt(*F2B, "-F", "f2b-sshd"), ipt(*F2B, "-X", "f2b-sshd"),
    ipt(*F2B, "-F", "f2b-recidive"), ipt(*F2B, "-X", "f2b-recidive"),
    ipt(*F2B, "-D", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "http,https", "-m", "set", "--match-set", "f2b-nginx", "src", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
    ["iptables-save"],
])

KP1 = open(os.path.join(D, "t9-kube-proxy-services.rules"), encoding="utf-8").read()
KP_PARTIAL = """*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-SVC-NEWSERVICE00001 - [0:0]
:KUBE-SEP-NEWENDPOINT0001 - [0:0]
-A KUBE-SERVICES -d 10.96.9.9/32 -p tcp -m comment --comment "web/new:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-NEWSERVICE00001
-A KUBE-SVC-NEWSERVICE00001 ! -s 10.244.0.0/16 -d 10.96.9.9/32 -p tcp -m comment --comment "web/new:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-NEWSERVICE00001 -m comment --comment "web/new:http -> 10.244.9.9:80" -j KUBE-SEP-NEWENDPOINT0001
-A KUBE-SEP-NEWENDPOINT0001 -s 10.244.9.9/32 -m comment --comment "web/new:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-NEWENDPOINT0001 -p tcp -m comment --comment "web/new:http" -m tcp -j DNAT --to-destination 10.244.9.9:80
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
%s
COMMIT
"""
stale = sorted({l.split()[0][1:] for l in KP1.split("\n") if l.startswith(":KUBE-SVC-") or l.startswith(":KUBE-SEP-") or l.startswith(":KUBE-EXT-")})
# the second sync removes every service chain (-X lines); one chain is still referenced from a
# chain this file does not flush (KUBE-NODEPORTS is declared: flushed), which the kernel refuses
KP2 = KP_PARTIAL % "\n".join("-X " + c for c in stale)
KP3 = KP_PARTIAL.replace(":KUBE-NODEPORTS - [0:0]\n", "") % "\n".join("-X " + c for c in stale)
KPW = ["-w", "5", "-W", "100000"]
sq("t9-kube-proxy-sync", [
    ipt(*KPW, "-N", "KUBE-EXTERNAL-SERVICES", "-t", "filter"), ipt(*KPW, "-N", "KUBE-NODEPORTS", "-t", "filter"),
    ipt(*KPW, "-N", "KUBE-SERVICES", "-t", "filter"), ipt(*KPW, "-N", "KUBE-SERVICES", "-t", "nat"),
    ipt(*KPW, "-N", "KUBE-POSTROUTING", "-t", "nat"), ipt(*KPW, "-N", "KUBE-FORWARD", "-t", "filter"),
    ipt(*KPW, "-N", "KUBE-PROXY-FIREWALL", "-t", "filter"), ipt(*KPW, "-N", "KUBE-PROXY-CANARY", "-t", "mangle"),
    ipt(*KPW, "-N", "KUBE-PROXY-CANARY", "-t", "nat"), ipt(*KPW, "-N", "KUBE-PROXY-CANARY", "-t", "filter"),
    ipt(*KPW, "-C", "INPUT", "-t", "filter", "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", "KUBE-EXTERNAL-SERVICES"),
    ipt(*KPW, "-I", "INPUT", "-t", "filter", "-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", "KUBE-EXTERNAL-SERVICES"),
    ipt(*KPW, "-C", "FORWARD", "-t", "filter", "-m", "comment", "--comment", "kubernetes forwarding rules", "-j", "KUBE-FORWARD"),
    ipt(*KPW, "-I", "FORWARD", "-t", "filter", "-m", "comment", "--comment", "kubernetes forwarding rules", "-j", "KUBE-FORWARD"),
    ipt(*KPW, "-C", "PREROUTING", "-t", "nat", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"),
    ipt(*KPW, "-I", "PREROUTING", "-t", "nat", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"),
    ipt(*KPW, "-C", "POSTROUTING", "-t", "nat", "-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"),
    ipt(*KPW, "-I", "POSTROUTING", "-t", "nat", "-m", "comment", "--comment", "kubernetes postrouting rules", "-j", "KUBE-POSTROUTING"),
    ["iptables-save", "-t", "filter"], ["iptables-save", "-t", "nat"],
    {"argv": ["iptables-restore", "-w", "5", "-W", "100000", "--noflush", "--counters"], "stdin": KP1},
    ipt(*KPW, "-L", "KUBE-PROXY-CANARY", "-t", "mangle"), ipt("-t", "nat", "-L", "KUBE-SERVICES", "-n", "-v", "--line-numbers"),
    {"argv": ["iptables-restore", "-w", "5", "-W", "100000", "--noflush", "--counters"], "stdin": KP3},
    ["iptables-save", "-t", "nat"],
    {"argv": ["iptables-restore", "-w", "5", "-W", "100000", "--noflush", "--counters"], "stdin": KP2},
    ["iptables-save", "-t", "nat"], ["iptables-save", "-t", "filter"],
    {"argv": ["iptables-restore", "--noflush", "--test"], "stdin": KP1},
    {"argv": ["iptables-restore", "--noflush", "--test", "--verbose"], "stdin": "*nat\n:KUBE-SVC-X - [0:0]\n-A KUBE-SVC-X -j KUBE-SEP-NONE\nCOMMIT\n"},
    ["iptables-save", "-c", "-t", "nat"],
])

# ufw enable / reload / status as it runs them: restore -n of its files, chain checks
UFW = open(os.path.join(D, "t9-ufw.rules"), encoding="utf-8").read()
UFW_USER = """*filter
:ufw-user-input - [0:0]
:ufw-user-output - [0:0]
:ufw-user-forward - [0:0]
:ufw-before-logging-input - [0:0]
:ufw-before-logging-output - [0:0]
:ufw-before-logging-forward - [0:0]
:ufw-user-logging-input - [0:0]
:ufw-user-logging-output - [0:0]
:ufw-user-logging-forward - [0:0]
:ufw-after-logging-input - [0:0]
:ufw-after-logging-output - [0:0]
:ufw-after-logging-forward - [0:0]
:ufw-logging-deny - [0:0]
:ufw-logging-allow - [0:0]
:ufw-user-limit - [0:0]
:ufw-user-limit-accept - [0:0]
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in
-A ufw-user-input -p tcp -m multiport --dports 80,443 -m comment --comment 'dapp_Nginx%20Full' -j ACCEPT

### tuple ### deny any any 0.0.0.0/0 any 203.0.113.0/24 in
-A ufw-user-input -s 203.0.113.0/24 -j DROP

### tuple ### limit tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 2222 -m conntrack --ctstate NEW -m recent --set
-A ufw-user-input -p tcp --dport 2222 -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 -j ufw-user-limit
-A ufw-user-input -p tcp --dport 2222 -j ufw-user-limit-accept

### END RULES ###

### LOGGING ###
-A ufw-after-logging-input -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-A ufw-after-logging-forward -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-I ufw-logging-deny -m conntrack --ctstate INVALID -j RETURN -m limit --limit 3/min --limit-burst 10
-A ufw-logging-deny -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-A ufw-logging-allow -j LOG --log-prefix "[UFW ALLOW] " -m limit --limit 3/min --limit-burst 10
### END LOGGING ###

### RATE LIMITING ###
-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "
-A ufw-user-limit -j REJECT
-A ufw-user-limit-accept -j ACCEPT
### END RATE LIMITING ###
COMMIT
"""
sq("t9-ufw-reload", [
    {"argv": ["iptables-restore"], "stdin": UFW},
    ipt("-L", "ufw-user-input", "-n"), ipt("-F", "ufw-user-input"), ipt("-Z", "ufw-user-input"),
    {"argv": ["iptables-restore", "-n"], "stdin": UFW_USER},
    ipt("-S", "ufw-user-input"), ipt("-S", "ufw-logging-deny"), ipt("-L", "ufw-user-limit", "-n", "-v"),
    {"argv": ["iptables-restore", "-n"], "stdin": UFW_USER},
    ipt("-L", "ufw-user-input", "-n"), ipt("-L", "-n", "-v", "ufw-after-logging-input"),
    # ufw disable: built-ins flushed, chains deleted, policies back to ACCEPT
    ipt("-F"), ipt("-X"), ipt("-P", "INPUT", "ACCEPT"), ipt("-P", "FORWARD", "ACCEPT"), ["iptables-save"],
])

# restore files with real-world mistakes
GOOD = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:web - [0:0]\n-A INPUT -j web\n-A web -p tcp -m tcp --dport 80 -j ACCEPT\nCOMMIT\n"
def rs(stdin, *flags):
    return {"argv": ["iptables-restore"] + list(flags), "stdin": stdin}
sq("t9-restore-errors", [
    rs(GOOD), rs(GOOD.replace("--dport 80", "--dport 80,443")), ["iptables-save"],
    rs(GOOD.replace("-A INPUT -j web\n", "-A INPUT -j web\n-X web\n")),
    rs(GOOD + "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080 --random\n-A PREROUTING -j DNAT\nCOMMIT\n"),
    rs(GOOD.replace(":web - [0:0]\n", "")), rs(GOOD.replace(":INPUT ACCEPT", ":INPUT MASQUERADE")),
    rs(GOOD.replace("COMMIT", "COMMIT\n*filter\n-D INPUT -j nosuch\nCOMMIT")),
    rs("*filter\n-D INPUT -s 192.0.2.1 -j DROP\nCOMMIT\n", "-n"), rs("*filter\n-D INPUT 3\nCOMMIT\n", "-n"),
    rs("*filter\n-I INPUT 5 -j DROP\nCOMMIT\n", "-n"), rs("*filter\n-R INPUT 1 -j DROP\nCOMMIT\n", "-n"),
    rs("*filter\n-R web 1 -j LOG --log-prefix \"r \"\n-Z web\nCOMMIT\n", "-n"), ["iptables-save", "-c"],
    rs("*filter\n-P INPUT DROP\n-F\n-Z\nCOMMIT\n", "-n"), ["iptables-save"],
    rs("*filter\n-N new1\n-N new1\nCOMMIT\n", "-n"), rs("*filter\n-A INPUT -j ACCEPT\nCOMMIT\n", "--test"),
    rs("*filter\n-A INPUT -j NOPE\nCOMMIT\n", "--test"), rs("*filter\n-A INPUT -j NOPE\nCOMMIT\n", "-t", "-v"),
    rs(GOOD, "--verbose"), rs(GOOD, "-v", "--noflush"), rs(GOOD, "-T", "filter"), rs(GOOD, "-T", "nat"),
    rs(GOOD + "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n", "--table=nat"), ["iptables-save"],
    rs("*filter\n:INPUT ACCEPT [5:300]\n[1:60] -A INPUT -j ACCEPT\n-A INPUT -c 7 420 -j DROP\nCOMMIT\n", "-c"), ["iptables-save", "-c"],
    rs("*filter\n:INPUT ACCEPT [5:300]\n[1:60] -A INPUT -j ACCEPT\nCOMMIT\n"), ["iptables-save", "-c"],
    rs("*filter\n[1:60]-A INPUT -j ACCEPT\nCOMMIT\n", "-c"), rs("*filter\n[1:] -A INPUT -j ACCEPT\nCOMMIT\n", "-c"),
    rs("*filter\n[:1] -A INPUT -j ACCEPT\nCOMMIT\n", "-c"), rs("*filter\n[-1:5] -A INPUT -j ACCEPT\nCOMMIT\n", "-c"),
    rs("*filter\n[18446744073709551615:18446744073709551616] -A INPUT -j ACCEPT\nCOMMIT\n", "-c"),
    rs("*filter\n:INPUT ACCEPT [18446744073709551615:1]\nCOMMIT\n", "-c"), ["iptables-save", "-c"],
    rs("*filter\n:INPUT ACCEPT\nCOMMIT\n"), rs("*filter\n:INPUT\nCOMMIT\n"), rs("*filter\n:INPUT ACCEPT [0:0] extra\nCOMMIT\n"),
    rs("*filter\n: - [0:0]\nCOMMIT\n"), rs("*filter\n:a b - [0:0]\nCOMMIT\n"),
    rs("*filter\n-A INPUT -m comment --comment \"unterminated\nCOMMIT\n"),
    rs("*filter\n-A INPUT -m comment --comment \"a\"\"b\" -j ACCEPT\nCOMMIT\n"), rs("*filter\n-A INPUT -m comment --comment \"\" -j ACCEPT\nCOMMIT\n"),
    rs("*filter\n-A INPUT -m comment --comment x\"y z\" -j ACCEPT\nCOMMIT\n"), ["iptables-save"],
    rs("*filter\n-A INPUT -j ACCEPT\nCOMMIT\n*filter\n-A INPUT -j DROP\nCOMMIT\n", "-n"), ["iptables-save"],
    rs("*filter\n-A INPUT -j ACCEPT\n*nat\nCOMMIT\n"), rs("COMMIT\n"), rs("*filter\nCOMMIT\nCOMMIT\n"), rs(""), rs("\n\n# only comments\n"),
    rs("*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 99999 -j ACCEPT\n-A INPUT -s 10.0.0.300 -j DROP\nCOMMIT\n"),
    rs("*mangle\n-A PREROUTING -j TPROXY --on-port 1\nCOMMIT\n"), rs("*raw\n-A PREROUTING -j CT --helper nosuch\nCOMMIT\n"),
    rs("*nat\n-A INPUT -j DNAT --to-destination 10.0.0.1\nCOMMIT\n"),
    ["iptables-save"],
])

# command lines people get wrong (each error's text and status)
BAD = [
    "-A INPUT -p tcp --dport 22 -j ACCEPT -j DROP", "-A INPUT -p tcp -p udp", "-A INPUT -s 10.0.0.1 -s 10.0.0.2",
    "-A INPUT -p tcp --dport 22 --dport 23", "-A INPUT -m tcp --dport 22", "-A INPUT -p tcp -m udp --dport 53",
    "-A INPUT -p tcp --sport 1:2:3", "-A INPUT -p tcp --dport :", "-A INPUT -p tcp --dport 22:", "-A INPUT -p tcp --dport -1",
    "-A INPUT -p tcp --dport nosuchservice", "-A INPUT -p tcp --tcp-flags SYN", "-A INPUT -p tcp --tcp-flags FOO SYN",
    "-A INPUT -p tcp ! --syn ! --syn", "-A INPUT ! ! -s 10.0.0.1", "-A INPUT -s ! 10.0.0.1", "-A INPUT -p ! tcp",
    "-A INPUT -i eth0+x -j ACCEPT", "-A INPUT -i abcdefghijklmnop", "-A INPUT -i abcdefghijklmno -j ACCEPT",
    "-A INPUT -o eth0", "-A OUTPUT -i eth0", "-t nat -A POSTROUTING -i eth0 -j MASQUERADE",
    "-t nat -A PREROUTING -o eth0 -j DNAT --to-destination 10.0.0.1",
    "-A INPUT -m state --state NEW,FOO", "-A INPUT -m conntrack --ctstate NEW, -j ACCEPT", "-A INPUT -m conntrack --ctstatus FOO",
    "-A INPUT -m conntrack --ctdir SIDEWAYS", "-A INPUT -m limit --limit 1/s --limit-burst 0", "-A INPUT -m limit --limit-burst 1000001",
    "-A INPUT -m limit --limit 100000/s", "-A INPUT -m limit --limit abc", "-A INPUT -m limit --limit 5/fortnight",
    "-A INPUT -m multiport --dports 22", "-A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
    "-A INPUT -p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15",
    "-A INPUT -p tcp -m multiport --dports 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16",
    "-A INPUT -p tcp -m multiport --dports 80 --sports 80", "-A INPUT -p tcp -m multiport --dports 5:1",
    "-A INPUT -m comment --comment " + "x" * 256, "-A INPUT -m comment --comment " + "x" * 255 + " -j ACCEPT",
    "-A INPUT -j LOG --log-prefix " + "p" * 30, "-A INPUT -j LOG --log-prefix " + "p" * 29,
    "-A INPUT -j LOG --log-level 8", "-A INPUT -j LOG --log-level debugx", "-A INPUT -j LOG --log-tcp-sequence --log-tcp-sequence",
    "-A INPUT -j NFLOG --nflog-group 65536", "-A INPUT -j NFLOG --nflog-prefix " + "n" * 64, "-A INPUT -j NFLOG --nflog-range 1 --nflog-size 2",
    "-A INPUT -m recent --seconds 10", "-A INPUT -m recent --rcheck --hitcount 0 --name x",
    "-A INPUT -m recent --rcheck --hitcount 256 --name x", "-A INPUT -m recent --set --name " + "r" * 201,
    "-A INPUT -m recent --set --reap", "-A INPUT -m recent --rcheck --seconds 5 --reap --name y",
    "-A INPUT -m hashlimit --hashlimit-above 1/s", "-A INPUT -m hashlimit --hashlimit-name x",
    "-A INPUT -m hashlimit --hashlimit-upto 1/s --hashlimit-name " + "h" * 255,
    "-A INPUT -m hashlimit --hashlimit-upto 1/s --hashlimit-mode foo --hashlimit-name x",
    "-A INPUT -m hashlimit --hashlimit-upto 1/s --hashlimit-srcmask 33 --hashlimit-name x",
    "-A INPUT -m hashlimit --hashlimit-upto 1/s --hashlimit-name x --hashlimit-htable-expire 0",
    "-A INPUT -m connlimit", "-A INPUT -m connlimit --connlimit-above 1 --connlimit-upto 2",
    "-A INPUT -m connlimit --connlimit-above 1 --connlimit-saddr --connlimit-daddr",
    "-A INPUT -m iprange --src-range 10.0.0.5-10.0.0.1", "-A INPUT -m iprange --dst-range 10.0.0.1-",
    "-A INPUT -m statistic --mode random --probability 1.5", "-A INPUT -m statistic --mode nth --every 0",
    "-A INPUT -m statistic --mode nth --every 2 --packet 2", "-A INPUT -m statistic --mode foo",
    "-A INPUT -m time --timestart 8", "-A INPUT -m time --weekdays Mon,Mon", "-A INPUT -m time --datestart 2038-01-20",
    "-A INPUT -m addrtype", "-A INPUT -m addrtype --src-type LOCAL --limit-iface-in --limit-iface-out",
    "-A INPUT -m length --length 70000", "-A INPUT -m ttl --ttl-lt 0", "-A INPUT -m ttl --ttl-gt 255 --ttl-lt 1",
    "-A INPUT -m dscp --dscp 64", "-A INPUT -m dscp --dscp-class XX", "-A INPUT -m tos --tos Foo",
    "-A INPUT -m ecn --ecn-ip-ect 4", "-A INPUT -m owner --uid-owner 0", "-A INPUT -m u32 --u32 \"0>>22&0x3C@\"",
    "-A INPUT -m u32 --u32 0=1&&1=2&&3=4&&5=6&&7=8&&9=10&&11=12&&13=14&&15=16&&17=18&&19=20",
    "-A INPUT -m string --string x --algo bm --from 10 --to 5", "-A INPUT -m string --string " + "s" * 129 + " --algo bm",
    "-A INPUT -m set --match-set nosuchset src", "-A INPUT -m set --match-set x src,dst,src,dst,src,dst,src",
    "-A INPUT -j REJECT --reject-with tcp-reset", "-A INPUT -p udp -j REJECT --reject-with tcp-reset",
    "-A INPUT -j REJECT --reject-with icmp6-adm-prohibited",
    "-A INPUT -j TCPMSS --set-mss 1400", "-t mangle -A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu",
    "-t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS",
    "-t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400 --clamp-mss-to-pmtu",
    "-t mangle -A OUTPUT -p tcp -j TPROXY --on-port 80", "-t mangle -A PREROUTING -j TPROXY --on-port 80",
    "-t mangle -A PREROUTING -p tcp -j TPROXY", "-t mangle -A POSTROUTING -j CLASSIFY --set-class 1",
    "-t mangle -A FORWARD -j CLASSIFY --set-class 1:2", "-t mangle -A INPUT -j TTL --ttl-set 256",
    "-t mangle -A INPUT -j TTL --ttl-dec 0", "-t mangle -A INPUT -j DSCP --set-dscp 64", "-t mangle -A INPUT -j TOS --set-tos 0x100",
    "-t raw -A PREROUTING -j CT --zone 65536",
    "-t raw -A PREROUTING -j CT --ctevents foo", "-t raw -A PREROUTING -j CT --notrack --helper ftp -p tcp",
    "-t raw -A PREROUTING -j CT --zone-orig x", "-t raw -A PREROUTING -j NOTRACK --notrack",
    "-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80-70", "-t nat -A PREROUTING -j DNAT --to-destination 10.0.0.1:80",
    "-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.5-10.0.0.1", "-t nat -A PREROUTING -p tcp -j DNAT --to-destination :80",
    "-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80 --to-destination 10.0.0.2:80",
    "-t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-65536", "-t nat -A POSTROUTING -j MASQUERADE --to-ports 1024",
    "-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4 --random --random-fully --persistent",
    "-t nat -A OUTPUT -p tcp -j REDIRECT --to-ports 0", "-t nat -A PREROUTING -p udp -j REDIRECT --to-ports 53-",
    "-t nat -A PREROUTING -j NETMAP", "-t nat -A POSTROUTING -j NETMAP --to 10.0.0.0/8 --to 10.0.0.0/16",
    "-t nat -A INPUT -j MASQUERADE", "-t filter -A INPUT -j SNAT --to-source 1.2.3.4",
    "-A", "-I", "-D INPUT", "-R INPUT", "-R INPUT -j ACCEPT", "-I INPUT x -j ACCEPT", "-A INPUT -j ACCEPT extra",
    "-A INPUT extra -j ACCEPT", "-L -A INPUT", "-A INPUT -L", "-F -X", "-N", "-N a b", "-X a b", "-E", "-E a", "-P INPUT",
    "-Z INPUT 1 2", "-S INPUT 1 2", "-L INPUT 1 2", "-C INPUT", "-C INPUT 1 -j ACCEPT",
    "--append INPUT --jump ACCEPT --protocol tcp --destination-port 22", "--insert INPUT 1 --source 192.0.2.1 --jump DROP",
    "--delete INPUT --source 192.0.2.1 --jump DROP", "--list-rules INPUT", "--list INPUT --numeric --verbose --exact --line-numbers",
    "-A INPUT --protocol=tcp --dport=22 -j ACCEPT", "-A INPUT -p tcp --dpor 22 -j ACCEPT", "-A INPUT -p tcp --d 22 -j ACCEPT",
    "-A INPUT -p tcp --destination-p 22 -j ACCEPT", "-A INPUT -m tcp -p tcp --dport 22", "-A INPUT -jACCEPT", "-A INPUT -j",
    "-A INPUT -g", "-A INPUT -g INPUT", "-A INPUT -j INPUT", "-t nat -A PREROUTING -j ACCEPT --to-destination 1.2.3.4",
    "-A INPUT -4 -j ACCEPT", "-A INPUT -6 -j ACCEPT", "-A INPUT --ipv4 -s 10.0.0.1 -j DROP", "-S", "-L -n --line-numbers",
]
sq("t9-bad-cmdlines", [ipt(*sp(c)) if '"' in c else ipt(*c.split()) for c in BAD] + [["iptables-save"]])

# listings with large counters, many rules and names resolved (no -n)
BIG = "*filter\n:INPUT DROP [123456789012:98765432109876]\n:FORWARD ACCEPT [999:99999]\n:OUTPUT ACCEPT [1000:1024000]\n:logdrop - [0:0]\n"
for i in range(1, 121):
    BIG += "[%d:%d] -A INPUT -s 198.51.100.%d/32 -p tcp -m tcp --dport %d -j %s\n" % (i ** 5, i ** 7 * 60, i, [22, 80, 443, 25, 53, 3306][i % 6], ["ACCEPT", "DROP", "logdrop", "RETURN"][i % 4])
BIG += "[99999:9999999] -A logdrop -j LOG --log-prefix \"drop \"\n[100000:10000000] -A logdrop -j DROP\n"
BIG += "[999999999:999999999999] -A OUTPUT -o veryveryverylon -j ACCEPT\n[1:1] -A OUTPUT -o a -d 224.0.0.0/4 -p udp -m udp --sport 5353 -j ACCEPT\nCOMMIT\n"
sq("t9-listing-counters", [
    rs(BIG, "-c"), ipt("-L", "-v"), ipt("-L", "-n", "-v"), ipt("-L", "-n", "-v", "-x"), ipt("-L", "-n", "--line-numbers"),
    ipt("-L", "INPUT", "100", "-v", "-n", "--line-numbers"), ipt("-L", "OUTPUT", "-v"), ipt("-S", "-v"), ipt("-S", "OUTPUT", "-v"),
    ipt("-L", "logdrop", "-v", "-x", "-n"), ipt("-Z", "INPUT", "120"), ipt("-L", "INPUT", "120", "-v", "-x", "-n"),
    ipt("-Z", "logdrop"), ipt("-L", "logdrop", "-v", "-n"), ipt("-L", "-Z", "OUTPUT", "-v", "-n", "-x"), ipt("-L", "OUTPUT", "-v", "-n", "-x"),
    ipt("-R", "INPUT", "1", "-c", "5", "6", "-j", "ACCEPT"), ipt("-I", "INPUT", "1", "--set-counters", "18446744073709551615", "1", "-j", "ACCEPT"),
    ipt("-A", "INPUT", "-c", "18446744073709551616", "1", "-j", "ACCEPT"), ipt("-A", "INPUT", "-c", "-1", "1", "-j", "ACCEPT"),
    ipt("-A", "INPUT", "-c", "0x10", "010", "-j", "ACCEPT"), ipt("-L", "INPUT", "1", "-v", "-x", "-n"), ipt("-S", "INPUT", "1", "-v"),
    ipt("-L", "INPUT", "122", "-v", "-x", "-n"), ipt("-S", "INPUT", "123", "-v"),
    ["iptables-save", "-c", "-t", "filter"],
])


print(json.dumps({"rulesets": rulesets(), "groups": groups(), "sequences": SQ}, indent=1, ensure_ascii=False))
