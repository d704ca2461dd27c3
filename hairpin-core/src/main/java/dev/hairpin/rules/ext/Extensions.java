package dev.hairpin.rules.ext;

import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.matches.AddrtypeMatch;
import dev.hairpin.rules.matches.CommentMatch;
import dev.hairpin.rules.matches.ConntrackMatch;
import dev.hairpin.rules.matches.IcmpMatch;
import dev.hairpin.rules.matches.LimitMatch;
import dev.hairpin.rules.matches.MarkMatch;
import dev.hairpin.rules.matches.MultiportMatch;
import dev.hairpin.rules.matches.StatisticMatch;
import dev.hairpin.rules.matches.TcpMatch;
import dev.hairpin.rules.matches.UdpMatch;
import dev.hairpin.rules.targets.LogTarget;
import dev.hairpin.rules.targets.MasqueradeTarget;
import dev.hairpin.rules.targets.NatTarget;
import dev.hairpin.rules.targets.RedirectTarget;
import dev.hairpin.rules.targets.RejectTarget;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The extensions this iptables knows, by the name {@code -m} / {@code -j} take: what libxtables
 * would find as {@code libxt_NAME.so} / {@code libipt_NAME.so}. Each lookup makes a fresh parser.
 */
public final class Extensions {
    private Extensions() {}

    private static final Map<String, Supplier<ExtParser<Match>>> MATCHES = new HashMap<>();
    private static final Map<String, Supplier<ExtParser<Target>>> TARGETS = new HashMap<>();

    /** ACCEPT, DROP, QUEUE and RETURN: libxt_standard, no options */
    public static final Set<String> STANDARD = Set.of("ACCEPT", "DROP", "QUEUE", "RETURN");

    static {
        MATCHES.put("tcp", TcpMatch.Parser::new);
        MATCHES.put("udp", UdpMatch.Parser::new);
        MATCHES.put("icmp", IcmpMatch.Parser::new);
        MATCHES.put("conntrack", ConntrackMatch.Parser::new);
        MATCHES.put("state", ConntrackMatch.StateParser::new);
        MATCHES.put("multiport", MultiportMatch.Parser::new);
        MATCHES.put("comment", CommentMatch.Parser::new);
        MATCHES.put("mark", MarkMatch.Parser::new);
        MATCHES.put("statistic", StatisticMatch.Parser::new);
        MATCHES.put("addrtype", AddrtypeMatch.Parser::new);
        MATCHES.put("limit", LimitMatch.Parser::new);

        TARGETS.put("REJECT", RejectTarget.Parser::new);
        TARGETS.put("LOG", LogTarget.Parser::new);
        TARGETS.put("SNAT", () -> new NatTarget.Parser(true));
        TARGETS.put("DNAT", () -> new NatTarget.Parser(false));
        TARGETS.put("MASQUERADE", MasqueradeTarget.Parser::new);
        TARGETS.put("REDIRECT", RedirectTarget.Parser::new);
    }

    /** A fresh parser for {@code -m name}, or null when there is no such match. */
    public static ExtParser<Match> match(String name) {
        Supplier<ExtParser<Match>> s = MATCHES.get(name);
        return s == null ? null : s.get();
    }

    /** A fresh parser for {@code -j name}, or null when there is no such extension target. */
    public static ExtParser<Target> target(String name) {
        Supplier<ExtParser<Target>> s = TARGETS.get(name);
        return s == null ? null : s.get();
    }

    /** Whether {@code name} is a target (standard or extension): chain names may not clash. */
    public static boolean isTarget(String name) {
        return STANDARD.contains(name) || TARGETS.containsKey(name);
    }

    /** Whether a match of that name exists. */
    public static boolean hasMatch(String name) {
        return MATCHES.containsKey(name);
    }
}
