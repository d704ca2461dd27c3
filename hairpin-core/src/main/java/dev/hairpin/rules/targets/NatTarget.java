package dev.hairpin.rules.targets;

import dev.hairpin.nat.Manip;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

import java.util.Set;

/**
 * {@code -j SNAT} and {@code -j DNAT} (xt_nat.c, libxt_NAT.c): bind the new connection to the
 * range with {@link dev.hairpin.rules.XtServices#natSetup}, source manip for SNAT (POSTROUTING,
 * INPUT), destination manip for DNAT (PREROUTING, OUTPUT). Terminating: the service's verdict.
 */
public final class NatTarget implements Target {
    private final boolean snat;
    private final NatRange range;

    public NatTarget(boolean snat, NatRange range) {
        this.snat = snat;
        this.range = range;
    }

    public boolean snat() {
        return snat;
    }

    public NatRange range() {
        return range;
    }

    @Override
    public String name() {
        return snat ? "SNAT" : "DNAT";
    }

    @Override
    public int hooks() {
        return snat ? (1 << Hooks.POST_ROUTING) | (1 << Hooks.LOCAL_IN)
                : (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_OUT);
    }

    @Override
    public Set<String> tables() {
        return Set.of("nat");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return par.services.natSetup(skb, range, snat ? Manip.SRC : Manip.DST);
    }

    @Override
    public void save(StringBuilder sb) {
        NatSpec.print(sb, range, snat ? "--to-source " : "--to-destination ", "--", false);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        NatSpec.print(sb, range, "to:", "", false);
    }

    /** libxt_NAT.c SNAT (revision 0) and DNAT (revision 2) */
    public static final class Parser extends ExtParser<Target> {
        private final boolean snat;
        private final Opt[] opts;
        private final NatSpec.Range r = new NatSpec.Range();

        public Parser(boolean snat) {
            super(snat ? "SNAT" : "DNAT");
            this.snat = snat;
            this.opts = snat
                    ? new Opt[] {Opt.arg("to-source", 1, Opt.MAND), Opt.flag("random", 3), Opt.flag("random-fully", 4),
                        Opt.flag("persistent", 5)}
                    : new Opt[] {Opt.arg("to-destination", 0, Opt.MAND), Opt.flag("random", 3),
                        Opt.flag("persistent", 5)};
        }

        @Override
        public Opt[] options() {
            return opts;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0, 1 -> {
                    NatSpec.Range t = new NatSpec.Range();
                    NatSpec.parseTo(arg, NatSpec.portOk(ctx.proto()), t);
                    if (snat) {
                        // the IPv4 compat range keeps addresses and ports, flags are OR-ed in
                        r.minAddr = t.minAddr;
                        r.maxAddr = t.maxAddr;
                        r.minProto = t.minProto;
                        r.maxProto = t.maxProto;
                        r.flags |= t.flags;
                    } else {
                        r.flags |= t.flags;
                        if ((t.flags & NatRange.MAP_IPS) != 0) {
                            r.minAddr = t.minAddr;
                            r.maxAddr = t.maxAddr;
                        }
                        if ((t.flags & NatRange.PROTO_SPECIFIED) != 0) {
                            r.minProto = t.minProto;
                            r.maxProto = t.maxProto;
                            r.baseProto = t.baseProto;
                        }
                    }
                }
                case 3 -> r.flags |= NatRange.PROTO_RANDOM;
                case 4 -> r.flags |= NatRange.PROTO_RANDOM_FULLY;
                case 5 -> r.flags |= NatRange.PERSISTENT;
                default -> throw new IllegalStateException();
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new NatTarget(snat, r.toRange());
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
