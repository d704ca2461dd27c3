package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.RuleCheckException;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m nfacct --nfacct-name NAME} (xt_nfacct.c): counts the packet in a named extended
 * accounting object made beforehand with the nfacct tool (kube-proxy uses one). Nothing here
 * makes such objects, so checkentry never finds the name and the kernel refuses every such
 * rule with -ENOENT (recorded), the rule never being installed.
 */
public final class NfacctMatch implements Match {
    private final String accName;

    public NfacctMatch(String accName) {
        this.accName = accName;
    }

    @Override
    public String name() {
        return "nfacct";
    }

    @Override
    public RuleCheckException.Refusal refusal() {
        return new RuleCheckException.Refusal(RuleCheckException.Errno.ENOENT,
                "accounting object `" + accName + "' does not exist");
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return true;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --nfacct-name ").append(accName);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" nfacct-name  ").append(accName);
    }

    /** libxt_nfacct.c: one mandatory name, kept to NFACCT_NAME_MAX - 1 bytes */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("nfacct-name", 0, Opt.MAND)};
        private String accName = "";

        public Parser() {
            super("nfacct");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            if (arg.isEmpty()) {
                throw XtError.param("Argument must have a minimum length of 1 characters\n");
            }
            accName = Xt.cstr(arg, 31);
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new NfacctMatch(accName);
        }
    }
}
