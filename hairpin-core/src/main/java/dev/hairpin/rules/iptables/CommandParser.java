package dev.hairpin.rules.iptables;

import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Target;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Extensions;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.Xt;
import dev.hairpin.rules.ext.XtError;
import dev.hairpin.rules.matches.TcpMatch;
import dev.hairpin.rules.matches.UdpMatch;

import java.util.ArrayList;
import java.util.List;

/**
 * iptables' {@code do_parse()} (xshared.c) over an argument vector: the same getopt loop, the same
 * on-demand loading of extensions (including the implicit protocol match of {@code -p tcp
 * --dport}), the same checks in the same order, hence the same error for the same input.
 */
final class CommandParser {
    private static final String OPTSTRING = "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x";
    private static final int XT_OPTION_OFFSET_SCALE = 256;
    /** XT_EXTENSION_MAXNAMELEN */
    static final int MAXNAMELEN = 29;

    private static final List<Getopt.LongOpt> ORIGINAL = List.of(
            lo("append", 1, 'A'), lo("delete", 1, 'D'), lo("check", 1, 'C'), lo("insert", 1, 'I'),
            lo("replace", 1, 'R'), lo("list", 2, 'L'), lo("list-rules", 2, 'S'), lo("flush", 2, 'F'),
            lo("zero", 2, 'Z'), lo("new-chain", 1, 'N'), lo("delete-chain", 2, 'X'), lo("rename-chain", 1, 'E'),
            lo("policy", 1, 'P'), lo("source", 1, 's'), lo("destination", 1, 'd'), lo("src", 1, 's'),
            lo("dst", 1, 'd'), lo("protocol", 1, 'p'), lo("in-interface", 1, 'i'), lo("jump", 1, 'j'),
            lo("table", 1, 't'), lo("match", 1, 'm'), lo("numeric", 0, 'n'), lo("out-interface", 1, 'o'),
            lo("verbose", 0, 'v'), lo("wait", 2, 'w'), lo("wait-interval", 2, 'W'), lo("exact", 0, 'x'),
            lo("fragments", 0, 'f'), lo("version", 0, 'V'), lo("help", 2, 'h'), lo("line-numbers", 0, '0'),
            lo("modprobe", 1, 'M'), lo("set-counters", 1, 'c'), lo("goto", 1, 'g'), lo("ipv4", 0, '4'),
            lo("ipv6", 0, '6'));

    private static final char[] OPTFLAGS = {'n', 's', 'd', 'p', 'j', 'v', 'x', 'i', 'o', '0', 'c', 'f'};
    private static final int[] INVERSE_FOR_OPTIONS = {0, IptIp.INV_SRCIP, IptIp.INV_DSTIP, IptIp.INV_PROTO, 0, 0, 0,
        IptIp.INV_VIA_IN, IptIp.INV_VIA_OUT, 0, 0, IptIp.INV_FRAG};
    private static final char[] CMDFLAGS = {'I', 'D', 'D', 'R', 'A', 'L', 'F', 'Z', 'N', 'X', 'P', 'E', 'S', 'Z', 'C'};
    /** commands_v_options: rows per command bit, columns per OPTFLAGS */
    private static final String[] COMMANDS_V_OPTIONS = {
        "x     x  x  ", // INSERT
        "x     x  xx ", // DELETE
        "xxxxx xxxxxx", // DELETE_NUM
        "x     x  x  ", // REPLACE
        "x     x  x  ", // APPEND
        " xxxx  xx xx", // LIST
        "xxxxx xxxxxx", // FLUSH
        "xxxxx xxxxxx", // ZERO
        "xxxxx xxxxxx", // NEW_CHAIN
        "xxxxx xxxxxx", // DEL_CHAIN
        "xxxxx xxxx x", // SET_POLICY
        "xxxxx xxxxxx", // RENAME
        "xxxxx xxxxxx", // LIST_RULES
        "xxxxx xxxxxx", // ZERO_NUM
        "x     x  xx ", // CHECK
    };


    private static Getopt.LongOpt lo(String n, int has, int val) {
        return new Getopt.LongOpt(n, has, val);
    }

    /** A loaded extension with its option codes. */
    private static final class Loaded<T> {
        final ExtParser<T> parser;
        final int offset;

