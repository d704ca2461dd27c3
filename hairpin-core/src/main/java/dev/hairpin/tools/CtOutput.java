package dev.hairpin.tools;

import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.conntrack.proto.SctpTracker;
import dev.hairpin.packet.Ipv4;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * conntrack-tools 1.4.7's {@code -o xml} (libnetfilter_conntrack's XML printer) and {@code -o
 * save} (conntrack's own ct_save_snprintf) for one entry or event. Both print only the
 * attributes the kernel's netlink message carried, so the caller says which: a dump (-L, -G,
 * -D, -U) carries counters (with nf_conntrack_acct), the TCP/SCTP state, timeout, mark and the
 * reference count; an event carries what ctnetlink_conntrack_event() put in for its event bits.
 */
public final class CtOutput {
    private CtOutput() {}

    /** The XML header conntrack prints before its first flow (-L, -G, -E), and the footer. */
    public static final String XML_HEAD = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n";
    public static final String XML_FOOT = "</conntrack>\n";

    /** conntrack's print buffers: 1024 bytes for -D, -U and -E, 4096 for -L and -G dumps */
    static final int SMALL_BUF = 1024, DUMP_BUF = 4096;

    /** What one netlink message about an entry carried. */
    record Attrs(boolean counters, boolean state, boolean timeout, boolean mark, int use) {
        /** a dump or get reply: everything, with the kernel's reference count */
        static Attrs dump(ConntrackTable t, int ct, int use) {
            return new Attrs(t.packets(ct, 0) >= 0, hasState(t.protocol(ct)), true, true, use);
        }

        /** an event: the same rules as the default event line ({@link ConntrackFormat#event}) */
        static Attrs event(ConntrackTable t, int ct, int events) {
            boolean destroy = (events & CtEvent.DESTROY) != 0;
            return new Attrs(destroy && t.packets(ct, 0) >= 0,
                    hasState(t.protocol(ct)) && (destroy || (events & CtEvent.PROTOINFO) != 0),
                    !destroy || t.expiresSeconds(ct) != 0,
                    t.mark(ct) != 0 || (events & CtEvent.MARK) != 0, -1);
        }

        private static boolean hasState(int proto) {
            return proto == 6 || proto == 132;
        }
    }

    /** the event's kind: NFCT_T_NEW / UPDATE / DESTROY as conntrack -E tells them apart */
    static int eventType(int events) {
        return (events & CtEvent.DESTROY) != 0 ? 3 : (events & (CtEvent.NEW | CtEvent.RELATED)) != 0 ? 1 : 2;
    }

    // ------------------------------------------------------------------ xml

    /**
     * One {@code <flow>} element. {@code type} 0 for a dump (no type attribute), 1 new, 2 update,
     * 3 destroy; {@code when} (epoch seconds) adds the {@code <when>} element of {@code -o
     * xml,timestamp} events, in the local time zone as localtime_r() gives it.
     */
    static String xml(ConntrackTable t, int ct, int type, Attrs at, Long when) {
        return xml(t, ct, type, at, when, ZoneId.systemDefault());
    }

