package dev.hairpin.rules.targets;

import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;

/**
 * {@code -j TRACE}: iptables-nft makes it {@code meta nftrace set 1}, which marks the packet for
 * tracing ({@link dev.hairpin.rules.XtServices#nftrace}) and lets it continue.
 */
public final class TraceTarget implements Target {
    @Override
    public String name() {
        return "TRACE";
    }

    @Override
    public int target(Skb skb, XtParam par) {
        par.services.nftrace(skb);
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
    }

    /** libxt_TRACE.c: no options */
    public static final class Parser extends ExtParser<Target> {
        public Parser() {
            super("TRACE");
        }

        @Override
        public Opt[] options() {
            return new Opt[0];
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TraceTarget();
        }
    }
}
