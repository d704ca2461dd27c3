package dev.hairpin.rules.matches;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

/** {@code -m ttl} (ipt_ttl.c): the IP TTL equal to, not equal to, less or greater than a value. */
public final class TtlMatch implements Match {
    public static final int EQ = 0;
    public static final int NE = 1;
    public static final int LT = 2;
    public static final int GT = 3;

    private final int mode;
    private final int ttl;

    public TtlMatch(int mode, int ttl) {
        this.mode = mode;
        this.ttl = ttl;
    }

    @Override
    public String name() {
        return "ttl";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int t = Ipv4.ttl(skb.buf, skb.l3);
        return switch (mode) {
            case EQ -> t == ttl;
            case NE -> t != ttl;
            case LT -> t < ttl;
            default -> t > ttl;
        };
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(switch (mode) {
            case EQ -> " --ttl-eq";
            case NE -> " ! --ttl-eq";
            case LT -> " --ttl-lt";
            default -> " --ttl-gt";
        }).append(' ').append(ttl);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" TTL match ").append(switch (mode) {
            case EQ -> "TTL ==";
            case NE -> "TTL !=";
            case LT -> "TTL <";
            default -> "TTL >";
        }).append(' ').append(ttl);
    }

    /** libipt_ttl.c */
    public static final class Parser extends ExtParser<Match> {
        private static final int ANY = 7;
        private static final Opt[] OPTS = {
            Opt.arg("ttl-lt", 1).excl(ANY), Opt.arg("ttl-gt", 2).excl(ANY), Opt.arg("ttl-eq", 0, Opt.INVERT).excl(ANY),
            Opt.arg("ttl", 0).excl(ANY),
        };
        private int mode;
        private int ttl;

        public Parser() {
            super("ttl");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            ttl = (int) Xt.parseInt(extName, o.name(), arg, 0, 255);
            mode = switch (o.id()) {
                case 0 -> invert ? NE : EQ;
                case 1 -> LT;
                default -> GT;
            };
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (xflags == 0) {
                throw XtError.param("TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new TtlMatch(mode, ttl);
        }
    }
}
