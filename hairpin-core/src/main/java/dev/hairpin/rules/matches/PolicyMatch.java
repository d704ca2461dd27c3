package dev.hairpin.rules.matches;

import dev.hairpin.packet.Hooks;
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
 * {@code -m policy} (xt_policy.c): the IPsec policy a packet was decapsulated with or will be
 * encapsulated by. This stack has no IPsec, so no packet has one: {@code --pol none} always
 * matches and {@code --pol ipsec} never does, as in the kernel for plain packets.
 */
public final class PolicyMatch implements Match {
    public static final int MATCH_IN = 1;
    public static final int MATCH_OUT = 2;
    public static final int MATCH_NONE = 4;
    public static final int MATCH_STRICT = 8;
    public static final int MODE_TRANSPORT = 0;
    public static final int MODE_TUNNEL = 1;

    /** One policy element; {@code match}/{@code invert} bits: reqid 1, spi 2, saddr 4, daddr 8, proto 16, mode 32. */
    public record Elem(int match, int invert, long reqid, long spi, int saddr, int smask, int daddr, int dmask,
                       int proto, int mode) {}

    private final int flags;
    private final List<Elem> elems;

    public PolicyMatch(int flags, List<Elem> elems) {
        this.flags = flags;
        this.elems = List.copyOf(elems);
    }

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public boolean hooksAtEntry() {
        return true;
    }

    @Override
    public int hooks() {
        return (flags & MATCH_IN) != 0
                ? (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD)
                : (1 << Hooks.POST_ROUTING) | (1 << Hooks.LOCAL_OUT) | (1 << Hooks.FORWARD);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        return (flags & MATCH_NONE) != 0;
    }

