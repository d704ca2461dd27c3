package dev.hairpin.tools;

import java.util.List;
import java.util.Map;

/**
 * conntrack-tools' protocol extensions (extensions/libct_proto_*.c): the options a {@code -p}
 * adds, the commands they are legal with, and each one's final check. tcp, udp (and udplite,
 * sctp, dccp with the same port options) and icmp carry options; others only set the protocol.
 */
enum CtProto {
    TCP("tcp", 6, true, true),
    UDP("udp", 17, true, false),
    UDPLITE("udplite", 136, true, false),
    SCTP("sctp", 132, true, true),
    DCCP("dccp", 33, true, true),
    ICMP("icmp", 1, false, false),
    ICMPV6("icmpv6", 58, false, false),
    GRE("gre", 47, false, false),
    UNKNOWN("unknown", 0, false, false);

    final String name;
    final int num;
    final boolean ports;
    final boolean state;

    CtProto(String name, int num, boolean ports, boolean state) {
        this.name = name;
        this.num = num;
        this.ports = ports;
        this.state = state;
    }

    /** option codes returned for the merged long options (conntrack adds an offset) */
    static final int BASE = 1000;
    static final int SPORT = 1, DPORT = 2, RSPORT = 3, RDPORT = 4, MSPORT = 5, MDPORT = 6, STATE = 7, TSPORT = 8, TDPORT = 9;
    /** sctp's --orig-vtag/--reply-vtag, dccp's --role (after the port and state options) */
    static final int ORIG_VTAG = 10, REPLY_VTAG = 11, ROLE = 10;
    static final int ICMP_TYPE = 1, ICMP_CODE = 2, ICMP_ID = 3;

