package dev.hairpin.rules.targets;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

import java.util.List;
import java.util.Set;

/**
 * {@code -j REJECT} (ipt_REJECT.c, libipt_REJECT.c): sends an ICMP destination-unreachable with
 * the chosen code, or a TCP RST, through {@link dev.hairpin.rules.XtServices#reject}, then drops
 * the packet. Filter table, INPUT/FORWARD/OUTPUT only; tcp-reset needs {@code -p tcp}.
 */
public final class RejectTarget implements Target {
    /** enum ipt_reject_with */
    public static final int NET_UNREACHABLE = 0;
    public static final int HOST_UNREACHABLE = 1;
    public static final int PROT_UNREACHABLE = 2;
    public static final int PORT_UNREACHABLE = 3;
    public static final int ECHOREPLY = 4;
    public static final int NET_PROHIBITED = 5;
    public static final int HOST_PROHIBITED = 6;
    public static final int TCP_RESET = 7;
    public static final int ADMIN_PROHIBITED = 8;

    /** name, alias per type (null: no such type) */
    private static final String[][] NAMES = {
        {"icmp-net-unreachable", "net-unreach"}, {"icmp-host-unreachable", "host-unreach"},
        {"icmp-proto-unreachable", "proto-unreach"}, {"icmp-port-unreachable", "port-unreach"}, null,
        {"icmp-net-prohibited", "net-prohib"}, {"icmp-host-prohibited", "host-prohib"}, {"tcp-reset", "tcp-rst"},
        {"icmp-admin-prohibited", "admin-prohib"},
    };
    /** the ICMP code sent per type */
    private static final int[] ICMP_CODE = {0, 1, 2, 3, -1, 9, 10, -1, 13};

    private final int with;

    public RejectTarget(int with) {
        this.with = with;
    }

    public int with() {
        return with;
    }

    @Override
    public String name() {
        return "REJECT";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD) | (1 << Hooks.LOCAL_OUT);
    }

    @Override
    public Set<String> tables() {
        return Set.of("filter");
    }

    @Override
    public String checkEntry(IptIp ip, List<Match> matches) {
        if (with == ECHOREPLY) {
            return "ECHOREPLY no longer supported.";
        }
        if (with == TCP_RESET && (ip.proto() != Ipv4.PROTO_TCP || ip.inverted(IptIp.INV_PROTO))) {
            return "TCP_RESET invalid for non-tcp";
        }
        return null;
    }

    @Override
    public int target(Skb skb, XtParam par) {
        if (with == TCP_RESET) {
            par.services.reject(skb, true, 0);
        } else if (with != ECHOREPLY) {
            par.services.reject(skb, false, ICMP_CODE[with]);
        }
        return Verdict.NF_DROP;
    }

    @Override
    public void save(StringBuilder sb) {
        sb.append(" --reject-with ").append(NAMES[with][0]);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" reject-with ").append(NAMES[with][0]);
    }

    /** libipt_REJECT.c: the argument may be any prefix of a name or alias (first in order wins). */
    public static final class Parser extends ExtParser<Target> {
        private static final Opt[] OPTS = {Opt.arg("reject-with", 0)};
        private int with = PORT_UNREACHABLE;

        public Parser() {
            super("REJECT");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i] == null) {
                    continue;
                }
                if (prefix(arg, NAMES[i][0]) || prefix(arg, NAMES[i][1])) {
                    with = i;
                    return;
                }
            }
            throw XtError.param("unknown reject type \"" + arg + "\"");
        }

        private static boolean prefix(String arg, String name) {
            return arg.length() <= name.length() && name.regionMatches(true, 0, arg, 0, arg.length());
        }

        @Override
        protected Target build(ParseContext ctx) {
            return new RejectTarget(with);
        }
    }
}