    static String xml(ConntrackTable t, int ct, int type, Attrs at, Long when, ZoneId zone) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append(switch (type) {
            case 1 -> "<flow type=\"new\">";
            case 2 -> "<flow type=\"update\">";
            case 3 -> "<flow type=\"destroy\">";
            default -> "<flow>";
        });
        xmlTuple(sb, t, ct, 0, at.counters());
        xmlTuple(sb, t, ct, 1, at.counters());
        // the independent part always has something: the status and id are in every message
        sb.append("<meta direction=\"independent\">");
        int proto = t.protocol(ct);
        if (at.state()) {
            // libnetfilter_conntrack's XML printer names every protocol's state from the TCP
            // table (recorded: SCTP ESTABLISHED prints FIN_WAIT, SHUTDOWN_SENT CLOSE_WAIT)
            String s = ConntrackFormat.TCP_STATES[proto == 6 ? t.l4state(ct) : SctpTracker.state(t.l4state(ct))];
            sb.append("<state>").append(s).append("</state>");
        }
        if (at.timeout()) {
            sb.append("<timeout>").append(t.expiresSeconds(ct)).append("</timeout>");
        }
        if (at.mark()) {
            sb.append("<mark>").append(Integer.toUnsignedString(t.mark(ct))).append("</mark>");
        }
        if (ConntrackFormat.zone(t, ct, 2) != 0) {
            sb.append("<zone>").append(ConntrackFormat.zone(t, ct, 2)).append("</zone>");
        }
        if (at.use() >= 0) {
            sb.append("<use>").append(at.use()).append("</use>");
        }
        sb.append("<id>").append(Integer.toUnsignedString(t.id(ct))).append("</id>");
        int st = t.status(ct);
        if ((st & CtStatus.ASSURED) != 0) {
            sb.append("<assured/>");
        }
        if ((st & CtStatus.SEEN_REPLY) == 0) {
            sb.append("<unreplied/>");
        }
        sb.append("</meta>");
        if (when != null) {
            ZonedDateTime d = Instant.ofEpochSecond(when).atZone(zone);
            sb.append("<when><hour>").append(d.getHour()).append("</hour><min>")
                    .append(String.format("%02d", d.getMinute())).append("</min><sec>")
                    .append(String.format("%02d", d.getSecond())).append("</sec><wday>")
                    .append(d.getDayOfWeek().getValue() % 7 + 1).append("</wday><day>").append(d.getDayOfMonth())
                    .append("</day><month>").append(d.getMonthValue()).append("</month><year>").append(d.getYear())
                    .append("</year></when>");
        }
        sb.append("</flow>");
        return sb.toString();
    }

    private static void xmlTuple(StringBuilder sb, ConntrackTable t, int ct, int dir, boolean counters) {
        long k1 = t.k1(ct, dir);
        long k2 = t.k2(ct, dir);
        int proto = Tuple.proto(k2);
        sb.append("<meta direction=\"").append(dir == 0 ? "original" : "reply").append("\">")
                .append("<layer3 protonum=\"2\" protoname=\"ipv4\"><src>").append(Ipv4.toString(Tuple.src(k1)))
                .append("</src><dst>").append(Ipv4.toString(Tuple.dst(k1))).append("</dst></layer3>")
                .append("<layer4 protonum=\"").append(proto).append("\" protoname=\"")
                .append(ConntrackFormat.protoName(proto)).append("\">");
        switch (proto) {
            case 6, 17, 136, 132, 33 -> sb.append("<sport>").append(Tuple.sport(k2)).append("</sport><dport>")
                    .append(Tuple.dport(k2)).append("</dport>");
            case 47 -> sb.append("<srckey>0x").append(Integer.toHexString(Tuple.sport(k2))).append("</srckey><dstkey>0x")
                    .append(Integer.toHexString(Tuple.dport(k2))).append("</dstkey>");
            default -> { } // ICMP: the XML printer has no type, code or id
        }
        sb.append("</layer4>");
        if (ConntrackFormat.zone(t, ct, dir) != 0) {
            sb.append("<zone>").append(ConntrackFormat.zone(t, ct, dir)).append("</zone>");
        }
        if (counters) {
            sb.append("<counters><packets>").append(t.packets(ct, dir)).append("</packets><bytes>")
                    .append(t.bytes(ct, dir)).append("</bytes></counters>");
        }
        sb.append("</meta>");
    }

    // ----------------------------------------------------------------- save

    /**
     * One {@code -o save} line: the command that would make the entry again. {@code type} 1
     * prints {@code -A} (dumps too), 2 {@code -U}, 3 {@code -D}. The mark is not part of it
     * (conntrack 1.4.7 does not print it), the status only as the bits -u can set.
     */
    static String save(ConntrackTable t, int ct, int type, Attrs at) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(type == 3 ? "-D " : type == 2 ? "-U " : "-A ");
        if (at.timeout()) {
            sb.append("-t ").append(t.expiresSeconds(ct)).append(' ');
        }
        sb.append("-u ");
        int st = t.status(ct);
        int n = sb.length();
        // conntrack_status_map, in bit order: EXPECTED, SEEN_REPLY, ASSURED, FIXED_TIMEOUT
        if ((st & CtStatus.EXPECTED) != 0) {
            sb.append("EXPECTED,");
        }
        if ((st & CtStatus.SEEN_REPLY) != 0) {
            sb.append("SEEN_REPLY,");
        }
        if ((st & CtStatus.ASSURED) != 0) {
            sb.append("ASSURED,");
        }
        if ((st & CtStatus.FIXED_TIMEOUT) != 0) {
            sb.append("FIXED_TIMEOUT,");
        }
        if (sb.length() == n) {
            sb.append("UNSET ");
        } else {
            sb.setCharAt(sb.length() - 1, ' ');
        }
        if (ConntrackFormat.zone(t, ct, 2) != 0) {
            sb.append("-w ").append(ConntrackFormat.zone(t, ct, 2)).append(' ');
        } else if (ConntrackFormat.zone(t, ct, 0) != 0) {
            sb.append("--orig-zone ").append(ConntrackFormat.zone(t, ct, 0)).append(' ');
        } else if (ConntrackFormat.zone(t, ct, 1) != 0) {
            sb.append("--reply-zone ").append(ConntrackFormat.zone(t, ct, 1)).append(' ');
        }
        sb.append("-s ").append(Ipv4.toString(t.src(ct, 0))).append(" -d ").append(Ipv4.toString(t.dst(ct, 0)));
        sb.append(CtFilter.isDnat(t, ct) ? " -g " : " -r ").append(Ipv4.toString(t.src(ct, 1)));
        sb.append(CtFilter.isSnat(t, ct) ? " -n " : " -q ").append(Ipv4.toString(t.dst(ct, 1)));
        long k2 = t.k2(ct, 0);
        long r2 = t.k2(ct, 1);
        int proto = t.protocol(ct);
        switch (proto) {
            case 6, 17, 136, 132, 33 -> {
                sb.append(" -p ").append(ConntrackFormat.protoName(proto)).append(" --sport ").append(Tuple.sport(k2))
                        .append(" --dport ").append(Tuple.dport(k2)).append(" --reply-port-src ").append(Tuple.sport(r2))
                        .append(" --reply-port-dst ").append(Tuple.dport(r2));
                if (at.state() && proto == 6) {
                    sb.append(" --state ").append(ConntrackFormat.TCP_STATES[t.l4state(ct)]);
                } else if (at.state() && proto == 132) {
                    long tags = t.l4aux(ct);
                    sb.append(" --state ").append(SctpTracker.NAMES[SctpTracker.state(t.l4state(ct))])
                            .append(" --orig-vtag ").append(Integer.toUnsignedString((int) tags))
                            .append(" --reply-vtag ").append(Integer.toUnsignedString((int) (tags >>> 32)));
                }
            }
            case 1 -> sb.append(" -p icmp --icmp-type ").append(Tuple.dport(k2) >>> 8).append(" --icmp-code ")
                    .append(Tuple.dport(k2) & 0xff).append(" --icmp-id ").append(Tuple.sport(k2));
            case 47 -> sb.append(" -p gre --srckey ").append(Tuple.sport(k2)).append(" --dstkey ").append(Tuple.dport(k2))
                    .append(" --reply-key-src ").append(Tuple.sport(r2)).append(" --reply-key-dst ").append(Tuple.dport(r2));
            default -> sb.append(" -p ").append(proto);
        }
        return sb.toString();
    }

    /** what a C buffer of {@code size} bytes keeps of a line (snprintf truncates, keeps the NUL) */
    static String fit(String s, int size) {
        return s.length() < size ? s : s.substring(0, size - 1);
    }
}
