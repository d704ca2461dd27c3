package dev.hairpin.rules.ext;

import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.matches.AddrtypeMatch;
import dev.hairpin.rules.matches.IpvsMatch;
import dev.hairpin.rules.matches.DevgroupMatch;
import dev.hairpin.rules.targets.ConnsecmarkTarget;
import dev.hairpin.rules.targets.UlogTarget;
import dev.hairpin.rules.matches.CgroupMatch;
import dev.hairpin.rules.matches.CpuMatch;
import dev.hairpin.rules.matches.DccpMatch;
import dev.hairpin.rules.matches.IpcompMatch;
import dev.hairpin.rules.matches.RealmMatch;
import dev.hairpin.rules.matches.SocketMatch;
import dev.hairpin.rules.matches.ConnbytesMatch;
import dev.hairpin.rules.matches.EcnMatch;
import dev.hairpin.rules.matches.ConnlimitMatch;
import dev.hairpin.rules.matches.ConnmarkMatch;
import dev.hairpin.rules.matches.DscpMatch;
import dev.hairpin.rules.matches.EspMatch;
import dev.hairpin.rules.matches.HashlimitMatch;
import dev.hairpin.rules.matches.HelperMatch;
import dev.hairpin.rules.matches.IprangeMatch;
import dev.hairpin.rules.matches.LengthMatch;
import dev.hairpin.rules.matches.MacMatch;
import dev.hairpin.rules.matches.OwnerMatch;
import dev.hairpin.rules.matches.PhysdevMatch;
import dev.hairpin.rules.matches.PktTypeMatch;
import dev.hairpin.rules.matches.PolicyMatch;
import dev.hairpin.rules.matches.QuotaMatch;
import dev.hairpin.rules.matches.RecentMatch;
import dev.hairpin.rules.matches.RpfilterMatch;
import dev.hairpin.rules.matches.SctpMatch;
import dev.hairpin.rules.matches.SetMatch;
import dev.hairpin.rules.matches.StringMatch;
import dev.hairpin.rules.matches.TimeMatch;
import dev.hairpin.rules.matches.TosMatch;
import dev.hairpin.rules.matches.TtlMatch;
import dev.hairpin.rules.matches.U32Match;
import dev.hairpin.rules.matches.CommentMatch;
import dev.hairpin.rules.matches.ConntrackMatch;
import dev.hairpin.rules.matches.IcmpMatch;
import dev.hairpin.rules.matches.LimitMatch;
import dev.hairpin.rules.matches.MarkMatch;
import dev.hairpin.rules.matches.MultiportMatch;
import dev.hairpin.rules.matches.StatisticMatch;
import dev.hairpin.rules.matches.TcpMatch;
import dev.hairpin.rules.matches.TcpmssMatch;
import dev.hairpin.rules.matches.UdpMatch;
import dev.hairpin.rules.targets.AuditTarget;
import dev.hairpin.rules.targets.SynproxyTarget;
import dev.hairpin.rules.targets.TeeTarget;
import dev.hairpin.rules.targets.TcpoptstripTarget;
import dev.hairpin.rules.targets.ClassifyTarget;
import dev.hairpin.rules.targets.EcnTarget;
import dev.hairpin.rules.targets.TtlTarget;
import dev.hairpin.rules.targets.ChecksumTarget;
import dev.hairpin.rules.targets.ConnmarkTarget;
import dev.hairpin.rules.targets.CtTarget;
import dev.hairpin.rules.targets.DscpTarget;
import dev.hairpin.rules.targets.LogTarget;
import dev.hairpin.rules.targets.MarkTarget;
import dev.hairpin.rules.targets.NetmapTarget;
import dev.hairpin.rules.targets.NflogTarget;
import dev.hairpin.rules.targets.NfqueueTarget;
import dev.hairpin.rules.targets.TcpmssTarget;
import dev.hairpin.rules.targets.TosTarget;
import dev.hairpin.rules.targets.TproxyTarget;
import dev.hairpin.rules.targets.TraceTarget;
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
        MATCHES.put("mac", MacMatch.Parser::new);
        MATCHES.put("pkttype", PktTypeMatch.Parser::new);
        MATCHES.put("iprange", IprangeMatch.Parser::new);
        MATCHES.put("owner", OwnerMatch.Parser::new);
        MATCHES.put("recent", RecentMatch.Parser::new);
        MATCHES.put("connlimit", ConnlimitMatch.Parser::new);
        MATCHES.put("hashlimit", HashlimitMatch.Parser::new);
        MATCHES.put("time", TimeMatch.Parser::new);
        MATCHES.put("string", StringMatch.Parser::new);
        MATCHES.put("set", SetMatch.Parser::new);
        MATCHES.put("sctp", SctpMatch.Parser::new);
        MATCHES.put("rpfilter", RpfilterMatch.Parser::new);
        MATCHES.put("connmark", ConnmarkMatch.Parser::new);
        MATCHES.put("length", LengthMatch.Parser::new);
        MATCHES.put("ttl", TtlMatch.Parser::new);
        MATCHES.put("tos", TosMatch.Parser::new);
        MATCHES.put("dscp", DscpMatch.Parser::new);
        MATCHES.put("helper", HelperMatch.Parser::new);
        MATCHES.put("nfacct", dev.hairpin.rules.matches.NfacctMatch.Parser::new);
        MATCHES.put("u32", U32Match.Parser::new);
        MATCHES.put("physdev", PhysdevMatch.Parser::new);
        MATCHES.put("policy", PolicyMatch.Parser::new);
        MATCHES.put("esp", () -> new EspMatch.Parser(false));
        MATCHES.put("ah", () -> new EspMatch.Parser(true));
        MATCHES.put("quota", QuotaMatch.Parser::new);
        MATCHES.put("tcpmss", TcpmssMatch.Parser::new);
        MATCHES.put("connbytes", ConnbytesMatch.Parser::new);
        MATCHES.put("ecn", EcnMatch.Parser::new);
        MATCHES.put("dccp", DccpMatch.Parser::new);
        MATCHES.put("socket", SocketMatch.Parser::new);
        MATCHES.put("cpu", CpuMatch.Parser::new);
        MATCHES.put("ipcomp", IpcompMatch.Parser::new);
        MATCHES.put("realm", RealmMatch.Parser::new);
        MATCHES.put("cgroup", CgroupMatch.Parser::new);
        MATCHES.put("ipvs", IpvsMatch.Parser::new);
        MATCHES.put("devgroup", DevgroupMatch.Parser::new);

        TARGETS.put("REJECT", RejectTarget.Parser::new);
        TARGETS.put("LOG", LogTarget.Parser::new);
        TARGETS.put("SNAT", () -> new NatTarget.Parser(true));
        TARGETS.put("DNAT", () -> new NatTarget.Parser(false));
        TARGETS.put("MASQUERADE", MasqueradeTarget.Parser::new);
        TARGETS.put("REDIRECT", RedirectTarget.Parser::new);
        TARGETS.put("MARK", MarkTarget.Parser::new);
        TARGETS.put("CONNMARK", ConnmarkTarget.Parser::new);
        TARGETS.put("CT", CtTarget.Parser::new);
        TARGETS.put("NOTRACK", CtTarget.NotrackParser::new);
        TARGETS.put("CHECKSUM", ChecksumTarget.Parser::new);
        TARGETS.put("TCPMSS", TcpmssTarget.Parser::new);
        TARGETS.put("TPROXY", TproxyTarget.Parser::new);
        TARGETS.put("TOS", TosTarget.Parser::new);
        TARGETS.put("DSCP", DscpTarget.Parser::new);
        TARGETS.put("NETMAP", NetmapTarget.Parser::new);
        TARGETS.put("NFLOG", NflogTarget.Parser::new);
        TARGETS.put("NFQUEUE", NfqueueTarget.Parser::new);
        TARGETS.put("TRACE", TraceTarget.Parser::new);
        TARGETS.put("AUDIT", AuditTarget.Parser::new);
        TARGETS.put("TTL", TtlTarget.Parser::new);
        TARGETS.put("ECN", EcnTarget.Parser::new);
        TARGETS.put("CLASSIFY", ClassifyTarget.Parser::new);
        TARGETS.put("SET", dev.hairpin.rules.targets.SetTarget.Parser::new);
        TARGETS.put("TCPOPTSTRIP", TcpoptstripTarget.Parser::new);
        TARGETS.put("TEE", TeeTarget.Parser::new);
        TARGETS.put("SYNPROXY", SynproxyTarget.Parser::new);
        TARGETS.put("CONNSECMARK", ConnsecmarkTarget.Parser::new);
        TARGETS.put("ULOG", UlogTarget.Parser::new);
    }

    /** A fresh parser for {@code -m name}, or null when there is no such match. */
    public static ExtParser<Match> match(String name) {
        if (name.equals("nft")) { // the nft front-end's own expressions, only while it compiles
            return dev.hairpin.rules.nft.NftExpr.available() ? new dev.hairpin.rules.nft.NftExpr.Parser() : null;
        }
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
