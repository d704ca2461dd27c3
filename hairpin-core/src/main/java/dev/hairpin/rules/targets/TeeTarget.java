package dev.hairpin.rules.targets;

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

import java.util.List;

/**
 * {@code -j TEE} revision 1 (xt_TEE.c): a copy of the packet goes to a gateway (through the
 * stack's {@link dev.hairpin.rules.XtServices#dup}); the packet itself continues.
 */
public final class TeeTarget implements Target {
    private final int gateway;
    /** the --oif name, "" for none */
    private final String oif;

    public TeeTarget(int gateway, String oif) {
        this.gateway = gateway;
        this.oif = oif;
    }

    @Override
    public String name() {
        return "TEE";
    }

    @Override
    public String checkEntry(IptIp ip, List<Match> matches) {
        // 0.0.0.0 is not allowed
        return gateway == 0 ? "TEE: gateway 0.0.0.0" : null;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        par.services.dup(skb, par.hook, gateway, oif.isEmpty() ? null : oif);
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --gateway ").append(Xt.ipToString(gateway));
        if (!oif.isEmpty()) {
            sb.append(" --oif ").append(oif);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" TEE gw:").append(Xt.ipToString(gateway));
        if (!oif.isEmpty()) {
            sb.append(" oif=").append(oif);
        }
    }

    /** libxt_TEE.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("gateway", 0, Opt.MAND), Opt.arg("oif", 1)};
        private int gateway;
        private String oif = "";

        public Parser() {
            super("TEE");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            if (o.id() == 0) {
                gateway = Xt.parseHost(arg);
            } else {
                // char oif[16]
                oif = Xt.cstr(arg, 15);
            }
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new TeeTarget(gateway, oif);
        }
    }
}
