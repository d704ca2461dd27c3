package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;

import java.nio.charset.StandardCharsets;

/**
 * {@code -m string} revision 1 (xt_string.c): the pattern anywhere in bytes [from, to) of the
 * packet, counted from the start of the IP header (the kernel's skb data in the IP hooks).
 * Both algorithms (bm, kmp) find the same first occurrence, so one search serves both.
 */
public final class StringMatch implements Match {
    public static final int INVERT = 1;
    public static final int IGNORECASE = 2;
    static final int MAX_PATTERN = 128;

    private final int from;
    private final int to;
    private final String algo;
    private final byte[] pattern;
    private final int flags;

    public StringMatch(int from, int to, String algo, byte[] pattern, int flags) {
        this.from = from;
        this.to = to;
        this.algo = algo;
        this.pattern = pattern.clone();
        this.flags = flags;
    }

    @Override
    public String name() {
        return "string";
    }

    /**
     * string_mt_check(): textsearch_prepare() finds no algorithm of another name (-ENOENT); fsm
     * exists but takes a token program, which no text pattern is (-EINVAL; both recorded)
     */
    @Override
    public String checkEntry(dev.hairpin.rules.IptIp ip) {
        return Integer.compareUnsigned(from, to) > 0 ? "--from after --to" : null;
    }

    @Override
    public dev.hairpin.rules.RuleCheckException.Refusal refusal() {
        if (algo.equals("fsm")) {
            return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.EINVAL,
                    "not an fsm token program");
        }
        if (!algo.equals("bm") && !algo.equals("kmp")) {
            return new dev.hairpin.rules.RuleCheckException.Refusal(dev.hairpin.rules.RuleCheckException.Errno.ENOENT,
                    "no textsearch algorithm " + algo);
        }
        return null;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int end = Math.min(skb.len, to);
        boolean icase = (flags & IGNORECASE) != 0;
        boolean found = false;
        outer:
        for (int i = from; i + pattern.length <= end; i++) {
            for (int j = 0; j < pattern.length; j++) {
                byte a = skb.buf[skb.l3 + i + j];
                byte b = pattern[j];
                if (a != b && !(icase && Character.toLowerCase((char) (a & 0xff)) == Character.toLowerCase((char) (b & 0xff)))) {
                    continue outer;
                }
            }
            found = true;
            break;
        }
        return found ^ ((flags & INVERT) != 0);
    }

    private boolean isHex() {
        for (byte b : pattern) {
            if (b < 0x20 || b > 0x7e) {
                return true;
            }
        }
        return pattern.length > 0 && pattern[pattern.length - 1] == '\\';
    }

    private void text(StringBuilder sb) {
        if (isHex()) {
            sb.append(" \"|");
            for (byte b : pattern) {
                sb.append(String.format("%02x", b & 0xff));
            }
            sb.append("|\"");
        } else {
            sb.append(" \"");
            for (byte b : pattern) {
                if (b == '"' || b == '\\') {
                    sb.append('\\');
                }
                sb.append((char) (b & 0xff));
            }
            sb.append('"');
        }
    }

    @Override
    public void save(StringBuilder sb) {
        boolean inv = (flags & INVERT) != 0;
        sb.append(inv ? " !" : "").append(isHex() ? " --hex-string" : " --string");
        text(sb);
        sb.append(" --algo ").append(algo);
        if (from != 0) {
            sb.append(" --from ").append(from);
        }
        if (to != 0xffff) {
            sb.append(" --to ").append(to);
        }
        if ((flags & IGNORECASE) != 0) {
            sb.append(" --icase");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" STRING match ").append((flags & INVERT) != 0 ? "!" : "");
        text(sb);
        sb.append(" ALGO name ").append(algo);
        if (from != 0) {
            sb.append(" FROM ").append(from);
        }
        if (to != 0xffff) {
            sb.append(" TO ").append(to);
        }
        if ((flags & IGNORECASE) != 0) {
            sb.append(" ICASE");
        }
    }

    /** libxt_string.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("from", 0), Opt.arg("to", 1), Opt.arg("algo", 2, Opt.MAND),
            Opt.arg("string", 3, Opt.INVERT).excl(1 << 4), Opt.arg("hex-string", 4, Opt.INVERT).excl(1 << 3),
            Opt.flag("icase", 5),
        };
        private int from;
        private int to = 0xffff;
        private String algo = "";
        private byte[] pattern = new byte[0];
        private int flags;

        public Parser() {
            super("string");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> from = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff);
                case 1 -> to = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffff);
                case 2 -> algo = Xt.cstr(arg, 15);
                case 3 -> {
                    byte[] b = arg.getBytes(StandardCharsets.UTF_8);
                    if (b.length > MAX_PATTERN) {
                        throw XtError.param("STRING too long \"" + arg + "\"");
                    }
                    pattern = b;
                    inv(invert);
                }
                case 4 -> {
                    pattern = hex(arg);
                    inv(invert);
                }
                default -> flags |= IGNORECASE;
            }
        }

        private void inv(boolean invert) {
            if (invert) {
                flags |= INVERT;
            }
        }

        /** parse_hex_string(): text with |hex| blocks and \ escapes */
        static byte[] hex(String s) {
            if (s.isEmpty()) {
                throw XtError.param("STRING must contain at least one char");
            }
            byte[] out = new byte[MAX_PATTERN];
            int n = 0;
            int i = 0;
            int slen = s.length();
            boolean hexF = false;
            while (i < slen) {
                if (n >= MAX_PATTERN) {
                    throw XtError.param("STRING too long \"" + s + "\"");
                }
                boolean literal = false;
                char c = s.charAt(i);
                if (c == '\\' && !hexF) {
                    literal = true;
                } else if (c == '\\') {
                    throw XtError.param("Cannot include literals in hex data");
                } else if (c == '|') {
                    if (hexF) {
                        hexF = false;
                    } else {
                        hexF = true;
                        while (i + 1 < slen && s.charAt(i + 1) == ' ') {
                            i++;
                        }
                    }
                    if (i + 1 >= slen) {
                        break;
                    }
                    i++;
                }
                if (literal) {
                    if (i + 1 >= slen) {
                        throw XtError.param("Bad literal placement at end of string");
                    }
                    out[n] = (byte) s.charAt(i + 1);
                    i += 2;
                } else if (hexF) {
                    if (i + 1 >= slen) {
                        throw XtError.param("Odd number of hex digits");
                    }
                    if (i + 2 >= slen) {
                        throw XtError.param("Invalid hex block");
                    }
                    if (Character.digit(s.charAt(i), 16) < 0) {
                        throw XtError.param("Invalid hex char '" + s.charAt(i) + "'");
                    }
                    if (Character.digit(s.charAt(i + 1), 16) < 0) {
                        throw XtError.param("Invalid hex char '" + s.charAt(i + 1) + "'");
                    }
                    out[n] = (byte) Integer.parseInt(s.substring(i, i + 2), 16);
                    i += s.charAt(i + 2) == ' ' ? 3 : 2;
                } else {
                    out[n] = (byte) s.charAt(i);
                    i++;
                }
                n++;
            }
            return java.util.Arrays.copyOf(out, n);
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if (!seen(3) && !seen(4)) {
                throw XtError.param("STRING match: You must specify `--string' or `--hex-string'");
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new StringMatch(from, to, algo, pattern, flags);
        }
    }
}
