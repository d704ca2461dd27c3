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
 * {@code -j REDIRECT} (xt_REDIRECT.c): destination NAT to the host itself (the incoming
 * device's primary address, or 127.0.0.1 locally), through
 * {@link dev.hairpin.rules.XtServices#redirect}; nat PREROUTING/OUTPUT.
 */
public final class RedirectTarget implements Target {
    private final NatRange range;

    public RedirectTarget(NatRange range) {
        this.range = range;
    }

    @Override
    public String name() {
        return "REDIRECT";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_OUT);
    }

    @Override
    public Set<String> tables() {
        return Set.of("nat");
    }

    @Override
    public int target(Skb skb, XtParam par) {
        return par.services.redirect(skb, range);
    }

    @Override
    public void save(StringBuilder sb) {
        NatSpec.print(sb, range, "--to-ports ", "--", true);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        NatSpec.print(sb, range, "redir ports ", "", true);
    }

    /** libxt_NAT.c REDIRECT */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("to-ports", 2), Opt.flag("random", 3)};
        private final NatSpec.Range r = new NatSpec.Range();

        public Parser() {
            super("REDIRECT");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            if (o.id() == 2) {
                NatSpec.Range t = new NatSpec.Range();
                NatSpec.parsePorts(arg, NatSpec.portOk(ctx.proto()), t);
                r.minProto = t.minProto;
                r.maxProto = t.maxProto;
                r.flags |= t.flags;
            } else {
                r.flags |= NatRange.PROTO_RANDOM;
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((r.flags & NatRange.PROTO_OFFSET) != 0) {
                throw dev.hairpin.rules.ext.XtError.param("Shifted portmap ranges not supported with this kernel");
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new RedirectTarget(r.toRange());
        }
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }
}
