"""nft-limit-rate: nftables' own limit expression in a forward chain: echo requests from the LAN
pass at most 2 per second with a burst of 3 (`limit rate 2/second burst 3 packets`), the rest are
dropped; the bucket refills with time (nft_limit: nanosecond tokens, full at load)."""
import time
from flows import Echo
from scapy.all import ICMP

NFT = True
LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.7"]
SETUP = [
    "nft add table inet fw",
    "nft 'add chain inet fw forward { type filter hook forward priority filter; policy accept; }'",
    "nft add rule inet fw forward icmp type echo-request limit rate 2/second burst 3 packets counter accept",
    "nft add rule inet fw forward icmp type echo-request counter drop",
    "nft add table ip natfw",
    "nft 'add chain ip natfw post { type nat hook postrouting priority srcnat; policy accept; }'",
    "nft add rule ip natfw post oifname eth1 masquerade",
]


def steps(h):
    p = Echo(h, "lan", "wan", "10.0.0.2", "198.51.100.7", 91)
    # a burst of six: the bucket holds three
    for seq in range(1, 7):
        got = p.request(seq, expect=False)
        r = h.expect("wan", lambda q, s=seq: ICMP in q and q[ICMP].type == 8 and q[ICMP].seq == s,
                     what="echo request %d" % seq, timeout=0.3, missing_ok=True)
    # after 1.2 s two tokens more
    time.sleep(1.2)
    for seq in range(7, 11):
        p.request(seq, expect=False)
        h.expect("wan", lambda q, s=seq: ICMP in q and q[ICMP].type == 8 and q[ICMP].seq == s,
                 what="echo request %d" % seq, timeout=0.3, missing_ok=True)
