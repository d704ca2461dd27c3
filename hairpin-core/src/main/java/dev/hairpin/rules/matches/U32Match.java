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

import java.util.ArrayList;
import java.util.List;

/**
 * {@code -m u32 --u32 "tests"} (xt_u32.c): each test reads a 32-bit word at an offset from the IP
 * header, transforms it with {@code & << >> @} and checks it against value ranges; all tests must
 * hold.
 */
public final class U32Match implements Match {
    static final int AND = 0;
    static final int LEFTSH = 1;
    static final int RIGHTSH = 2;
    static final int AT = 3;
    static final int MAXSIZE = 10;

    /** one test: location numbers with the operator before each, value ranges [min,max] */
    public record Test(long[] numbers, int[] ops, long[] min, long[] max) {}

    private final List<Test> tests;
    private final boolean invert;

    public U32Match(List<Test> tests, boolean invert) {
        this.tests = List.copyOf(tests);
        this.invert = invert;
    }

    @Override
    public String name() {
        return "u32";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return matchIt(skb) ^ invert;
    }

    private boolean matchIt(Skb skb) {
        long len = skb.len;
        for (Test t : tests) {
            long at = 0;
            long pos = t.numbers()[0];
            if (len < 4 || pos > len - 4) {
                return false;
            }
            long val = Ipv4.i32(skb.buf, skb.l3 + (int) pos) & 0xffffffffL;
            for (int i = 1; i < t.numbers().length; i++) {
                long number = t.numbers()[i];
                switch (t.ops()[i]) {
                    case AND -> val &= number;
                    case LEFTSH -> val = number >= 32 ? 0 : (val << number) & 0xffffffffL;
                    case RIGHTSH -> val = number >= 32 ? 0 : val >>> number;
                    default -> {
                        if (at + val > 0xffffffffL) {
                            return false;
                        }
                        at += val;
                        pos = number;
                        if (at + 4 > 0xffffffffL || len < at + 4 || pos > len - at - 4) {
                            return false;
                        }
                        val = Ipv4.i32(skb.buf, skb.l3 + (int) (at + pos)) & 0xffffffffL;
                    }
                }
            }
            boolean ok = false;
            for (int i = 0; i < t.min().length; i++) {
                if (t.min()[i] <= val && val <= t.max()[i]) {
                    ok = true;
                    break;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void dump(StringBuilder sb) {
        sb.append(" \"");
        for (int k = 0; k < tests.size(); k++) {
            Test t = tests.get(k);
            if (k > 0) {
                sb.append("&&");
            }
            sb.append("0x").append(Long.toHexString(t.numbers()[0]));
            for (int i = 1; i < t.numbers().length; i++) {
                sb.append(switch (t.ops()[i]) {
                    case AND -> "&";
                    case LEFTSH -> "<<";
                    case RIGHTSH -> ">>";
                    default -> "@";
                });
                sb.append("0x").append(Long.toHexString(t.numbers()[i]));
            }
            sb.append('=');
            for (int i = 0; i < t.min().length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("0x").append(Long.toHexString(t.min()[i]));
                if (t.min()[i] != t.max()[i]) {
                    sb.append(":0x").append(Long.toHexString(t.max()[i]));
                }
            }
        }
        sb.append('"');
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(" --u32");
        dump(sb);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" u32");
        if (invert) {
            sb.append(" !");
        }
        dump(sb);
    }

    /** libxt_u32.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("u32", 0, Opt.MAND | Opt.INVERT)};
        private List<Test> tests = List.of();
        private boolean invert;

        public Parser() {
            super("u32");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            invert = inv;
            tests = parseTests(arg);
        }

        private static long number(String s, int[] pos) {
            Xt.Num n = Xt.strtoulPrefix(s, pos[0], 0, 0xffffffffL);
            if (n == null || n.end() == pos[0]) {
                throw XtError.param("u32: at char " + pos[0] + ": not a number or out of range");
            }
            pos[0] = n.end();
            return n.value();
        }

        static List<Test> parseTests(String s) {
            List<Test> out = new ArrayList<>();
            List<Long> nums = new ArrayList<>();
            List<Integer> ops = new ArrayList<>();
            List<Long> mins = new ArrayList<>();
            List<Long> maxs = new ArrayList<>();
            int state = 0;
            int[] p = {0};
            for (;;) {
                while (p[0] < s.length() && Character.isWhitespace(s.charAt(p[0]))) {
                    p[0]++;
                }
                if (p[0] >= s.length()) {
                    if (state == 0) {
                        throw XtError.param("u32: abrupt end of input after location specifier");
                    }
                    if (mins.isEmpty()) {
                        throw XtError.param("u32: test ended with no value specified");
                    }
                    out.add(test(nums, ops, mins, maxs));
                    if (out.size() > MAXSIZE) {
                        throw XtError.param("u32: at char " + p[0] + ": too many \"&&\"s");
                    }
                    return out;
                }
                char c = s.charAt(p[0]);
                if (state == 0) {
                    if (c == '=') {
                        if (nums.isEmpty()) {
                            throw XtError.param("u32: at char " + p[0] + ": location spec missing");
                        }
                        p[0]++;
                        state = 1;
                        continue;
                    }
                    int op = AND;
                    if (!nums.isEmpty()) {
                        if (c == '&') {
                            op = AND;
                        } else if (c == '<' || c == '>') {
                            p[0]++;
                            if (p[0] >= s.length() || s.charAt(p[0]) != c) {
                                throw XtError.param("u32: at char " + p[0] + ": a second '" + c + "' was expected");
                            }
                            op = c == '<' ? LEFTSH : RIGHTSH;
                        } else if (c == '@') {
                            op = AT;
                        } else {
                            throw XtError.param("u32: at char " + p[0] + ": operator expected");
                        }
                        p[0]++;
                    }
                    ops.add(op);
                    nums.add(number(s, p));
                    if (nums.size() > MAXSIZE) {
                        throw XtError.param("u32: at char " + p[0] + ": too many operators");
                    }
                } else {
                    if (c == '&') {
                        p[0]++;
                        if (p[0] >= s.length() || s.charAt(p[0]) != '&') {
                            throw XtError.param("u32: at char " + p[0] + ": a second '&' was expected");
                        }
                        if (mins.isEmpty()) {
                            throw XtError.param("u32: at char " + p[0] + ": value spec missing");
                        }
                        out.add(test(nums, ops, mins, maxs));
                        if (out.size() >= MAXSIZE + 1) {
                            throw XtError.param("u32: at char " + p[0] + ": too many \"&&\"s");
                        }
                        nums.clear();
                        ops.clear();
                        mins.clear();
                        maxs.clear();
                        p[0]++;
                        state = 0;
                    } else {
                        if (!mins.isEmpty()) {
                            if (c != ',') {
                                throw XtError.param("u32: at char " + p[0] + ": expected \",\" or \"&&\"");
                            }
                            p[0]++;
                        }
                        long min = number(s, p);
                        while (p[0] < s.length() && Character.isWhitespace(s.charAt(p[0]))) {
                            p[0]++;
                        }
                        long max = min;
                        if (p[0] < s.length() && s.charAt(p[0]) == ':') {
                            p[0]++;
                            max = number(s, p);
                        }
                        mins.add(min);
                        maxs.add(max);
                        if (mins.size() > MAXSIZE) {
                            throw XtError.param("u32: at char " + p[0] + ": too many \",\"s");
                        }
                    }
                }
            }
        }

        private static Test test(List<Long> nums, List<Integer> ops, List<Long> mins, List<Long> maxs) {
            return new Test(nums.stream().mapToLong(Long::longValue).toArray(),
                    ops.stream().mapToInt(Integer::intValue).toArray(), mins.stream().mapToLong(Long::longValue).toArray(),
                    maxs.stream().mapToLong(Long::longValue).toArray());
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new U32Match(tests, invert);
        }
    }
}