    private void text(StringBuilder sb, String p, boolean numeric, boolean listing) {
        sb.append(' ').append(p).append((flags & MATCH_IN) != 0 ? "dir in" : "dir out");
        sb.append(' ').append(p).append((flags & MATCH_NONE) != 0 ? "pol none" : "pol ipsec");
        if ((flags & MATCH_STRICT) != 0) {
            sb.append(' ').append(p).append("strict");
        }
        for (int i = 0; i < elems.size(); i++) {
            if (listing && elems.size() > 1) {
                sb.append(" [").append(i).append(']');
            }
            Elem e = elems.get(i);
            if ((e.match() & 1) != 0) {
                sb.append((e.invert() & 1) != 0 ? " !" : "").append(' ').append(p).append("reqid ").append(e.reqid());
            }
            if ((e.match() & 2) != 0) {
                sb.append((e.invert() & 2) != 0 ? " !" : "").append(' ').append(p).append("spi 0x")
                        .append(Long.toHexString(e.spi()));
            }
            if ((e.match() & 16) != 0) {
                String n = numeric ? null : Xt.protoName(e.proto(), false);
                sb.append((e.invert() & 16) != 0 ? " !" : "").append(' ').append(p).append("proto ")
                        .append(n != null ? n : Integer.toString(e.proto()));
            }
            if ((e.match() & 32) != 0) {
                sb.append((e.invert() & 32) != 0 ? " !" : "").append(' ').append(p).append("mode ")
                        .append(e.mode() == MODE_TRANSPORT ? "transport" : e.mode() == MODE_TUNNEL ? "tunnel" : "???");
            }
            if ((e.match() & 8) != 0) {
                sb.append((e.invert() & 8) != 0 ? " !" : "").append(' ').append(p).append("tunnel-dst ")
                        .append(Xt.ipToString(e.daddr())).append(Xt.maskToNumeric(e.dmask()));
            }
            if ((e.match() & 4) != 0) {
                sb.append((e.invert() & 4) != 0 ? " !" : "").append(' ').append(p).append("tunnel-src ")
                        .append(Xt.ipToString(e.saddr())).append(Xt.maskToNumeric(e.smask()));
            }
            if (!listing && i + 1 < elems.size()) {
                sb.append(" --next");
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        text(sb, "--", false, false);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" policy match");
        text(sb, "", numeric, true);
    }

    /** libxt_policy.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("dir", 0), Opt.arg("pol", 1), Opt.flag("strict", 2), Opt.arg("reqid", 3, Opt.MULTI | Opt.INVERT),
            Opt.arg("spi", 4, Opt.MULTI | Opt.INVERT), Opt.arg("tunnel-src", 5, Opt.MULTI | Opt.INVERT),
            Opt.arg("tunnel-dst", 6, Opt.MULTI | Opt.INVERT), Opt.arg("proto", 7, Opt.MULTI | Opt.INVERT),
            Opt.arg("mode", 8, Opt.MULTI | Opt.INVERT), Opt.flag("next", 9, Opt.MULTI).also(1 << 2),
        };
        private int flags;
        private final List<long[]> elems = new ArrayList<>(List.of(new long[12]));

        public Parser() {
            super("policy");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        /** element fields: 0 match, 1 invert, 2 reqid, 3 spi, 4 saddr, 5 smask, 6 daddr, 7 dmask, 8 proto, 9 mode */
        private long[] cur() {
            return elems.get(elems.size() - 1);
        }

        private void set(int bit, boolean inv, String dup) {
            long[] e = cur();
            if ((e[0] & bit) != 0) {
                throw XtError.param("policy match: double --" + dup + " option");
            }
            e[0] |= bit;
            if (inv) {
                e[1] |= bit;
            }
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> {
                    if (arg.equals("in")) {
                        flags |= MATCH_IN;
                    } else if (arg.equals("out")) {
                        flags |= MATCH_OUT;
                    } else {
                        throw XtError.param("policy_match: invalid dir \"" + arg + "\"");
                    }
                }
                case 1 -> {
                    if (arg.equals("none")) {
                        flags |= MATCH_NONE;
                    } else if (!arg.equals("ipsec")) {
                        throw XtError.param("policy match: invalid policy \"" + arg + "\"");
                    }
                }
                case 2 -> flags |= MATCH_STRICT;
                case 3 -> {
                    set(1, inv, "reqid");
                    cur()[2] = Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                }
                case 4 -> {
                    set(2, inv, "spi");
                    cur()[3] = Xt.parseInt(extName, o.name(), arg, 0, 0xffffffffL);
                }
                case 5, 6 -> {
                    set(o.id() == 5 ? 4 : 8, inv, o.name());
                    int[] am = Xt.parseHostMask(extName, o.name(), arg);
                    cur()[o.id() == 5 ? 4 : 6] = am[0];
                    cur()[o.id() == 5 ? 5 : 7] = am[1];
                }
                case 7 -> {
                    int p = Xt.parseProtocol(arg);
                    if ((cur()[0] & 16) != 0) {
                        throw XtError.param("policy match: double --proto option");
                    }
                    if (p != 51 && p != 50 && p != 108) {
                        throw XtError.param("policy match: protocol must be ah/esp/ipcomp");
                    }
                    set(16, inv, "proto");
                    cur()[8] = p;
                }
                case 8 -> {
                    set(32, inv, "mode");
                    if (arg.equals("transport")) {
                        cur()[9] = MODE_TRANSPORT;
                    } else if (arg.equals("tunnel")) {
                        cur()[9] = MODE_TUNNEL;
                    } else {
                        throw XtError.param("policy match: invalid mode \"" + arg + "\"");
                    }
                }
                default -> {
                    if (elems.size() == 4) {
                        throw XtError.param("policy match: maximum policy depth reached");
                    }
                    elems.add(new long[12]);
                }
            }
        }

        @Override
        protected void finalCheck(ParseContext ctx) {
            if ((flags & (MATCH_IN | MATCH_OUT)) == 0) {
                throw XtError.param("policy match: neither --dir in nor --dir out specified");
            }
            if ((flags & MATCH_NONE) != 0) {
                if ((flags & MATCH_STRICT) != 0) {
                    throw XtError.param("policy match: policy none but --strict given");
                }
                if (elems.size() > 1) {
                    throw XtError.param("policy match: policy none but policy given");
                }
                elems.clear();
                return;
            }
            for (int i = 0; i < elems.size(); i++) {
                long[] e = elems.get(i);
                if ((flags & MATCH_STRICT) != 0 && (e[0] & 63) == 0) {
                    throw XtError.param("policy match: empty policy element " + i + ". --strict is in effect, but at "
                            + "least one of reqid, spi, tunnel-src, tunnel-dst, proto or mode is required.");
                }
                boolean tunnelAddr = (e[0] & 12) != 0;
                boolean invMode = (e[1] & 32) != 0;
                if (tunnelAddr && ((e[9] == MODE_TUNNEL && invMode) || (e[9] == MODE_TRANSPORT && !invMode))) {
                    throw XtError.param("policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode");
                }
            }
        }

        @Override
        protected Match build(ParseContext ctx) {
            List<Elem> out = new ArrayList<>();
            for (long[] e : elems) {
                out.add(new Elem((int) e[0], (int) e[1], e[2], e[3], (int) e[4], (int) e[5], (int) e[6], (int) e[7],
                        (int) e[8], (int) e[9]));
            }
            return new PolicyMatch(flags, out);
        }
    }
}