        Loaded(ExtParser<T> parser, int offset) {
            this.parser = parser;
            this.offset = offset;
        }
    }

    private final List<String> argv;
    private final boolean restore;
    private final int line;
    private final String program;
    private final Getopt g;
    private final ParsedCommand p = new ParsedCommand();
    private final List<Loaded<Match>> matches = new ArrayList<>();
    private Loaded<Target> target;
    private List<Getopt.LongOpt> opts = new ArrayList<>(ORIGINAL);
    private int optionOffset;
    private String protocol;
    private boolean protoUsed;
    private String shost;
    private String dhost;

    /**
     * @param argv    the words, argv[0] the program name
     * @param restore true inside iptables-restore (which already put "-t table" in front)
     */
    private java.util.function.Predicate<String> ipsets = n -> true;

    /** where warnings go (stderr, before any error); the caller's buffer */
    private StringBuilder warnings = new StringBuilder();
    private boolean waitSet;
    private boolean waitIntervalSet;

    CommandParser withWarnings(StringBuilder sink) {
        this.warnings = sink;
        return this;
    }

    CommandParser withIpsets(java.util.function.Predicate<String> known) {
        this.ipsets = known;
        return this;
    }

    CommandParser(List<String> argv, boolean restore, int line, String program) {
        this.argv = argv;
        this.restore = restore;
        this.line = line;
        this.program = program;
        this.g = new Getopt(argv, OPTSTRING);
        g.setLongOpts(opts);
    }

    private final ParseContext ctx = new ParseContext() {
        @Override
        public int proto() {
            return p.proto;
        }

        @Override
        public int invflags() {
            return p.invflags;
        }

        @Override
        public String table() {
            return p.table;
        }

        @Override
        public String peekArg() {
            return g.optind < g.argc() ? g.arg(g.optind) : null;
        }

        @Override
        public void skipArg() {
            g.optind++;
        }

        @Override
        public boolean ipsetExists(String name) {
            return ipsets.test(name);
        }

        @Override
        public void warn(String text) {
            warnings.append(text);
        }
    };

