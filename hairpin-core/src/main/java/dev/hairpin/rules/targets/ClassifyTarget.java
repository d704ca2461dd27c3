package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -j CLASSIFY} (xt_CLASSIFY.c): {@code skb->priority = MAJOR:MINOR}, the tc class. Only
 * in OUTPUT, FORWARD and POSTROUTING (after routing, where a qdisc will look). The skb model has
 * no priority, so it goes to {@link dev.hairpin.rules.XtServices#setPriority}.
 */
public final class ClassifyTarget implements Target {
    private final int priority;

    public ClassifyTarget(int priority) {
        this.priority = priority;
    }

    @Override
    public String name() {
        return "CLASSIFY";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.LOCAL_OUT) | (1 << Hooks.FORWARD) | (1 << Hooks.POST_ROUTING);
    }

    @Override
    public int target(Skb skb, XtParam par) {
        par.services.setPriority(skb, priority);
        return Verdict.XT_CONTINUE;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(String.format(" --set-class %04x:%04x", priority >>> 16, priority & 0xffff));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(String.format(" CLASSIFY set %x:%x", priority >>> 16, priority & 0xffff));
    }

    /** libxt_CLASSIFY.c */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("set-class", 0, Opt.MAND)};
        private int priority;

        public Parser() {
            super("CLASSIFY");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            // sscanf(s, "%x:%x", &i, &j) == 2, then TC_H_MAKE(i << 16, j)
            long[] major = new long[1];
            int p = scanHex(arg, 0, major);
            long[] minor = new long[1];
            if (p < 0 || p >= arg.length() || arg.charAt(p) != ':' || scanHex(arg, p + 1, minor) < 0) {
                throw XtError.param("Bad class value \"" + arg + "\"");
            }
            priority = (int) (major[0] << 16) & 0xffff0000 | (int) minor[0] & 0xffff;
        }

        /** one scanf {@code %x}: the index after it, or -1 when there is no number */
        static int scanHex(String s, int i, long[] out) {
            int n = s.length();
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            boolean neg = false;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                neg = s.charAt(i) == '-';
                i++;
            }
            if (i + 2 < n && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                i += 2;
            }
            int start = i;
            long v = 0;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                v = (v << 4 | Character.digit(s.charAt(i), 16)) & 0xffffffffL;
                i++;
            }
            if (i == start) {
                return -1;
            }
            out[0] = neg ? -v & 0xffffffffL : v;
            return i;
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new ClassifyTarget(priority);
        }
    }
}
