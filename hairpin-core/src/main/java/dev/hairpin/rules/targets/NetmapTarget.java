package dev.hairpin.rules.targets;

import dev.hairpin.nat.Manip;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

import java.util.Set;

/**
 * {@code -j NETMAP --to net/mask} (xt_NETMAP.c): maps the destination (PREROUTING, OUTPUT) or
 * source (POSTROUTING, INPUT) address one-to-one into the given network, keeping the host bits.
 */
public final class NetmapTarget implements Target {
    private final int minIp;
    private final int maxIp;

    public NetmapTarget(int minIp, int maxIp) {
        this.minIp = minIp;
        this.maxIp = maxIp;
    }

    @Override
    public String name() {
        return "NETMAP";
    }

    @Override
    public Set<String> tables() {
        return Set.of("nat");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        int manip = Manip.ofHook(par.hook);
        int netmask = ~(minIp ^ maxIp);
        int addr = manip == Manip.SRC ? skb.saddr() : skb.daddr();
        int n = (addr & ~netmask) | (minIp & netmask);
        return par.services.natSetup(skb, new NatRange(NatRange.MAP_IPS, n, n, 0, 0, 0), manip);
    }

    private void text(StringBuilder sb) {
        sb.append(Xt.ipToString(minIp));
        int mask = ~(minIp ^ maxIp);
        int bits = Xt.maskToCidr(mask);
        sb.append('/').append(bits < 0 ? Xt.ipToString(mask) : Integer.toString(bits));
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --to ");
        text(sb);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" to:");
        text(sb);
    }

    /** libipt_NETMAP.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("to", 0, Opt.MAND)};
        private int min;
        private int max;

        public Parser() {
            super("NETMAP");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            int[] am = Xt.parseHostMask(extName, o.name(), arg);
            min = am[0] & am[1];
            max = min | ~am[1];
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new NetmapTarget(min, max);
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
