package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;

/** {@code -m cpu} (xt_cpu.c): the packet is handled by processor N ({@link XtParam#cpu}). */
public final class CpuMatch implements Match {
    private final int cpu;
    private final boolean invert;

    public CpuMatch(int cpu, boolean invert) {
        this.cpu = cpu;
        this.invert = invert;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return (par.cpu == cpu) ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(invert ? " !" : "").append(" --cpu ").append(Integer.toUnsignedString(cpu));
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" cpu ").append(invert ? "! " : "").append(Integer.toUnsignedString(cpu));
    }

    /** libxt_cpu.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("cpu", 0, Opt.INVERT | Opt.MAND)};
        private int cpu;
        private boolean invert;

        public Parser() {
            super("cpu");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            cpu = (int) Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
            invert = inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new CpuMatch(cpu, invert);
        }
    }
}
