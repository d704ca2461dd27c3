package dev.hairpin.rules.targets;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;


/**
 * {@code -j LOG} (xt_LOG.c, nf_log_syslog.c, libxt_LOG.c): builds the kernel's log line and
 * hands it to {@link dev.hairpin.rules.XtServices#log}; never decides the packet's fate.
 * (The kernel logs from a network namespace other than the initial one only when
 * {@code net.netfilter.nf_log_all_netns} is set: the service decides whether to emit.)
 */
public final class LogTarget implements Target {
    public static final int TCPSEQ = 0x01;
    public static final int TCPOPT = 0x02;
    public static final int IPOPT = 0x04;
    public static final int UID = 0x08;
    public static final int MACDECODE = 0x20;
    public static final int MASK = 0x2f;
    public static final int DEFAULT_LEVEL = 4;

    /** glibc prioritynames, in its order (first name of a value wins in listings) */
    private static final String[] LEVEL_NAMES = {"alert", "crit", "debug", "emerg", "err", "error", "info", "none",
        "notice", "panic", "warn", "warning"};
    private static final int[] LEVEL_VALUES = {1, 2, 7, 0, 3, 3, 6, 0x10, 5, 0, 4, 4};

    private final int level;
    private final int logflags;
    private final String prefix;

    public LogTarget(int level, int logflags, String prefix) {
        this.level = level;
        this.logflags = logflags;
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return "LOG";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        par.services.log(level, line(skb, par.in, par.out));
        return Verdict.XT_CONTINUE;
    }

    /** The text nf_log_ip_packet() prints (without the syslog level marker and newline). */
    public String line(Skb skb, NetDevice in, NetDevice out) {
        StringBuilder m = new StringBuilder(256);
        m.append(prefix).append("IN=").append(in != null ? in.name : "").append(" OUT=")
                .append(out != null ? out.name : "").append(' ');
        if (in != null) {
            macHeader(m, skb, in);
        }
        dumpIpv4(m, skb, skb.l3, true);
        return m.toString();
    }

    private void macHeader(StringBuilder m, Skb skb, NetDevice dev) {
        if ((logflags & MACDECODE) != 0 && dev.type == NetDevice.ARPHRD_ETHER) {
            if (skb.macLen < 14) {
                return;
            }
            m.append("MACSRC=");
            mac(m, skb.buf, skb.mac + 6);
            m.append(" MACDST=");
            mac(m, skb.buf, skb.mac);
            m.append(' ');
            m.append(String.format("MACPROTO=%04x ", Ipv4.u16(skb.buf, skb.mac + 12)));
            return;
        }
        m.append("MAC=");
        if (skb.macLen > 0) {
            for (int i = 0; i < skb.macLen; i++) {
                if (i > 0) {
                    m.append(':');
                }
                hex2(m, skb.buf[skb.mac + i] & 0xff, false);
            }
        }
        m.append(' ');
    }

