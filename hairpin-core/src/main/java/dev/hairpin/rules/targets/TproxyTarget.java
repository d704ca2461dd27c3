package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.util.List;
import java.util.Set;

/**
 * {@code -j TPROXY} revision 1 (xt_TPROXY.c): hands the packet to a local socket: the connected
 * one of its own addresses and ports, else the listener on --on-port (the packet's port when 0),
 * sets the mark bits and accepts (policy routing on that mark then delivers it locally); with no
 * such socket the packet is dropped. The host's sockets are what a replay learnt (listeners from
 * local-ops.txt, connected ones from local packets); a listener is taken to be transparent.
 * mangle PREROUTING, -p tcp or udp. Recorded: conformance/tproxy-transparent.
 */
public final class TproxyTarget implements Target {
    private final int laddr;
    private final int lport;
    private final int markValue;
    private final int markMask;

    public TproxyTarget(int laddr, int lport, int markValue, int markMask) {
        this.laddr = laddr;
        this.lport = lport;
        this.markValue = markValue;
        this.markMask = markMask;
    }

    @Override
    public String name() {
        return "TPROXY";
    }

    @Override
    public int hooks() {
        return 1 << Hooks.PRE_ROUTING;
    }

    @Override
    public Set<String> tables() {
        return Set.of("mangle");
    }

    @Override
    public String checkEntry(IptIp ip, List<Match> matches) {
        if ((ip.proto() == 6 || ip.proto() == 17) && !ip.inverted(IptIp.INV_PROTO)) {
            return null;
        }
        return "Can be used only with -p tcp or -p udp";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int port = lport != 0 ? lport : dev.hairpin.packet.Ipv4.u16(skb.buf, skb.l4 + 2);
        if (!par.services.tproxySocket(skb, port)) {
            return Verdict.NF_DROP;
        }
        skb.mark = (skb.mark & ~markMask) ^ markValue;
        skb.sk = true;
        return Verdict.NF_ACCEPT;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --on-port ").append(lport).append(" --on-ip ").append(Xt.ipToString(laddr))
                .append(" --tproxy-mark 0x").append(Integer.toHexString(markValue)).append("/0x")
                .append(Integer.toHexString(markMask));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" TPROXY redirect ").append(Xt.ipToString(laddr)).append(':').append(lport).append(" mark 0x")
                .append(Integer.toHexString(markValue)).append("/0x").append(Integer.toHexString(markMask));
    }

    /** libxt_TPROXY.c revision 1 */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("on-port", 0, Opt.MAND), Opt.arg("on-ip", 1), Opt.arg("tproxy-mark", 2)};
        private int laddr;
        private int lport;
        private int value;
        private int mask;

        public Parser() {
            super("TPROXY");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    int p = Xt.portByName(arg);
                    if (p < 0) {
                        throw XtError.param("Port \"" + arg + "\" does not resolve to anything.\n");
                    }
                    lport = p;
                }
                case 1 -> laddr = Xt.parseHost(arg);
                default -> {
                    long[] vm = Xt.parseMarkMask(extName, o.name(), arg);
                    value = (int) vm[0];
                    mask = (int) vm[1];
                }
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TproxyTarget(laddr, lport, value, mask);
        }
    }

    @Override
    public boolean needsDefrag() {
        return true; // nf_defrag_ipv4_enable() in its checkentry
    }
}