    static final String[] TCP_STATES = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
        "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"};
    /** TCP_CONNTRACK_LISTEN kept for kernels < 2.6.31 */
    static final int TCP_LISTEN = 9;
    /** libct_proto_sctp's and libct_proto_dccp's state names (index = the kernel's state) */
    static final String[] SCTP_STATES = {"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
        "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT"};
    static final String[] DCCP_STATES = {"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
        "TIMEWAIT", "IGNORE", "INVALID"};

    /** getprotobyname() over netbase's /etc/protocols */
    private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
            Map.entry("ip", 0), Map.entry("hopopt", 0), Map.entry("igmp", 2), Map.entry("ggp", 3), Map.entry("ipencap", 4),
            Map.entry("st", 5), Map.entry("egp", 8), Map.entry("igp", 9), Map.entry("pup", 12), Map.entry("hmp", 20),
            Map.entry("xns-idp", 22), Map.entry("rdp", 27), Map.entry("iso-tp4", 29), Map.entry("xtp", 36),
            Map.entry("ddp", 37), Map.entry("idpr-cmtp", 38), Map.entry("ipv6", 41), Map.entry("ipv6-route", 43),
            Map.entry("ipv6-frag", 44), Map.entry("idrp", 45), Map.entry("rsvp", 46), Map.entry("esp", 50),
            Map.entry("ah", 51), Map.entry("skip", 57), Map.entry("ipv6-icmp", 58), Map.entry("ipv6-nonxt", 59),
            Map.entry("ipv6-opts", 60), Map.entry("rspf", 73), Map.entry("vmtp", 81), Map.entry("eigrp", 88),
            Map.entry("ospf", 89), Map.entry("ax.25", 93), Map.entry("ipip", 94), Map.entry("etherip", 97),
            Map.entry("encap", 98), Map.entry("pim", 103), Map.entry("ipcomp", 108), Map.entry("vrrp", 112),
            Map.entry("l2tp", 115), Map.entry("isis", 124), Map.entry("fc", 133), Map.entry("mobility-header", 135),
            Map.entry("mpls-in-ip", 137), Map.entry("manet", 138), Map.entry("hip", 139), Map.entry("shim6", 140),
            Map.entry("wesp", 141), Map.entry("rohc", 142), Map.entry("ethernet", 143));

    /** findproto(): a handler by name (any case), by /etc/protocols name, or by number */
    static CtProto find(String name) {
        for (CtProto p : values()) {
            if (p != UNKNOWN && p.name.equalsIgnoreCase(name)) {
                return p;
            }
        }
        if (PROTOCOLS.containsKey(name)) {
            return UNKNOWN;
        }
        long n = CtNum.strtoul(name);
        if (name.isEmpty() || CtNum.strtoulEnd(name) != name.length() || n < 0 || n > 255) {
            return null;
        }
        for (CtProto p : values()) {
            if (p != UNKNOWN && p.num == n) {
                return p;
            }
        }
        return UNKNOWN;
    }

    int number(String name) {
        if (this != UNKNOWN) {
            return num;
        }
        Integer n = PROTOCOLS.get(name);
        return n != null ? n : (int) CtNum.strtoul(name);
    }

    List<CtGetopt.Opt> options() {
        if (ports) {
            var l = new java.util.ArrayList<>(List.of(
                    new CtGetopt.Opt("orig-port-src", 1, BASE + SPORT), new CtGetopt.Opt("sport", 1, BASE + SPORT),
                    new CtGetopt.Opt("orig-port-dst", 1, BASE + DPORT), new CtGetopt.Opt("dport", 1, BASE + DPORT),
                    new CtGetopt.Opt("reply-port-src", 1, BASE + RSPORT), new CtGetopt.Opt("reply-port-dst", 1, BASE + RDPORT),
                    new CtGetopt.Opt("mask-port-src", 1, BASE + MSPORT), new CtGetopt.Opt("mask-port-dst", 1, BASE + MDPORT)));
            if (state) {
                l.add(new CtGetopt.Opt("state", 1, BASE + STATE));
            }
            l.add(new CtGetopt.Opt("tuple-port-src", 1, BASE + TSPORT));
            l.add(new CtGetopt.Opt("tuple-port-dst", 1, BASE + TDPORT));
            if (this == SCTP) {
                l.add(new CtGetopt.Opt("orig-vtag", 1, BASE + ORIG_VTAG));
                l.add(new CtGetopt.Opt("reply-vtag", 1, BASE + REPLY_VTAG));
            } else if (this == DCCP) {
                l.add(new CtGetopt.Opt("role", 1, BASE + ROLE));
            }
            return l;
        }
        if (this == ICMP || this == ICMPV6) {
            String p = this == ICMP ? "icmp" : "icmpv6";
            return List.of(new CtGetopt.Opt(p + "-type", 1, BASE + ICMP_TYPE), new CtGetopt.Opt(p + "-code", 1, BASE + ICMP_CODE),
                    new CtGetopt.Opt(p + "-id", 1, BASE + ICMP_ID));
        }
        return List.of();
    }

    /** parse_options(): sets the template attribute; returns the option's flag bit */
    int parse(int c, String arg, ConntrackArgs a) {
        int o = c - BASE;
        if (ports) {
            switch (o) {
                case SPORT -> a.origSport = ConntrackArgs.port(arg);
                case DPORT -> a.origDport = ConntrackArgs.port(arg);
                case RSPORT -> {
                    a.replSport = ConntrackArgs.port(arg);
                    a.replL4 = num;
                }
                case RDPORT -> {
                    a.replDport = ConntrackArgs.port(arg);
                    a.replL4 = num;
                }
                case STATE -> {
                    if (this == TCP) {
                        int s = java.util.Arrays.asList(TCP_STATES).indexOf(arg);
                        if (arg.equals("LISTEN")) {
                            s = TCP_LISTEN;
                        } else if (s < 0) {
                            throw ConntrackArgs.param("unknown TCP state `" + arg + "'");
                        }
                        a.tcpState = s;
                    } else {
                        int s = java.util.Arrays.asList(this == SCTP ? SCTP_STATES : DCCP_STATES).indexOf(arg);
                        if (s < 0) {
                            throw ConntrackArgs.param(this == SCTP ? "unknown SCTP state `" + arg + "'"
                                    : "Unknown DCCP state `" + arg + "'");
                        }
                        a.tcpState = s;
                    }
                }
                case ROLE -> {
                    // dccp's --role: strncasecmp() against "client" then "server"; sctp's
                    // --orig-vtag has the same code
                    if (this == DCCP && !isPrefix(arg, "client") && !isPrefix(arg, "server")) {
                        throw ConntrackArgs.param("Unknown DCCP role `" + arg + "'");
                    }
                    if (this == SCTP) {
                        a.origVtag = (int) CtNum.atol(arg);
                    }
                }
                case REPLY_VTAG -> a.replVtag = (int) CtNum.atol(arg);
                default -> { }
            }
            // the flag bits follow the extension's own option order (udp has no state)
            return 1 << (state || o < STATE ? o - 1 : o - 2);
        }
        switch (o) {
            case ICMP_TYPE -> a.icmpType = (int) (CtNum.atol(arg) & 0xff);
            case ICMP_CODE -> a.icmpCode = (int) (CtNum.atol(arg) & 0xff);
            default -> a.icmpId = ConntrackArgs.port(arg);
        }
        a.origL4 = num;
        return 1 << (o - 1);
    }

    private static boolean isPrefix(String arg, String word) {
        return arg.length() <= word.length() && word.regionMatches(true, 0, arg, 0, arg.length());
    }

    private static final String[] TCP_FLAGS = {"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
        "mask-port-dst", "state", "tuple-port-src", "tuple-port-dst"};
    private static final String[] UDP_FLAGS = {"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
        "mask-port-dst", "tuple-port-src", "tuple-port-dst"};
    private static final String[] ICMP_FLAGS = {"icmp-type", "icmp-code", "icmp-id"};
    private static final String[] SCTP_FLAGS = {"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
        "mask-port-dst", "state", "tuple-port-src", "tuple-port-dst", "orig-vtag", "reply-vtag"};
    private static final String[] DCCP_FLAGS = {"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
        "mask-port-dst", "state", "tuple-port-src", "tuple-port-dst", "role"};
    /** sctp_commands_v_options / dccp_commands_v_options (-I needs the state and the vtags / the role) */
    private static final String[] SCTP_ROWS = {"22220020000", "33330010011", "22220020022", "22220020000", "33330020022",
        "00000000000", "22220020000", "00000000000", "00000000000", "00000000000", "11111101111", "11110000000",
        "11110000000", "00000000000", "00000000000", "00000000000", "00000000000", "00000000000", "00000000000",
        "33330010011"};
    private static final String[] DCCP_ROWS = {"2222002000", "3333001001", "2222002000", "2222002000", "3333002000",
        "0000000000", "2222002000", "0000000000", "0000000000", "0000000000", "1111110111", "1111000000", "1111000000",
        "0000000000", "0000000000", "0000000000", "0000000000", "0000000000", "0000000000", "3333001001"};

    /** the extensions' commands_v_options rows, by command bit (same order as conntrack's) */
    private static final String[] TCP_ROWS = {"222200200", "333300100", "222200200", "222200200", "333300200",
        "000000000", "222200200", "000000000", "000000000", "000000000", "110011011", "111100000", "111100000",
        "000000000", "000000000", "000000000", "000000000", "000000000", "000000000", "333300100"};
    private static final String[] UDP_ROWS = {"22220000", "33330000", "22220000", "22220000", "33330000", "00000000",
        "22220000", "00000000", "00000000", "00000000", "11001111", "11110000", "11110000", "00000000", "00000000",
        "00000000", "00000000", "00000000", "00000000", "33330000"};
    private static final String[] ICMP_ROWS = {"222", "112", "222", "222", "112", "000", "222", "000", "000", "000",
        "000", "000", "000", "000", "000", "000", "000", "000", "000", "112"};

    /** final_check() */
    void finalCheck(ConntrackArgs a) {
        if (ports) {
            String[] rows = this == TCP ? TCP_ROWS : this == SCTP ? SCTP_ROWS : this == DCCP ? DCCP_ROWS : UDP_ROWS;
            String[] flags = this == TCP ? TCP_FLAGS : this == SCTP ? SCTP_FLAGS : this == DCCP ? DCCP_FLAGS : UDP_FLAGS;
            int partial = ConntrackArgs.optCheck(a.l4flags, flags, rows[a.cmd], new int[] {3, 12});
            if (partial == 0 || partial == -1) {
                throw ConntrackArgs.param("you have to specify `--sport' and `--dport'");
            } else if (partial == 1) {
                throw ConntrackArgs.param("you have to specify `--reply-src-port' and `--reply-dst-port'");
            }
        } else if (this == ICMP || this == ICMPV6) {
            ConntrackArgs.optCheck(a.l4flags, ICMP_FLAGS, ICMP_ROWS[a.cmd], null);
        } else if (this == GRE && (a.cmd == 1 || a.cmd == 4 || a.cmd == 19)) {
            // libct_proto_gre: -I/-A/-G need the keys (the key options themselves are not modelled)
            throw ConntrackArgs.param("you have to specify `--srckey' and `--dstkey'");
        }
    }
}