    ParsedCommand parse() {
        boolean invert = false;
        boolean tableSet = false;
        int c;
        while ((c = g.next()) != -1) {
            String optarg = g.optarg;
            switch (c) {
                case 'A' -> {
                    addCommand(ParsedCommand.CMD_APPEND, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                }
                case 'C' -> {
                    addCommand(ParsedCommand.CMD_CHECK, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                }
                case 'D' -> {
                    addCommand(ParsedCommand.CMD_DELETE, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                    if (hasArg()) {
                        p.rulenum = ruleNumber(g.arg(g.optind++));
                        p.command = ParsedCommand.CMD_DELETE_NUM;
                    }
                }
                case 'R' -> {
                    addCommand(ParsedCommand.CMD_REPLACE, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                    if (hasArg()) {
                        p.rulenum = ruleNumber(g.arg(g.optind++));
                    } else {
                        throw XtError.param("-R requires a rule number");
                    }
                }
                case 'I' -> {
                    addCommand(ParsedCommand.CMD_INSERT, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                    p.rulenum = hasArg() ? ruleNumber(g.arg(g.optind++)) : 1;
                }
                case 'L', 'S' -> {
                    addCommand(c == 'L' ? ParsedCommand.CMD_LIST : ParsedCommand.CMD_LIST_RULES,
                            ParsedCommand.CMD_ZERO | ParsedCommand.CMD_ZERO_NUM, invert);
                    if (optarg != null) {
                        p.chain = optarg;
                    } else if (hasArg()) {
                        p.chain = g.arg(g.optind++);
                    }
                    if (hasArg()) {
                        p.rulenum = ruleNumber(g.arg(g.optind++));
                    }
                }
                case 'F' -> {
                    addCommand(ParsedCommand.CMD_FLUSH, ParsedCommand.CMD_NONE, invert);
                    optionalChain(optarg);
                }
                case 'Z' -> {
                    addCommand(ParsedCommand.CMD_ZERO, ParsedCommand.CMD_LIST | ParsedCommand.CMD_LIST_RULES, invert);
                    optionalChain(optarg);
                    if (hasArg()) {
                        p.rulenum = ruleNumber(g.arg(g.optind++));
                        p.command = ParsedCommand.CMD_ZERO_NUM;
                    }
                }
                case 'N' -> {
                    assertValidChainName(optarg);
                    addCommand(ParsedCommand.CMD_NEW_CHAIN, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                }
                case 'X' -> {
                    addCommand(ParsedCommand.CMD_DELETE_CHAIN, ParsedCommand.CMD_NONE, invert);
                    optionalChain(optarg);
                }
                case 'E' -> {
                    addCommand(ParsedCommand.CMD_RENAME_CHAIN, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                    if (hasArg()) {
                        p.newname = g.arg(g.optind++);
                    } else {
                        throw XtError.param("-E requires old-chain-name and new-chain-name");
                    }
                }
                case 'P' -> {
                    addCommand(ParsedCommand.CMD_SET_POLICY, ParsedCommand.CMD_NONE, invert);
                    p.chain = optarg;
                    if (hasArg()) {
                        p.policy = g.arg(g.optind++);
                    } else {
                        throw XtError.param("-P requires a chain and a policy");
                    }
                }
                case 'h' -> throw new HelpRequested(helpBlocks());
                case 'p' -> {
                    setOption(ParsedCommand.OPT_PROTOCOL, invert);
                    protocol = word().toLowerCase(java.util.Locale.ROOT);
                    p.proto = Xt.parseProtocol(protocol);
                    if (p.proto == 0 && (p.invflags & IptIp.INV_PROTO) != 0) {
                        throw XtError.param("rule would never match protocol");
                    }
                }
                case 's' -> {
                    setOption(ParsedCommand.OPT_SOURCE, invert);
                    shost = word();
                }
                case 'd' -> {
                    setOption(ParsedCommand.OPT_DESTINATION, invert);
                    dhost = word();
                }
                case 'g' -> {
                    setOption(ParsedCommand.OPT_JUMP, invert);
                    p.gotoSet = true;
                    p.jumpto = parseTargetName(optarg);
                }
                case 'j' -> {
                    setOption(ParsedCommand.OPT_JUMP, invert);
                    jump(word());
                }
                case 'i', 'o' -> {
                    if (optarg.isEmpty()) {
                        throw XtError.param("Empty interface is likely to be undesired");
                    }
                    setOption(c == 'i' ? ParsedCommand.OPT_VIANAMEIN : ParsedCommand.OPT_VIANAMEOUT, invert);
                    String name = parseInterface(word());
                    if (c == 'i') {
                        p.iniface = name;
                    } else {
                        p.outiface = name;
                    }
                }
                case 'f' -> {
                    setOption(ParsedCommand.OPT_FRAGMENT, invert);
                    p.flags |= IptIp.F_FRAG;
                }
                case 'v' -> {
                    if (p.verbose == 0) {
                        setOption(ParsedCommand.OPT_VERBOSE, invert);
                    }
                    p.verbose++;
                }
                case 'm' -> {
                    if (invert) {
                        throw XtError.param("unexpected ! flag before --match");
                    }
                    loadMatch(optarg);
                }
                case 'n' -> setOption(ParsedCommand.OPT_NUMERIC, invert);
                case 't' -> {
                    if (invert) {
                        throw XtError.param("unexpected ! flag before --table");
                    }
                    if (restore && tableSet) {
                        throw XtError.param("The -t option cannot be used in " + program + ".\n");
                    }
                    p.table = optarg;
                    tableSet = true;
                }
                case 'x' -> setOption(ParsedCommand.OPT_EXPANDED, invert);
                case 'V' -> throw new VersionRequested(invert);
                case 'w' -> {
                    if (restore) {
                        throw XtError.param("You cannot use `-w' from iptables-restore");
                    }
                    waitTime(optarg);
                    waitSet = true;
                }
                case 'W' -> {
                    if (restore) {
                        throw XtError.param("You cannot use `-W' from iptables-restore");
                    }
                    waitInterval(optarg);
                    warnings.append("Ignoring deprecated --wait-interval option.\n");
                    waitIntervalSet = true;
                }
                case '0' -> setOption(ParsedCommand.OPT_LINENUMBERS, invert);
                case 'M' -> {
                    // --modprobe: no modules to load here
                }
                case 'c' -> counters(optarg, invert);
                case '4' -> {
                    // IPv4: nothing to do
                }
                case '6' -> {
                    if (restore) {
                        // ip6tables lines are skipped by iptables-restore
                        p.command = ParsedCommand.CMD_NONE;
                        return p;
                    }
                    throw new TryHelp(2);
                }
                case 1 -> {
                    if (optarg.equals("!")) {
                        if (invert) {
                            throw XtError.param("multiple consecutive ! not allowed");
                        }
                        invert = true;
                        continue;
                    }
                    throw XtError.raw(2, "Bad argument `" + optarg + "'\n");
                }
                default -> {
                    if (commandDefault(c, optarg, invert)) {
                        continue;
                    }
                }
            }
            invert = false;
        }

        if (waitIntervalSet && !waitSet) {
            throw XtError.param("--wait-interval only makes sense with --wait\n");
        }
        if (p.table.equals("nat") && ("DROP".equals(p.policy) || "DROP".equals(p.jumpto))) {
            throw XtError.param("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n");
        }
        for (Loaded<Match> m : matches) {
            p.matches.add(m.parser.finish(ctx));
        }
        if (target != null) {
            p.target = target.parser.finish(ctx);
        }
        if (g.optind < g.argc()) {
            throw XtError.param("unknown arguments found on commandline");
        }
        if (p.command == 0) {
            throw XtError.param("no command specified");
        }
        if (invert) {
            throw XtError.param("nothing appropriate following !");
        }
        postParse();
        if (p.command == ParsedCommand.CMD_REPLACE && (p.saddrs.size() != 1 || p.daddrs.size() != 1)) {
            throw XtError.param("Replacement rule does not specify a unique address");
        }
        genericOptCheck();
        if (p.chain != null && bytes(p.chain) >= MAXNAMELEN) {
            throw XtError.param("chain name `" + p.chain + "' too long (must be under " + MAXNAMELEN + " chars)");
        }
        if ((p.command & (ParsedCommand.CMD_APPEND | ParsedCommand.CMD_DELETE | ParsedCommand.CMD_DELETE_NUM
                | ParsedCommand.CMD_CHECK | ParsedCommand.CMD_INSERT | ParsedCommand.CMD_REPLACE)) != 0
                && Integer.bitCount(p.command) == 1) {
            if ((p.chain.equals("PREROUTING") || p.chain.equals("INPUT")) && p.has(ParsedCommand.OPT_VIANAMEOUT)) {
                throw XtError.param("Can't use -o with " + p.chain + "\n");
            }
            if ((p.chain.equals("POSTROUTING") || p.chain.equals("OUTPUT")) && p.has(ParsedCommand.OPT_VIANAMEIN)) {
                throw XtError.param("Can't use -i with " + p.chain + "\n");
            }
        }
        nftChecks();
        return p;
    }

    // ---------------------------------------------------------------- commands and options

    private boolean hasArg() {
        return g.optind < g.argc() && !g.arg(g.optind).startsWith("-") && !g.arg(g.optind).startsWith("!");
    }

    private void optionalChain(String optarg) {
        if (optarg != null) {
            p.chain = optarg;
        } else if (hasArg()) {
            p.chain = g.arg(g.optind++);
        }
    }

    private static char cmd2char(int option) {
        int i = 0;
        while (option > 1) {
            option >>= 1;
            i++;
        }
        return CMDFLAGS[i];
    }

    private void addCommand(int newcmd, int othercmds, boolean invert) {
        if (invert) {
            throw XtError.param("unexpected '!' flag");
        }
        if ((p.command & ~othercmds) != 0) {
            throw XtError.param("Cannot use -" + cmd2char(newcmd) + " with -" + cmd2char(p.command & ~othercmds));
        }
        p.command |= newcmd;
    }

    private static int ruleNumber(String s) {
        long v = Xt.strtoui(s, 1, Integer.MAX_VALUE);
        if (v < 0) {
            throw XtError.param("Invalid rule number `" + s + "'");
        }
        return (int) v;
    }

    private static char opt2char(int option) {
        int i = 0;
        while (option > 1) {
            option >>= 1;
            i++;
        }
        return OPTFLAGS[i];
    }

    private void setOption(int option, boolean invert) {
        if ((p.options & option) != 0) {
            throw XtError.param("multiple -" + opt2char(option) + " flags not allowed");
        }
        p.options |= option;
        if (invert) {
            int i = Integer.numberOfTrailingZeros(option);
            if (INVERSE_FOR_OPTIONS[i] == 0) {
                throw XtError.param("cannot have ! before -" + opt2char(option));
            }
            p.invflags |= INVERSE_FOR_OPTIONS[i];
        }
    }

    static void assertValidChainName(String name) {
        if (bytes(name) >= MAXNAMELEN) {
            throw XtError.param("chain name `" + name + "' too long (must be under " + MAXNAMELEN + " chars)");
        }
        if (name.startsWith("-") || name.startsWith("!")) {
            throw XtError.param("chain name not allowed to start with `" + name.charAt(0) + "'");
        }
        if (Extensions.isTarget(name)) {
            throw XtError.param("chain name may not clash with target name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isWhitespace(name.charAt(i))) {
                throw XtError.param("Invalid chain name `" + name + "'");
            }
        }
    }

    private static int bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static String parseTargetName(String name) {
        if (name.isEmpty()) {
            throw XtError.param("Invalid target name (too short)");
        }
        if (bytes(name) >= MAXNAMELEN) {
            throw XtError.param("Invalid target name `" + name + "' (" + (MAXNAMELEN - 1) + " chars max)");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isWhitespace(name.charAt(i))) {
                throw XtError.param("Invalid target name `" + name + "'");
            }
        }
        return name;
    }

    /** xtables_parse_interface(): the name as given; "+" alone (any) is kept only when inverted */
    private String parseInterface(String arg) {
        if (bytes(arg) + 1 > 16) {
            throw XtError.param("interface name `" + arg + "' must be shorter than IFNAMSIZ (15)");
        }
        if (arg.indexOf('/') >= 0 || arg.indexOf(' ') >= 0) {
            warnings.append("Warning: weird character in interface `").append(arg)
                    .append("' ('/' and ' ' are not allowed by the kernel).\n");
        }
        return arg;
    }

    private void waitTime(String optarg) {
        String a = optarg;
        if (a == null && hasArg()) {
            a = g.arg(g.optind++);
        }
        if (a != null && Xt.strtoulPrefix(a, 0, 0, 0) == null && !a.startsWith("-")) {
            throw XtError.param("wait seconds not numeric");
        }
    }

    private void waitInterval(String optarg) {
        String a = optarg;
        if (a == null) {
            if (hasArg()) {
                a = g.arg(g.optind++);
            } else {
                throw XtError.param("wait interval value required");
            }
        }
        Xt.Num n = Xt.strtoul(a, 0);
        if (n.end() == 0) {
            throw XtError.param("wait interval not numeric");
        }
        if (n.value() > 999999) {
            throw XtError.param("too long usec wait " + n.value() + " > 999999 usec");
        }
    }

    private void counters(String optarg, boolean invert) {
        setOption(ParsedCommand.OPT_COUNTERS, invert);
        String pc = optarg;
        String bc = null;
        int comma = pc.length() > 1 ? pc.indexOf(',', 1) : -1;
        if (comma >= 0) {
            bc = pc.substring(comma + 1);
        }
        if (bc == null && hasArg()) {
            bc = g.arg(g.optind++);
        }
        if (bc == null) {
            throw XtError.param("-c requires packet and byte counter");
        }
        Long pv = scanU64(pc);
        if (pv == null) {
            throw XtError.param("-c packet counter not numeric");
        }
        Long bv = scanU64(bc);
        if (bv == null) {
            throw XtError.param("-c byte counter not numeric");
        }
        p.countersSet = true;
        p.pcnt = pv;
        p.bcnt = bv;
    }

    /** sscanf("%llu"): leading blanks, optional sign, decimal digits; null when none */
    static Long scanU64(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        boolean overflow = false;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            int d = s.charAt(i) - '0';
            // strtoull() saturates at ULLONG_MAX (ERANGE), which sscanf passes on
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            v = v * 10 + d;
            i++;
        }
        if (i == start) {
            return null;
        }
        if (overflow) {
            return -1L;
        }
        return neg ? -v : v;
    }

    // ---------------------------------------------------------------- extensions

    private void jump(String name) {
        p.jumpto = parseTargetName(name);
        if (Extensions.STANDARD.contains(name)) {
            // libxt_standard: a target without options
            target = null;
            return;
        }
        ExtParser<Target> t = Extensions.target(name);
        if (t == null) {
            return;
        }
        if (t instanceof dev.hairpin.rules.targets.UlogTarget.Parser) {
            warnings.append(dev.hairpin.rules.targets.UlogTarget.Parser.WARNING);
        }
        optionOffset += XT_OPTION_OFFSET_SCALE;
        target = new Loaded<>(t, optionOffset);
        merge(t.options(), optionOffset);
    }

    private void loadMatch(String name) {
        if (bytes(name) >= MAXNAMELEN) {
            throw XtError.param("Invalid match name \"" + name + "\" (" + (MAXNAMELEN - 1) + " chars max)");
        }
        ExtParser<Match> m = Extensions.match(name);
        if (m == null) {
            throw XtError.param("Couldn't load match `" + name + "':No such file or directory\n");
        }
        optionOffset += XT_OPTION_OFFSET_SCALE;
        matches.add(new Loaded<>(m, optionOffset));
        merge(m.options(), optionOffset);
    }

    /** xtables_options_xfrm(): the original options first, then the new ones, then the older */
    private void merge(Opt[] newOpts, int offset) {
        List<Getopt.LongOpt> merged = new ArrayList<>(ORIGINAL);
        for (Opt o : newOpts) {
            merged.add(new Getopt.LongOpt(o.name(), o.hasArg() ? Getopt.REQUIRED : Getopt.NO_ARG, offset + o.id()));
        }
        merged.addAll(opts.subList(ORIGINAL.size(), opts.size()));
        opts = merged;
        g.setLongOpts(opts);
    }

    /** command_default(): an extension's option, the implicit protocol match, or an error */
    private boolean commandDefault(int c, String optarg, boolean invert) {
        if (target != null && c >= target.offset && c < target.offset + XT_OPTION_OFFSET_SCALE) {
            dispatch(target.parser, c - target.offset, optarg, invert);
            return false;
        }
        for (Loaded<Match> m : matches) {
            if (c >= m.offset && c < m.offset + XT_OPTION_OFFSET_SCALE) {
                dispatch(m.parser, c - m.offset, optarg, invert);
                return false;
            }
        }
        if (loadProto()) {
            g.optind--;
            return true;
        }
        if (c == ':') {
            throw XtError.param("option \"" + g.arg(g.optind - 1) + "\" requires an argument");
        }
        if (c == '?') {
            throw XtError.param("unknown option \"" + g.arg(g.optind - 1) + "\"");
        }
        throw XtError.param("Unknown arg \"" + optarg + "\"");
    }

    private <T> void dispatch(ExtParser<T> parser, int id, String optarg, boolean invert) {
        for (Opt o : parser.options()) {
            if (o.id() == id) {
                parser.parseOption(o, optarg, invert, ctx);
                return;
            }
        }
        throw new XtError(XtError.OTHER_PROBLEM, "Extension does not know id " + id);
    }

    /** load_proto(): -p NAME loads match NAME on the first option nobody knows */
    private boolean loadProto() {
        if (protocol == null) {
            return false;
        }
        String name = protocol;
        long num = Xt.strtoui(protocol, 0, 255);
        if (num >= 0) {
            name = Xt.protoName((int) num, p.has(ParsedCommand.OPT_NUMERIC));
            if (name == null) {
                return false;
            }
        }
        if (!Extensions.hasMatch(name)) {
            return false;
        }
        if (protoUsed) {
            return false;
        }
        protoUsed = true;
        ExtParser<Match> m = Extensions.match(name);
        optionOffset += XT_OPTION_OFFSET_SCALE;
        matches.add(new Loaded<>(m, optionOffset));
        merge(m.options(), optionOffset);
        return true;
    }

    // ---------------------------------------------------------------- after the loop

    /** ipv4_post_parse(): addresses, defaulting to 0.0.0.0/0 for rule commands */
    private void postParse() {
        int ruleCmds = ParsedCommand.CMD_REPLACE | ParsedCommand.CMD_INSERT | ParsedCommand.CMD_DELETE
                | ParsedCommand.CMD_APPEND | ParsedCommand.CMD_CHECK;
        if ((p.command & ruleCmds) != 0) {
            if (!p.has(ParsedCommand.OPT_DESTINATION)) {
                dhost = "0.0.0.0/0";
            }
            if (!p.has(ParsedCommand.OPT_SOURCE)) {
                shost = "0.0.0.0/0";
            }
        }
        if (p.gotoSet) {
            p.flags |= IptIp.F_GOTO;
        }
        if (shost != null) {
            p.saddrs = Xt.ipparseMultiple(shost);
        }
        if (dhost != null) {
            p.daddrs = Xt.ipparseMultiple(dhost);
        }
        if ((p.saddrs.size() > 1 || p.daddrs.size() > 1)
                && (p.invflags & (IptIp.INV_SRCIP | IptIp.INV_DSTIP)) != 0) {
            throw XtError.param("! not allowed with multiple source or destination IP addresses");
        }
        // iptables-nft does not add "-i +" (any) to the rule at all
        if (p.iniface.equals("+") && (p.invflags & IptIp.INV_VIA_IN) == 0) {
            p.iniface = "";
        }
        if (p.outiface.equals("+") && (p.invflags & IptIp.INV_VIA_OUT) == 0) {
            p.outiface = "";
        }
    }

    private void genericOptCheck() {
        for (int i = 0; i < OPTFLAGS.length; i++) {
            int legal = 0;
            for (int j = 0; j < COMMANDS_V_OPTIONS.length; j++) {
                if ((p.command & (1 << j)) == 0) {
                    continue;
                }
                char k = COMMANDS_V_OPTIONS[j].length() > i ? COMMANDS_V_OPTIONS[j].charAt(i) : ' ';
                if ((p.options & (1 << i)) != 0) {
                    if (k != 'x') {
                        legal = 1;
                    } else if (legal == 0) {
                        legal = -1;
                    }
                }
            }
            if (legal == -1) {
                throw XtError.param("Illegal option `-" + OPTFLAGS[i] + "' with this command");
            }
        }
    }

    /**
     * What iptables-nft checks while turning the rule into nf_tables expressions: a tcp or udp
     * match it makes native needs the matching {@code -p}.
     */
    private void nftChecks() {
        for (Match m : p.matches) {
            if (m instanceof TcpMatch t && !t.allZero() && p.proto != 6) {
                throw XtError.param("TCP match requires '-p tcp'");
            }
            if (m instanceof UdpMatch u && !u.allZero() && p.proto != 17) {
                throw XtError.param("UDP match requires '-p udp'");
            }
        }
    }

    /**
     * print_extension_helps(): the target's help (ACCEPT, DROP, QUEUE and RETURN: the standard
     * one), then each loaded match's in order; with no match, the one a named -p loads (recorded).
     */
    private List<String> helpBlocks() {
        List<String> out = new ArrayList<>();
        if (p.jumpto != null && !p.jumpto.isEmpty()) {
            String b = dev.hairpin.rules.ext.ExtHelp.block("target",
                    Extensions.STANDARD.contains(p.jumpto) ? "standard" : p.jumpto);
            if (b != null) {
                out.add(b);
            }
        }
        List<String> names = new ArrayList<>();
        for (Loaded<Match> m : matches) {
            names.add(m.parser.extName());
        }
        if (names.isEmpty() && protocol != null && Extensions.hasMatch(protocol)) {
            names.add(protocol);
        }
        for (String n : names) {
            String b = dev.hairpin.rules.ext.ExtHelp.block("match", n);
            if (b != null) {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * argv[optind - 1]: -p, -s, -d, -i, -o and -j take the whole last word rather than the
     * option's argument, so "-ptcp" is protocol "-ptcp" and "--source=x" host "--source=x"
     * (recorded; -g, -m and the extensions' options take the argument).
     */
    private String word() {
        return g.arg(g.optind - 1);
    }

    /** -h: the caller prints the help text, then these extensions' help blocks. */
    static final class HelpRequested extends RuntimeException {
        final List<String> blocks;

        HelpRequested(List<String> blocks) {
            super(null, null, false, false);
            this.blocks = blocks;
        }
    }

    /** -V: the caller prints the version. */
    static final class VersionRequested extends RuntimeException {
        final boolean inverted;

        VersionRequested(boolean inverted) {
            super(null, null, false, false);
            this.inverted = inverted;
        }
    }

    /** exit_tryhelp(status) without a message. */
    static final class TryHelp extends RuntimeException {
        final int status;

        TryHelp(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }
}
