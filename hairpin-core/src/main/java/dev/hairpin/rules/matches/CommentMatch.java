package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m comment} (xt_comment.c): always matches; the text is kept (up to 255 bytes). */
public final class CommentMatch implements Match {
    private final String comment;

    public CommentMatch(String comment) {
        this.comment = comment;
    }

    public String comment() {
        return comment;
    }

    @Override
    public String name() {
        return "comment";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return true;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --comment");
        Xt.saveString(sb, comment);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" /* ").append(comment).append(" */");
    }

    /** libxt_comment.c: XTTYPE_STRING into a 256-byte buffer */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("comment", 0, Opt.MAND)};
        private String comment = "";

        public Parser() {
            super("comment");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            comment = Xt.cstr(arg, 255);
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new CommentMatch(comment);
        }
    }
}
