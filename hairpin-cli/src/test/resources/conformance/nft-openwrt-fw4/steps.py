"""nft-openwrt-fw4: an OpenWrt router's firewall4 (fw4) table as it writes it for the default lan
and wan zones (eth0 lan, eth1 wan with MTU 1492 and mtu_fix): `!fw4:` comments on every rule,
`ct state vmap { established : accept, related : accept }`, `tcp flags syn / fin,syn,rst,ack jump
syn_flood` with `limit rate 25/second burst 50 packets return`, zone dispatch chains, the default
wan rules (Allow-DHCP-Renew, Allow-Ping, Allow-IGMP, IPv6-only ICMPv6 forwarding that IPv4 never
meets), `ct status dnat accept` for a port forward, `meta nfproto ipv4 oifname "eth1" ct state
invalid counter drop` (NAT leakage), `handle_reject` (`meta l4proto tcp reject with tcp reset`,
`reject`), `meta nfproto ipv4 masquerade`, and mtu_fix's `tcp flags syn tcp option maxseg size set
rt mtu` in both directions."""
from scapy.all import IP, TCP, UDP, ICMP, Raw
from flows import UdpFlow, Echo

NFT = True
LAN_IPS = ["10.0.0.2", "10.0.0.5"]
WAN_IPS = ["198.51.100.10", "198.51.100.7"]
RULES = r"""table inet fw4 {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname "lo" accept comment "!fw4: Accept traffic from loopback"
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle inbound flows"
		tcp flags syn / fin,syn,rst,ack jump syn_flood comment "!fw4: Rate limit TCP syn packets"
		iifname "eth0" jump input_lan comment "!fw4: Handle lan IPv4/IPv6 input traffic"
		iifname "eth1" jump input_wan comment "!fw4: Handle wan IPv4/IPv6 input traffic"
		jump handle_reject
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle forwarded flows"
		iifname "eth0" jump forward_lan comment "!fw4: Handle lan IPv4/IPv6 forward traffic"
		iifname "eth1" jump forward_wan comment "!fw4: Handle wan IPv4/IPv6 forward traffic"
		jump handle_reject
	}
	chain output {
		type filter hook output priority filter; policy accept;
		oifname "lo" accept comment "!fw4: Accept traffic towards loopback"
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle outbound flows"
		oifname "eth0" jump output_lan comment "!fw4: Handle lan IPv4/IPv6 output traffic"
		oifname "eth1" jump output_wan comment "!fw4: Handle wan IPv4/IPv6 output traffic"
	}
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		iifname "eth0" jump helper_lan comment "!fw4: lan IPv4/IPv6 CT helper assignment"
	}
	chain handle_reject {
		meta l4proto tcp reject with tcp reset comment "!fw4: Reject TCP traffic"
		reject comment "!fw4: Reject any other traffic"
	}
	chain syn_flood {
		limit rate 25/second burst 50 packets return comment "!fw4: Accept SYN packets below rate-limit"
		drop comment "!fw4: Drop excess packets"
	}
	chain input_lan {
		jump accept_from_lan
	}
	chain output_lan {
		jump accept_to_lan
	}
	chain forward_lan {
		jump accept_to_wan comment "!fw4: Accept lan to wan forwarding"
		jump accept_to_lan
	}
	chain helper_lan {
	}
	chain accept_from_lan {
		iifname "eth0" counter accept comment "!fw4: accept lan IPv4/IPv6 traffic"
	}
	chain accept_to_lan {
		oifname "eth0" counter accept comment "!fw4: accept lan IPv4/IPv6 traffic"
	}
	chain input_wan {
		meta nfproto ipv4 udp dport 68 counter accept comment "!fw4: Allow-DHCP-Renew"
		icmp type echo-request counter accept comment "!fw4: Allow-Ping"
		meta nfproto ipv4 meta l4proto igmp counter accept comment "!fw4: Allow-IGMP"
		ct status dnat accept comment "!fw4: Accept port redirections"
		jump reject_from_wan
	}
	chain output_wan {
		jump accept_to_wan
	}
	chain forward_wan {
		icmpv6 type { destination-unreachable, time-exceeded, echo-request, echo-reply } limit rate 1000/second counter accept comment "!fw4: Allow-ICMPv6-Forward"
		meta l4proto esp counter jump accept_to_lan comment "!fw4: Allow-IPSec-ESP"
		ct status dnat accept comment "!fw4: Accept port forwards"
		jump reject_to_wan
	}
	chain accept_to_wan {
		meta nfproto ipv4 oifname "eth1" ct state invalid counter drop comment "!fw4: Prevent NAT leakage"
		oifname "eth1" counter accept comment "!fw4: accept wan IPv4/IPv6 traffic"
	}
	chain reject_from_wan {
		iifname "eth1" counter jump handle_reject comment "!fw4: reject wan IPv4/IPv6 traffic"
	}
	chain reject_to_wan {
		oifname "eth1" counter jump handle_reject comment "!fw4: reject wan IPv4/IPv6 traffic"
	}
	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "eth1" jump dstnat_wan comment "!fw4: Handle wan IPv4/IPv6 dstnat traffic"
	}
	chain srcnat {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth1" jump srcnat_wan comment "!fw4: Handle wan IPv4/IPv6 srcnat traffic"
	}
	chain dstnat_wan {
		meta nfproto ipv4 tcp dport 8080 counter dnat ip to 10.0.0.5:80 comment "!fw4: web"
	}
	chain srcnat_wan {
		meta nfproto ipv4 masquerade comment "!fw4: Masquerade IPv4 wan traffic"
	}
	chain raw_prerouting {
		type filter hook prerouting priority raw; policy accept;
	}
	chain raw_output {
		type filter hook output priority raw; policy accept;
	}
	chain mangle_prerouting {
		type filter hook prerouting priority mangle; policy accept;
	}
	chain mangle_postrouting {
		type filter hook postrouting priority mangle; policy accept;
	}
	chain mangle_input {
		type filter hook input priority mangle; policy accept;
	}
	chain mangle_output {
		type route hook output priority mangle; policy accept;
	}
	chain mangle_forward {
		type filter hook forward priority mangle; policy accept;
		iifname "eth1" tcp flags syn tcp option maxseg size set rt mtu comment "!fw4: Zone wan IPv4/IPv6 ingress MTU fixing"
		oifname "eth1" tcp flags syn tcp option maxseg size set rt mtu comment "!fw4: Zone wan IPv4/IPv6 egress MTU fixing"
	}
}
"""
SETUP = [
    "ip link set eth1 mtu 1492",
    "nft -f - <<'EOF'\n" + RULES + "EOF",
]


