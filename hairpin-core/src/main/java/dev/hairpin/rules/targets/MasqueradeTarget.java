package dev.hairpin.rules.targets;

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
 * {@code -j MASQUERADE} (xt_MASQUERADE.c): source NAT to the output device's address, through
 * {@link dev.hairpin.rules.XtServices#masquerade}; nat POSTROUTING only.
 */
public final class MasqueradeTarget implements Target {
    private final NatRange range;

    public MasqueradeTarget(NatRange range) {
        this.range = range;
    }

    @Override
    public String name() {
        return "MASQUERADE";
    }

    @Override
    public int hooks() {
        return 1 << Hooks.POST_ROUTING;
    }

    @Override
    public Set<String> tables() {
        return Set.of("nat");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return par.services.masquerade(skb, range);
    }

    @Override
    public void save(StringBuilder sb) {
        NatSpec.print(sb, range, "--to-ports ", "--", true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        NatSpec.print(sb, range, "masq ports: ", "", true);
    }

    /** libxt_NAT.c MASQUERADE */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("to-ports", 2), Opt.flag("random", 3), Opt.flag("random-fully", 4)};
        private final NatSpec.Range r = new NatSpec.Range();

        public Parser() {
            super("MASQUERADE");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 2 -> {
                    NatSpec.Range t = new NatSpec.Range();
                    NatSpec.parsePorts(arg, NatSpec.portOk(ctx.proto()), t);
                    r.minProto = t.minProto;
                    r.maxProto = t.maxProto;
                    r.flags |= t.flags;
                }
                case 3 -> r.flags |= NatRange.PROTO_RANDOM;
                default -> r.flags |= NatRange.PROTO_RANDOM_FULLY;
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new MasqueradeTarget(r.toRange());
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
