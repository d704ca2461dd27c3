package dev.hairpin.trace;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * The header fields a trace shows of a packet at one point of its path (a copy: the skb is
 * rewritten in place as it goes). For ICMP, {@code sport} is the echo id and {@code dport} the
 * type &lt;&lt; 8 | code, as conntrack keys them; {@code flags} are TCP's flag bits.
 */
public record Header(int proto, int saddr, int daddr, int sport, int dport, int ttl, int len, int ipId, int flags,
                     String inner) {

    public static Header of(Skb skb) {
        byte[] b = skb.buf;
        int l3 = skb.l3;
        if (skb.len < Ipv4.MIN_HEADER || b.length < l3 + skb.len || Ipv4.ihlBytes(b, l3) < Ipv4.MIN_HEADER) {
            return new Header(0, 0, 0, 0, 0, 0, skb.len, 0, 0, null); // not a header ip_rcv() accepts
        }
        int proto = Ipv4.protocol(b, l3);
        int l4 = l3 + Ipv4.ihlBytes(b, l3);
        int avail = Math.min(l3 + skb.len, b.length) - l4;
        int sport = 0;
        int dport = 0;
        int flags = 0;
        boolean first = (Ipv4.fragOff(b, l3) & Ipv4.IP_OFFSET) == 0;
        if (first && (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) && avail >= 4) {
            sport = Ipv4.u16(b, l4);
            dport = Ipv4.u16(b, l4 + 2);
            if (proto == Ipv4.PROTO_TCP && avail >= 14) {
                flags = b[l4 + 13] & 0xff;
            }
        } else if (first && proto == Ipv4.PROTO_ICMP && avail >= 8) {
            dport = Ipv4.u16(b, l4);
            sport = Ipv4.u16(b, l4 + 4);
        }
        String inner = null;
        int type = dport >>> 8;
        if (proto == Ipv4.PROTO_ICMP && first && (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)) {
            inner = quoted(b, l4 + 8, Math.min(l3 + skb.len, b.length));
        }
        return new Header(proto, Ipv4.saddr(b, l3), Ipv4.daddr(b, l3), sport, dport, Ipv4.ttl(b, l3), skb.len,
                Ipv4.id(b, l3), flags, inner);
    }

    /** the packet an ICMP error quotes, e.g. "udp 203.0.113.1:33000 > 198.51.100.20:9999" */
    private static String quoted(byte[] b, int in, int end) {
        if (end - in < Ipv4.MIN_HEADER) {
            return null;
        }
        int proto = Ipv4.protocol(b, in);
        int l4 = in + Ipv4.ihlBytes(b, in);
        String s = Ipv4.toString(Ipv4.saddr(b, in));
        String d = Ipv4.toString(Ipv4.daddr(b, in));
        if ((proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) && end - l4 >= 4) {
            s += ":" + Ipv4.u16(b, l4);
            d += ":" + Ipv4.u16(b, l4 + 2);
        }
        String name = proto == Ipv4.PROTO_TCP ? "tcp" : proto == Ipv4.PROTO_UDP ? "udp" : proto == Ipv4.PROTO_ICMP ? "icmp"
                : Integer.toString(proto);
        return name + " " + s + " > " + d;
    }

    public String protoName() {
        return switch (proto) {
            case Ipv4.PROTO_TCP -> "tcp";
            case Ipv4.PROTO_UDP -> "udp";
            case Ipv4.PROTO_ICMP -> "icmp";
            default -> Integer.toString(proto);
        };
    }

    public boolean hasPorts() {
        return proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP;
    }

    /** "10.0.0.2:40000" (address only for protocols without ports) */
    public String src() {
        return Ipv4.toString(saddr) + (hasPorts() ? ":" + sport : "");
    }

    public String dst() {
        return Ipv4.toString(daddr) + (hasPorts() ? ":" + dport : "");
    }

    /** TCP flags as tcpdump and nft spell them, e.g. "syn,ack" */
    public String flagNames() {
        StringBuilder sb = new StringBuilder();
        String[] names = {"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(names[i]);
            }
        }
        return sb.toString();
    }

    /** ICMP type name for the common types */
    public static String icmpTypeName(int type) {
        return switch (type) {
            case 0 -> "echo-reply";
            case 3 -> "destination-unreachable";
            case 5 -> "redirect";
            case 8 -> "echo-request";
            case 11 -> "time-exceeded";
            case 12 -> "parameter-problem";
            default -> Integer.toString(type);
        };
    }

    /** The fields in the order and words of {@code nft monitor trace}'s packet line. */
    public String nft() {
        StringBuilder sb = new StringBuilder();
        sb.append("ip saddr ").append(Ipv4.toString(saddr)).append(" ip daddr ").append(Ipv4.toString(daddr))
                .append(" ip id ").append(ipId).append(" ip ttl ").append(ttl)
                .append(" ip protocol ").append(protoName()).append(" ip length ").append(len);
        if (hasPorts()) {
            sb.append(' ').append(protoName()).append(" sport ").append(sport).append(' ').append(protoName())
                    .append(" dport ").append(dport);
            if (proto == Ipv4.PROTO_TCP) {
                sb.append(" tcp flags == ").append(flags == 0 ? "0x0" : flagNames());
            }
        } else if (proto == Ipv4.PROTO_ICMP) {
            sb.append(" icmp type ").append(icmpTypeName(dport >>> 8)).append(" icmp code ").append(dport & 0xff);
            if ((dport >>> 8) == 0 || (dport >>> 8) == 8) {
                sb.append(" icmp id ").append(sport);
            }
            if (inner != null) {
                sb.append(" (quoting ").append(inner).append(')');
            }
        }
        return sb.toString();
    }

    /** Short form: "tcp 10.0.0.2:40000 > 203.0.113.10:80 [syn]" */
    @Override
    public String toString() {
        String extra = proto == Ipv4.PROTO_TCP ? " [" + flagNames() + "]"
                : proto == Ipv4.PROTO_ICMP ? " " + icmpTypeName(dport >>> 8) + ((dport & 0xff) != 0 ? "/" + (dport & 0xff) : "")
                        + ((dport >>> 8) == 0 || (dport >>> 8) == 8 ? " id " + sport : "")
                        + (inner != null ? " (quoting " + inner + ")" : "")
                : "";
        return protoName() + " " + src() + " > " + dst() + extra;
    }
}
