package dev.hairpin.tools;

import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStats;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.conntrack.proto.SctpTracker;
import dev.hairpin.packet.Ipv4;

/**
 * Entries and events as conntrack-tools 1.4.7 prints them (libnetfilter_conntrack's
 * __snprintf_conntrack_default), byte for byte:
 * {@code tcp      6 431999 ESTABLISHED src=.. dst=.. sport=.. dport=.. [packets= bytes=] [UNREPLIED] src=.. ... [ASSURED] mark=0 use=1}
 */
public final class ConntrackFormat {
    private ConntrackFormat() {}

    public static final String VERSION = "conntrack v1.4.7 (conntrack-tools)";

    static final String[] TCP_STATES = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
        "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"};

    public static String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 136 -> "udplite";
            case 132 -> "sctp";
            case 47 -> "gre";
            case 33 -> "dccp";
            case 58 -> "icmpv6";
            default -> "unknown";
        };
    }

    /** One {@code conntrack -L} line (no newline). */
    public static String entry(ConntrackTable t, int ct, boolean extended) {
        return entry(t, ct, extended, 1, false);
    }

    /**
     * One line with the reference count the kernel reported ({@code use=2} for an entry fetched
     * alone, -G and -U, where the lookup holds a reference) and {@code -o id}'s {@code id=}.
     */
    public static String entry(ConntrackTable t, int ct, boolean extended, int use, boolean id) {
        StringBuilder sb = new StringBuilder(200);
        if (extended) {
            pad(sb, "ipv4", 8).append(" 2 ");
        }
        head(sb, t, ct);
        sb.append(t.expiresSeconds(ct)).append(' ');
        if (t.protocol(ct) == 6) {
            sb.append(TCP_STATES[t.l4state(ct)]).append(' ');
        } else if (t.protocol(ct) == 132) {
            sb.append(SctpTracker.NAMES[SctpTracker.state(t.l4state(ct))]).append(' ');
        }
        tuples(sb, t, ct, true);
        sb.append("mark=").append(Integer.toUnsignedString(t.mark(ct))).append(' ');
        if (zone(t, ct, 2) != 0) {
            sb.append("zone=").append(zone(t, ct, 2)).append(' ');
        }
        String helper = t.ext.used ? t.ext.helperName(ct) : null;
        if (helper != null) {
            sb.append("helper=").append(helper).append(' ');
        }
        // each related entry holds a reference on its master
        sb.append("use=").append(use + (t.ext.used ? t.ext.extraRefs(ct) : 0));
        if (id) {
            sb.append(" id=").append(Integer.toUnsignedString(t.id(ct)));
        }
        return sb.toString();
    }

    /** One {@code conntrack -E} line for the event bits delivered. */
    public static String event(ConntrackTable t, int ct, int events, boolean extended) {
        StringBuilder sb = new StringBuilder(200);
        String tag = (events & CtEvent.DESTROY) != 0 ? "[DESTROY]"
                : (events & (CtEvent.NEW | CtEvent.RELATED)) != 0 ? "[NEW]" : "[UPDATE]";
        pad(sb, tag, -9).append(' ');
        if (extended) {
            pad(sb, "ipv4", 8).append(" 2 ");
        }
        head(sb, t, ct);
        boolean destroy = (events & CtEvent.DESTROY) != 0;
        long timeout = t.expiresSeconds(ct);
        if (!destroy || timeout != 0) {
            sb.append(timeout).append(' ');
        }
        if (t.protocol(ct) == 6 && (destroy || (events & CtEvent.PROTOINFO) != 0)) {
            sb.append(TCP_STATES[t.l4state(ct)]).append(' ');
        } else if (t.protocol(ct) == 132 && (destroy || (events & CtEvent.PROTOINFO) != 0)) {
            sb.append(SctpTracker.NAMES[SctpTracker.state(t.l4state(ct))]).append(' ');
        }
        tuples(sb, t, ct, destroy);
        if (t.mark(ct) != 0 || (events & CtEvent.MARK) != 0) {
            sb.append("mark=").append(Integer.toUnsignedString(t.mark(ct))).append(' ');
        }
        if (zone(t, ct, 2) != 0) {
            sb.append("zone=").append(zone(t, ct, 2)).append(' ');
        }
        String helper = !destroy && t.ext.used ? t.ext.helperName(ct) : null;
        if (helper != null) { // ctnetlink dumps the helper in NEW/UPDATE events only
            sb.append("helper=").append(helper).append(' ');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * One {@code conntrack -L expect} line: seconds left, the expected tuple (source port 0),
     * its mask (the source port a wildcard; the source address too for IRC: 0.0.0.0), the
     * master's original tuple, class and helper.
     */
    public static String expectation(ConntrackTable t, dev.hairpin.conntrack.CtExt.Expect e) {
        StringBuilder sb = new StringBuilder(240);
        sb.append((e.deadline - t.now()) / 1_000_000_000L).append(" proto=").append(e.proto).append(' ');
        boolean gre = e.proto == 47; // keys, in hex
        sb.append("src=").append(Ipv4.toString(e.src)).append(" dst=").append(Ipv4.toString(e.dst)).append(' ');
        ports(sb, gre, e.sport, e.dport);
        sb.append("mask-src=").append(Ipv4.toString(e.srcMask)).append(" mask-dst=255.255.255.255 ");
        ports(sb, gre, e.sportMask, 0xffff);
        long k1 = t.k1(e.master, 0);
        long k2 = t.k2(e.master, 0);
        sb.append("master-src=").append(Ipv4.toString(Tuple.src(k1))).append(" master-dst=").append(Ipv4.toString(Tuple.dst(k1)))
                .append(" sport=").append(Tuple.sport(k2)).append(" dport=").append(Tuple.dport(k2)).append(' ');
        sb.append("class=0");
        String h = t.ext.helperName(e.master);
        if (h != null) {
            sb.append(" helper=").append(h);
        }
        return sb.toString();
    }

    /** what {@code conntrack -L expect -o xml} prints before its first expectation */
    public static final String EXPECT_XML_HEAD = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<expect>\n";

    /**
     * One {@code conntrack -L expect -o xml} line (libnetfilter_conntrack's expectation XML):
     * addresses of the expected tuple, its mask and the master, then the ports or GRE keys
     * likewise (the master's as its own protocol's ports), then helper, timeout and class.
     */
    public static String expectationXml(ConntrackTable t, dev.hairpin.conntrack.CtExt.Expect e) {
        long k1 = t.k1(e.master, 0);
        long k2 = t.k2(e.master, 0);
        StringBuilder sb = new StringBuilder(640);
        sb.append("<flow><layer3 protonum=\"2\" protoname=\"ipv4\"><expected><src>").append(Ipv4.toString(e.src))
                .append("</src><dst>").append(Ipv4.toString(e.dst)).append("</dst></expected><mask><src>")
                .append(Ipv4.toString(e.srcMask)).append("</src><dst>255.255.255.255</dst></mask><master><src>")
                .append(Ipv4.toString(Tuple.src(k1))).append("</src><dst>").append(Ipv4.toString(Tuple.dst(k1)))
                .append("</dst></master></layer3>");
        boolean gre = e.proto == 47;
        sb.append("<layer4 protonum=\"").append(e.proto).append("\" protoname=\"").append(protoName(e.proto)).append("\">");
        xmlPorts(sb.append("<expected>"), gre, e.sport, e.dport).append("</expected>");
        xmlPorts(sb.append("<mask>"), gre, e.sportMask, 0xffff).append("</mask>");
        xmlPorts(sb.append("<master>"), Tuple.proto(k2) == 47, Tuple.sport(k2), Tuple.dport(k2)).append("</master>");
        sb.append("</layer4><meta>");
        String h = t.ext.helperName(e.master);
        if (h != null) {
            sb.append("<helper-name>").append(h).append("</helper-name>");
        }
        sb.append("<timeout>").append((e.deadline - t.now()) / 1_000_000_000L).append("</timeout><class>0</class></meta></flow>");
        return sb.toString();
    }

    private static StringBuilder xmlPorts(StringBuilder sb, boolean gre, int sport, int dport) {
        if (gre) {
            return sb.append("<srckey>0x").append(Integer.toHexString(sport)).append("</srckey><dstkey>0x")
                    .append(Integer.toHexString(dport)).append("</dstkey>");
        }
        return sb.append("<sport>").append(sport).append("</sport><dport>").append(dport).append("</dport>");
    }

    private static void ports(StringBuilder sb, boolean gre, int sport, int dport) {
        if (gre) {
            sb.append("srckey=0x").append(Integer.toHexString(sport)).append(" dstkey=0x").append(Integer.toHexString(dport));
        } else {
            sb.append("sport=").append(sport).append(" dport=").append(dport);
        }
        sb.append(' ');
    }

    private static void head(StringBuilder sb, ConntrackTable t, int ct) {
        int proto = t.protocol(ct);
        pad(sb, protoName(proto), 8).append(' ').append(proto).append(' ');
    }

    private static void tuples(StringBuilder sb, ConntrackTable t, int ct, boolean counters) {
        int st = t.status(ct);
        tuple(sb, t.k1(ct, 0), t.k2(ct, 0));
        if (zone(t, ct, 0) != 0) {
            sb.append("zone-orig=").append(zone(t, ct, 0)).append(' ');
        }
        if (counters) {
            counters(sb, t, ct, 0);
        }
        if ((st & CtStatus.SEEN_REPLY) == 0) {
            sb.append("[UNREPLIED] ");
        }
        tuple(sb, t.k1(ct, 1), t.k2(ct, 1));
        if (zone(t, ct, 1) != 0) {
            sb.append("zone-reply=").append(zone(t, ct, 1)).append(' ');
        }
        if (counters) {
            counters(sb, t, ct, 1);
        }
        if ((st & CtStatus.HW_OFFLOAD) != 0) {
            sb.append("[HW_OFFLOAD] ");
        } else if ((st & CtStatus.OFFLOAD) != 0) {
            sb.append("[OFFLOAD] ");
        } else if ((st & CtStatus.ASSURED) != 0) {
            sb.append("[ASSURED] ");
        }
    }

    /**
     * The entry's zone as ctnetlink dumps it: {@code which} 2 is CTA_ZONE (a zone of both
     * directions), 0 and 1 a tuple's own CTA_TUPLE_ZONE (a zone of that direction only, as
     * {@code conntrack -I --orig-zone/--reply-zone} make). The tuples keep the id each direction
     * is looked up in; 0 when the entry has no such attribute.
     */
    static int zone(ConntrackTable t, int ct, int which) {
        int oz = Tuple.zone(t.k2(ct, 0));
        int rz = Tuple.zone(t.k2(ct, 1));
        if (oz == rz) {
            return which == 2 ? oz : 0;
        }
        return which == 0 ? oz : which == 1 ? rz : 0;
    }

    private static void counters(StringBuilder sb, ConntrackTable t, int ct, int dir) {
        long p = t.packets(ct, dir);
        if (p >= 0) {
            sb.append("packets=").append(p).append(" bytes=").append(t.bytes(ct, dir)).append(' ');
        }
    }

    static void tuple(StringBuilder sb, long k1, long k2) {
        sb.append("src=").append(Ipv4.toString(Tuple.src(k1))).append(" dst=").append(Ipv4.toString(Tuple.dst(k1))).append(' ');
        int proto = Tuple.proto(k2);
        switch (proto) {
            case 6, 17, 136, 132, 33 -> sb.append("sport=").append(Tuple.sport(k2)).append(" dport=").append(Tuple.dport(k2)).append(' ');
            case 1 -> sb.append("type=").append(Tuple.dport(k2) >>> 8).append(" code=").append(Tuple.dport(k2) & 0xff)
                    .append(" id=").append(Tuple.sport(k2)).append(' ');
            case 47 -> sb.append("srckey=0x").append(Integer.toHexString(Tuple.sport(k2))).append(" dstkey=0x")
                    .append(Integer.toHexString(Tuple.dport(k2))).append(' ');
            default -> { }
        }
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        if (width < 0) {
            sb.append(" ".repeat(Math.max(0, -width - s.length()))).append(s);
        } else {
            sb.append(s).append(" ".repeat(Math.max(0, width - s.length())));
        }
        return sb;
    }

    /** {@code conntrack -S}: one line (a single simulated CPU) */
    public static String stats(CtStats s) {
        StringBuilder sb = new StringBuilder("cpu=0   \t");
        long[] v = s.values();
        for (int i = 0; i < v.length; i++) {
            sb.append(CtStats.NAMES[i]).append('=').append(v[i]).append(' ');
        }
        return sb.toString();
    }
}