    private static void mac(StringBuilder m, byte[] b, int off) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                m.append(':');
            }
            hex2(m, b[off + i] & 0xff, false);
        }
    }

    private static void hex2(StringBuilder m, int v, boolean upper) {
        String d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        m.append(d.charAt(v >> 4)).append(d.charAt(v & 15));
    }

    /** dump_ipv4_packet(); {@code outer} false for the packet quoted in an ICMP error */
    private void dumpIpv4(StringBuilder m, Skb skb, int iphoff, boolean outer) {
        byte[] b = skb.buf;
        int end = skb.l3 + skb.len;
        if (iphoff + 20 > end) {
            m.append("TRUNCATED");
            return;
        }
        m.append("SRC=").append(Xt.ipToString(Ipv4.saddr(b, iphoff))).append(" DST=")
                .append(Xt.ipToString(Ipv4.daddr(b, iphoff))).append(' ');
        int tos = Ipv4.tos(b, iphoff);
        m.append("LEN=").append(Ipv4.totLen(b, iphoff)).append(" TOS=0x");
        hex2(m, tos & 0x1e, true);
        m.append(" PREC=0x");
        hex2(m, tos & 0xe0, true);
        m.append(" TTL=").append(Ipv4.ttl(b, iphoff)).append(" ID=").append(Ipv4.id(b, iphoff)).append(' ');
        int frag = Ipv4.fragOff(b, iphoff);
        if ((frag & Ipv4.IP_CE) != 0) {
            m.append("CE ");
        }
        if ((frag & Ipv4.IP_DF) != 0) {
            m.append("DF ");
        }
        if ((frag & Ipv4.IP_MF) != 0) {
            m.append("MF ");
        }
        int offset = frag & Ipv4.IP_OFFSET;
        if (offset != 0) {
            m.append("FRAG:").append(offset).append(' ');
        }
        int ihl = Ipv4.ihlBytes(b, iphoff);
        if ((logflags & IPOPT) != 0 && ihl > 20) {
            if (iphoff + ihl > end) {
                m.append("TRUNCATED");
                return;
            }
            m.append("OPT (");
            for (int i = 20; i < ihl; i++) {
                hex2(m, b[iphoff + i] & 0xff, true);
            }
            m.append(") ");
        }
        int th = iphoff + ihl;
        int proto = Ipv4.protocol(b, iphoff);
        switch (proto) {
            case 6 -> {
                if (!tcp(m, skb, offset != 0, th, end)) {
                    return;
                }
            }
            case 17, 136 -> {
                m.append(proto == 17 ? "PROTO=UDP " : "PROTO=UDPLITE ");
                if (offset == 0) {
                    if (th + 8 > end) {
                        m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
                        return;
                    }
                    m.append("SPT=").append(Ipv4.u16(b, th)).append(" DPT=").append(Ipv4.u16(b, th + 2))
                            .append(" LEN=").append(Ipv4.u16(b, th + 4)).append(' ');
                }
            }
            case 1 -> icmp(m, skb, offset != 0, th, end, outer);
            case 51 -> {
                if (offset == 0) {
                    m.append("PROTO=AH ");
                    if (th + 12 > end) {
                        m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
                    } else {
                        m.append("SPI=0x").append(Integer.toHexString(Ipv4.i32(b, th + 4))).append(' ');
                    }
                }
            }
            case 50 -> {
                m.append("PROTO=ESP ");
                if (offset == 0) {
                    if (th + 8 > end) {
                        m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
                    } else {
                        m.append("SPI=0x").append(Integer.toHexString(Ipv4.i32(b, th))).append(' ');
                    }
                }
            }
            default -> m.append("PROTO=").append(proto).append(' ');
        }
        if (outer && skb.mark != 0) {
            m.append("MARK=0x").append(Integer.toHexString(skb.mark)).append(' ');
        }
    }

    /** nf_log_dump_tcp_header(); false when the dump stops there */
    private boolean tcp(StringBuilder m, Skb skb, boolean fragment, int th, int end) {
        byte[] b = skb.buf;
        m.append("PROTO=TCP ");
        if (fragment) {
            return true;
        }
        if (th + 20 > end) {
            m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
            return false;
        }
        m.append("SPT=").append(Ipv4.u16(b, th)).append(" DPT=").append(Ipv4.u16(b, th + 2)).append(' ');
        if ((logflags & TCPSEQ) != 0) {
            m.append("SEQ=").append(Ipv4.i32(b, th + 4) & 0xffffffffL).append(" ACK=")
                    .append(Ipv4.i32(b, th + 8) & 0xffffffffL).append(' ');
        }
        m.append("WINDOW=").append(Ipv4.u16(b, th + 14)).append(' ');
        int doffByte = b[th + 12] & 0xff;
        int flags = b[th + 13] & 0xff;
        // (flag word & TCP_RESERVED_BITS 0x0E000000) >> 22: the three bits between doff and AE
        m.append("RES=0x");
        hex2(m, (doffByte & 0x0e) << 2, false);
        m.append(' ');
        if ((doffByte & 0x01) != 0) {
            m.append("AE ");
        }
        String[] names = {"CWR ", "ECE ", "URG ", "ACK ", "PSH ", "RST ", "SYN ", "FIN "};
        for (int i = 0; i < 8; i++) {
            if ((flags & (0x80 >> i)) != 0) {
                m.append(names[i]);
            }
        }
        m.append("URGP=").append(Ipv4.u16(b, th + 18)).append(' ');
        int doff = (doffByte >> 4) * 4;
        if ((logflags & TCPOPT) != 0 && doff > 20) {
            if (th + doff > end) {
                m.append("OPT (TRUNCATED)");
                return false;
            }
            m.append("OPT (");
            for (int i = 20; i < doff; i++) {
                hex2(m, b[th + i] & 0xff, true);
            }
            m.append(") ");
        }
        return true;
    }

    private void icmp(StringBuilder m, Skb skb, boolean fragment, int th, int end, boolean outer) {
        byte[] b = skb.buf;
        m.append("PROTO=ICMP ");
        if (fragment) {
            return;
        }
        if (th + 8 > end) {
            m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
            return;
        }
        int type = b[th] & 0xff;
        int code = b[th + 1] & 0xff;
        m.append("TYPE=").append(type).append(" CODE=").append(code).append(' ');
        int need = switch (type) {
            case 0, 8 -> 4;
            case 3, 4, 5, 11, 12 -> 8 + 20;
            case 13, 14 -> 20;
            case 17, 18 -> 12;
            default -> 0;
        };
        if (need != 0 && end - th < need) {
            m.append("INCOMPLETE [").append(end - th).append(" bytes] ");
            return;
        }
        switch (type) {
            case 0, 8 -> m.append("ID=").append(Ipv4.u16(b, th + 4)).append(" SEQ=").append(Ipv4.u16(b, th + 6))
                    .append(' ');
            case 12 -> m.append("PARAMETER=").append(b[th + 4] & 0xff).append(' ');
            case 5, 3, 4, 11 -> {
                if (type == 5) {
                    m.append("GATEWAY=").append(Xt.ipToString(Ipv4.i32(b, th + 4))).append(' ');
                }
                if (outer) {
                    m.append('[');
                    dumpIpv4(m, skb, th + 8, false);
                    m.append("] ");
                }
                if (type == 3 && code == 4) {
                    m.append("MTU=").append(Ipv4.u16(b, th + 6)).append(' ');
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if (!prefix.isEmpty()) {
            sb.append(" --log-prefix");
            Xt.saveString(sb, prefix);
        }
        if (level != DEFAULT_LEVEL) {
            sb.append(" --log-level ").append(level);
        }
        if ((logflags & TCPSEQ) != 0) {
            sb.append(" --log-tcp-sequence");
        }
        if ((logflags & TCPOPT) != 0) {
            sb.append(" --log-tcp-options");
        }
        if ((logflags & IPOPT) != 0) {
            sb.append(" --log-ip-options");
        }
        if ((logflags & UID) != 0) {
            sb.append(" --log-uid");
        }
        if ((logflags & MACDECODE) != 0) {
            sb.append(" --log-macdecode");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" LOG");
        if (numeric) {
            sb.append(" flags ").append(logflags).append(" level ").append(level);
        } else {
            String n = null;
            for (int i = 0; i < LEVEL_NAMES.length; i++) {
                if (LEVEL_VALUES[i] == level) {
                    n = LEVEL_NAMES[i];
                    break;
                }
            }
            if (n != null) {
                sb.append(" level ").append(n);
            } else {
                sb.append(" UNKNOWN level ").append(level);
            }
            if ((logflags & TCPSEQ) != 0) {
                sb.append(" tcp-sequence");
            }
            if ((logflags & TCPOPT) != 0) {
                sb.append(" tcp-options");
            }
            if ((logflags & IPOPT) != 0) {
                sb.append(" ip-options");
            }
            if ((logflags & UID) != 0) {
                sb.append(" uid");
            }
            if ((logflags & MACDECODE) != 0) {
                sb.append(" macdecode");
            }
            if ((logflags & ~MASK) != 0) {
                sb.append(" unknown-flags");
            }
        }
        if (!prefix.isEmpty()) {
            sb.append(" prefix \"").append(prefix).append('"');
        }
    }

    /** XTTYPE_SYSLOGLEVEL: 0-7 or a name */
    static int parseLevel(String arg) {
        long v = Xt.strtoui(arg, 0, 7);
        if (v >= 0) {
            return (int) v;
        }
        String[] sorted = {"alert", "crit", "debug", "emerg", "error", "info", "notice", "panic", "warning"};
        int[] vals = {1, 2, 7, 0, 3, 6, 5, 0, 4};
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i].equals(arg)) {
                return vals[i];
            }
        }
        throw XtError.param("log level \"" + arg + "\" unknown\n");
    }

    /** libxt_LOG.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {
            Opt.arg("log-level", 6), Opt.arg("log-prefix", 7), Opt.flag("log-tcp-sequence", 0),
            Opt.flag("log-tcp-options", 1), Opt.flag("log-ip-options", 2), Opt.flag("log-uid", 3),
            Opt.flag("log-macdecode", 5),
        };
        private int level = DEFAULT_LEVEL;
        private int flags;
        private String prefix = "";

        public Parser() {
            super("LOG");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 6 -> level = parseLevel(arg);
                case 7 -> {
                    if (arg.isEmpty()) {
                        throw XtError.param("Argument must have a minimum length of 1 characters\n");
                    }
                    if (arg.indexOf('\n') >= 0) {
                        throw XtError.param("Newlines not allowed in --log-prefix");
                    }
                    prefix = Xt.cstr(arg, 29);
                }
                default -> flags |= 1 << o.id();
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new LogTarget(level, flags, prefix);
        }
    }
}
