package dev.hairpin.rules.targets;

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

import java.util.Set;

/**
 * {@code -j TCPOPTSTRIP} (xt_TCPOPTSTRIP.c), mangle and {@code -p tcp} only: overwrite the listed
 * TCP options with NOPs, updating the checksum byte by byte as the kernel does. The header
 * length never changes.
 */
public final class TcpoptstripTarget implements Target {
    private static final String[] NAMES = {"wscale", "mss", "sack-permitted", "sack", "timestamp", "md5"};
    private static final int[] KINDS = {3, 2, 4, 5, 8, 19};

    /** strip_bmap: bit k set strips option kind k */
    private final long[] bmap;

    public TcpoptstripTarget(long[] bmap) {
        this.bmap = bmap;
    }

    private boolean strips(int kind) {
        return (bmap[kind >> 6] & 1L << kind) != 0;
    }

    @Override
    public String name() {
        return "TCPOPTSTRIP";
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public int proto() {
        return 6;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        byte[] b = skb.buf;
        if ((Ipv4.fragOff(b, skb.l3) & Ipv4.IP_OFFSET) != 0) {
            return Verdict.XT_CONTINUE;
        }
        int th = skb.l4;
        int end = skb.l3 + skb.len;
        if (th + 20 > end) {
            return Verdict.NF_DROP;
        }
        int hdrLen = (b[th + 12] & 0xff) >> 4 << 2;
        if (hdrLen < 20 || th + hdrLen > end) {
            return Verdict.NF_DROP;
        }
        int check = Ipv4.u16(b, th + 16);
        int optl;
        for (int i = 20; i < hdrLen - 1; i += optl) {
            int kind = b[th + i] & 0xff;
            int len = b[th + i + 1] & 0xff;
            // zero-length options: make finite progress, as the kernel's optlen()
            optl = kind <= 1 || len == 0 ? 1 : len;
            if (i + optl > hdrLen) {
                break;
            }
            if (!strips(kind)) {
                continue;
            }
            for (int j = 0; j < optl; j++) {
                int o = b[th + i + j] & 0xff;
                boolean high = (i + j) % 2 == 0;
                check = TcpmssTarget.csumReplace2(check, high ? o << 8 : o, high ? 1 << 8 : 1);
                b[th + i + j] = 1;
            }
        }
        Ipv4.put16(b, th + 16, check);
        return Verdict.XT_CONTINUE;
    }

    private boolean empty() {
        for (long w : bmap) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    private void list(StringBuilder sb, boolean numeric) {
        boolean first = true;
        for (int i = 0; i < 256; i++) {
            if (!strips(i)) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            String name = null;
            if (!numeric) {
                for (int j = 0; j < KINDS.length; j++) {
                    if (KINDS[j] == i) {
                        name = NAMES[j];
                    }
                }
            }
            sb.append(name != null ? name : Integer.toString(i));
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if (!empty()) {
            sb.append(" --strip-options ");
            list(sb, true);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        if (!empty()) {
            sb.append(" TCPOPTSTRIP options ");
            list(sb, numeric);
        }
    }

    /** libxt_TCPOPTSTRIP.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("strip-options", 0)};
        private final long[] bmap = new long[4];

        public Parser() {
            super("TCPOPTSTRIP");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            for (String item : arg.split(",", -1)) {
                int option = 0;
                for (int i = 0; i < NAMES.length; i++) {
                    if (NAMES[i].equals(item)) {
                        option = KINDS[i];
                        break;
                    }
                }
                if (option == 0) {
                    long v = Xt.strtoui(item, 0, 255);
                    if (v < 0) {
                        throw XtError.param("Bad TCP option value \"" + item + "\"");
                    }
                    option = (int) v;
                }
                if (option < 2) {
                    throw XtError.param("Option value may not be 0 or 1");
                }
                if ((bmap[option >> 6] & 1L << option) != 0) {
                    throw XtError.param("Option \"" + item + "\" already specified");
                }
                bmap[option >> 6] |= 1L << option;
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TcpoptstripTarget(bmap.clone());
        }
    }
}