def syn(src, sport, dst, dport, seq, mss, flags="S", ack=0):
    opts = [("MSS", mss), ("SAckOK", b""), ("WScale", 7)] if mss else [("SAckOK", b""), ("WScale", 7)]
    return IP(src=src, dst=dst, ttl=50) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240,
                                             options=opts)


def steps(h):
    # A) LAN SYN with MSS 1460 out through eth1 (MTU 1492): mtu_fix lowers it to 1452; masqueraded.
    #    The SYN-ACK with MSS 1460 in from eth1: min(eth0's 1500, the route back's 1492) - 40 = 1452
    h.send("lan", syn("10.0.0.2", 40000, "198.51.100.10", 443, 1000, 1460))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags == "S", what="SYN clamped to 1452")
    h.send("wan", syn("198.51.100.10", 443, "203.0.113.1", 40000, 5000, 1460, flags="SA", ack=1001))
    h.expect("lan", lambda q: TCP in q and q[TCP].flags == "SA", what="SYN-ACK clamped")
    # B) a LAN SYN without an MSS option: nft writes only an option that is there (TCPMSS would add one)
    h.send("lan", syn("10.0.0.2", 40001, "198.51.100.10", 443, 2000, 0))
    h.expect("wan", lambda q: TCP in q and q[TCP].sport != 443 and q[TCP].seq == 2000, what="SYN without MSS, untouched")
    # C) WAN -> the port forward gw:8080 -> 10.0.0.5:80, MSS 1400 below the PMTU: left as it is
    h.send("wan", syn("198.51.100.7", 51000, "203.0.113.1", 8080, 3000, 1400))
    h.expect("lan", lambda q: TCP in q and q[TCP].dport == 80, what="SYN DNATed")
    # D) WAN -> gw:22: reject_from_wan -> handle_reject: TCP reset
    h.send("wan", syn("198.51.100.7", 51001, "203.0.113.1", 22, 4000, 1460))
    h.expect("wan", lambda q: TCP in q and q[TCP].flags.R, what="RST for :22")
    # E) WAN ping to the router: Allow-Ping
    p = Echo(h, "wan", "lan", "198.51.100.7", "203.0.113.1", 5)
    p.request(1, expect=False)
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 0, what="echo reply")
    # F) WAN UDP to the router: reject (port unreachable)
    h.send("wan", IP(src="198.51.100.7", dst="203.0.113.1") / UDP(sport=7000, dport=5000) / Raw(b"x"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3 and q[ICMP].code == 3, what="port unreachable")
    # G) LAN DNS out and back (masqueraded)
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5353, "198.51.100.10", 53)
    u.c(b"query")
    u.s(b"answer")
    # H) WAN -> a LAN host directly: forward_wan rejects it (handle_reject: port unreachable)
    h.send("wan", IP(src="198.51.100.7", dst="10.0.0.5") / UDP(sport=7001, dport=5001) / Raw(b"y"))
    h.expect("wan", lambda q: ICMP in q and q[ICMP].type == 3, what="rejected forward")
    h.gw("conntrack -L")
