package dev.hairpin.rules.nft;

import dev.hairpin.rules.Match;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;
import java.util.List;

/**
 * {@code -m nft --expr N}: an nf_tables expression iptables has no option for (a limit with
 * {@code over}, a dynamic set, {@code ct count}), built by the nft front-end and placed in the
 * rules it compiles by its index. Reachable only while the front-end compiles a ruleset
 * ({@link #EXPRS} bound): iptables itself knows no match named {@code nft}. Rules the front-end
 * copies (one per set element, one per base chain reaching a regular chain) share the one
 * object, as they share the one expression in nft.
 */
public final class NftExpr {
    private NftExpr() {}

    /** the expressions of the ruleset being compiled */
    public static final ScopedValue<List<Match>> EXPRS = ScopedValue.newInstance();

    /** whether {@code -m nft} exists now */
    public static boolean available() {
        return EXPRS.isBound();
    }

    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("expr", 0, Opt.MAND)};
        private Match m;

        public Parser() {
            super("nft");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            List<Match> all = EXPRS.get();
            int i;
            try {
                i = Integer.parseInt(arg);
            } catch (NumberFormatException e) {
                throw XtError.param("nft: bad expression index " + arg);
            }
            if (i < 0 || i >= all.size()) {
                throw XtError.param("nft: no expression " + arg);
            }
            m = all.get(i);
        }

        @Override
        protected Match build(ParseContext ctx) {
            return m;
        }
    }
}
