"""time-match: `-m time` against the wall clock of the recording (UTC): daytime windows around
the moment the script ran (matching, past, wrapping midnight), weekdays, monthdays, date ranges,
--contiguous and their negations, as counting rules in FORWARD. The rules are computed when the
script is loaded, so host/iptables-save.txt holds the concrete values."""
import datetime
from flows import UdpFlow

NOW = datetime.datetime.now(datetime.timezone.utc)


def hm(delta_min):
    t = NOW + datetime.timedelta(minutes=delta_min)
    return t.strftime("%H:%M:%S")


DAY = NOW.strftime("%a")[:2]
OTHER_DAY = (NOW + datetime.timedelta(days=3)).strftime("%a")[:2]
MDAY = NOW.day
TODAY = NOW.strftime("%Y-%m-%d")
TOMORROW = (NOW + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
YESTERDAY = (NOW - datetime.timedelta(days=1)).strftime("%Y-%m-%d")

LAN_IPS = ["10.0.0.2"]
WAN_IPS = ["198.51.100.10"]
RULES = [
    "--timestart %s --timestop %s" % (hm(-30), hm(30)),
    "--timestart %s --timestop %s" % (hm(-120), hm(-60)),
    "--timestart %s --timestop %s" % (hm(60), hm(-60)),
    "--timestart %s --timestop %s --contiguous" % (hm(60), hm(-60)),
    "--weekdays %s" % DAY,
    "--weekdays %s" % OTHER_DAY,
    "! --weekdays %s" % DAY,
    "--monthdays %d" % MDAY,
    "--monthdays %d" % (MDAY % 28 + 1),
    "! --monthdays %d" % MDAY,
    "--datestart %sT00:00:00 --datestop %sT00:00:00" % (YESTERDAY, TOMORROW),
    "--datestart %sT00:00:00" % TOMORROW,
    "--datestop %sT00:00:00" % YESTERDAY,
    "--timestart %s --timestop %s --weekdays %s --datestart %s" % (hm(-10), hm(10), DAY, TODAY),
    "--timestart %s --timestop %s --kerneltz" % (hm(-30), hm(30)),
]
SETUP = [
    "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
] + ["iptables -A FORWARD -p udp -m time " + r for r in RULES]


def steps(h):
    u = UdpFlow(h, "lan", "wan", "10.0.0.2", 5000, "198.51.100.10", 53)
    u.c(b"q1")
    u.s(b"r1")
    u.c(b"q2")
