package dev.hairpin.rules.iptables;

import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.ext.Extensions;
import dev.hairpin.rules.ext.Xt;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables command line after {@code do_parse()}: the command and its chain/rule number,
 * the options given, and the rule it describes (the IP part with every source x destination
 * address combination, the matches, the target).
 */
final class ParsedCommand {
    static final int CMD_NONE = 0;
    static final int CMD_INSERT = 1;
    static final int CMD_DELETE = 1 << 1;
    static final int CMD_DELETE_NUM = 1 << 2;
    static final int CMD_REPLACE = 1 << 3;
    static final int CMD_APPEND = 1 << 4;
    static final int CMD_LIST = 1 << 5;
    static final int CMD_FLUSH = 1 << 6;
    static final int CMD_ZERO = 1 << 7;
    static final int CMD_NEW_CHAIN = 1 << 8;
    static final int CMD_DELETE_CHAIN = 1 << 9;
    static final int CMD_SET_POLICY = 1 << 10;
    static final int CMD_RENAME_CHAIN = 1 << 11;
    static final int CMD_LIST_RULES = 1 << 12;
    static final int CMD_ZERO_NUM = 1 << 13;
    static final int CMD_CHECK = 1 << 14;

    static final int OPT_NUMERIC = 1;
    static final int OPT_SOURCE = 1 << 1;
    static final int OPT_DESTINATION = 1 << 2;
    static final int OPT_PROTOCOL = 1 << 3;
    static final int OPT_JUMP = 1 << 4;
    static final int OPT_VERBOSE = 1 << 5;
    static final int OPT_EXPANDED = 1 << 6;
    static final int OPT_VIANAMEIN = 1 << 7;
    static final int OPT_VIANAMEOUT = 1 << 8;
    static final int OPT_LINENUMBERS = 1 << 9;
    static final int OPT_COUNTERS = 1 << 10;
    static final int OPT_FRAGMENT = 1 << 11;

    int command;
    String chain;
    int rulenum;
    String newname;
    String policy;
    String table = "filter";
    int options;
    int verbose;

    int proto;
    int invflags;
    int flags;
    String iniface = "";
    String outiface = "";
    List<Xt.AddrMask> saddrs = List.of(new Xt.AddrMask(0, 0));
    List<Xt.AddrMask> daddrs = List.of(new Xt.AddrMask(0, 0));

    /** -j/-g name ("" when none) */
    String jumpto = "";
    boolean gotoSet;
    /** the extension target, null for standard verdicts and chains */
    Target target;
    final List<Match> matches = new ArrayList<>();

    boolean countersSet;
    long pcnt;
    long bcnt;

    boolean has(int opt) {
        return (options & opt) != 0;
    }

    /** One rule per source/destination address pair, in the order iptables adds them. */
    List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Xt.AddrMask s : saddrs) {
            for (Xt.AddrMask d : daddrs) {
                IptIp ip = new IptIp(s.addr(), s.mask(), d.addr(), d.mask(), iniface, outiface, proto, flags,
                        invflags);
                out.add(rule(ip));
            }
        }
        return out;
    }

    private Rule rule(IptIp ip) {
        Rule r;
        if (target != null) {
            r = Rule.target(ip, matches, target);
        } else if (jumpto.isEmpty()) {
            r = Rule.verdict(ip, matches, Rule.Kind.NONE);
        } else if (!gotoSet && Extensions.STANDARD.contains(jumpto)) {
            r = Rule.verdict(ip, matches, Rule.Kind.valueOf(jumpto));
        } else {
            r = Rule.jump(ip, matches, jumpto, gotoSet);
        }
        if (countersSet) {
            r.counter().set(pcnt, bcnt);
        }
        return r;
    }
}
