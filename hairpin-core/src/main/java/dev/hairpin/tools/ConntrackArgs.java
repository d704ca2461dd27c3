package dev.hairpin.tools;

import dev.hairpin.conntrack.CtStatus;
import java.util.List;
import java.util.Locale;

/**
 * conntrack-tools 1.4.7's command line (do_parse() and its protocol extensions): the command,
 * the option bits it checks against its table of legal combinations, and the template
 * attributes filters compare. Refused input throws {@link Refused} carrying the tool's exact
 * message and exit status (2 = PARAMETER_PROBLEM, 1 = OTHER_PROBLEM).
 */
final class ConntrackArgs {
    /** enum ct_command bits (conntrack.h) */
    static final int CT_LIST = 1, CT_CREATE = 1 << 1, CT_UPDATE = 1 << 2, CT_DELETE = 1 << 3, CT_GET = 1 << 4,
            CT_FLUSH = 1 << 5, CT_EVENT = 1 << 6, CT_VERSION = 1 << 7, CT_HELP = 1 << 8, EXP_LIST = 1 << 9,
            EXP_CREATE = 1 << 10, EXP_DELETE = 1 << 11, EXP_GET = 1 << 12, EXP_FLUSH = 1 << 13, EXP_EVENT = 1 << 14,
            CT_COUNT = 1 << 15, EXP_COUNT = 1 << 16, CT_STATS = 1 << 17, EXP_STATS = 1 << 18, CT_ADD = 1 << 19;
    static final int NUMBER_OF_CMD = 20;

    /** enum ct_options bits, in the order of optflags[] */
    static final int O_SRC = 1, O_DST = 1 << 1, O_REPL_SRC = 1 << 2, O_REPL_DST = 1 << 3, O_PROTO = 1 << 4,
            O_TIMEOUT = 1 << 5, O_STATUS = 1 << 6, O_ZERO = 1 << 7, O_EVENT_MASK = 1 << 8, O_EXP_SRC = 1 << 9,
            O_EXP_DST = 1 << 10, O_MASK_SRC = 1 << 11, O_MASK_DST = 1 << 12, O_NATRANGE = 1 << 13, O_MARK = 1 << 14,
            O_ID = 1 << 15, O_FAMILY = 1 << 16, O_SRC_NAT = 1 << 17, O_DST_NAT = 1 << 18, O_OUTPUT = 1 << 19,
            O_SECMARK = 1 << 20, O_BUFFERSIZE = 1 << 21, O_ANY_NAT = 1 << 22, O_ZONE = 1 << 23, O_LABEL = 1 << 24,
            O_ADD_LABEL = 1 << 25, O_DEL_LABEL = 1 << 26, O_ORIG_ZONE = 1 << 27, O_REPL_ZONE = 1 << 28;
    static final int O_ORIG = O_SRC | O_DST;
    static final int O_REPL = O_REPL_SRC | O_REPL_DST;
    /** CT_COMPARISON: options that make the userspace filter compare attributes */
    static final int COMPARISON = O_PROTO | O_ORIG | O_REPL | O_MARK | O_SECMARK | O_STATUS | O_ID | O_ZONE | O_LABEL
            | O_ORIG_ZONE | O_REPL_ZONE;

    static final String[] OPTFLAGS = {"src", "dst", "reply-src", "reply-dst", "protonum", "timeout", "status", "zero",
        "event-mask", "tuple-src", "tuple-dst", "mask-src", "mask-dst", "nat-range", "mark", "id", "family", "src-nat",
        "dst-nat", "output", "secmark", "buffer-size", "any-nat", "zone", "label", "label-add", "label-del", "orig-zone",
        "reply-zone"};

    /** commands_v_options[][]: 0 illegal, 1 compulsory, 2 optional, 3 coupled (see generic_opt_check) */
    static final String[] CMD_V_OPTS = {
        "22222022000220202222202220022", // CT_LIST
        "33331120000002200220000202022", // CT_CREATE
        "22222220000220222222000022200", // CT_UPDATE
        "22222220000220222222000220022", // CT_DELETE
        "33331000000000020002000020000", // CT_GET
        "00000000000000002000000000000", // CT_FLUSH
        "22222000200220202222222220022", // CT_EVENT
        "00000000000000000000000000000", // CT_VERSION
        "00002000000000000000000000000", // CT_HELP
        "00000000000000002002000000000", // EXP_LIST
        "11221120011110000000000000000", // EXP_CREATE
        "11221000000000000000000000000", // EXP_DELETE
        "11221000000000000000000000000", // EXP_GET
        "00000000000000000000000000000", // EXP_FLUSH
        "00000000000000000002000000000", // EXP_EVENT
        "00000000000000000000000000000", // CT_COUNT
        "00000000000000000000000000000", // EXP_COUNT
        "00000000000000000000000000000", // CT_STATS
        "00000000000000000000000000000", // EXP_STATS
        "33331120000002200220000202022", // CT_ADD
    };

    /** parse_array[PARSE_STATUS] */
    static final String[] STATUS_NAMES = {"ASSURED", "SEEN_REPLY", "UNSET", "FIXED_TIMEOUT", "EXPECTED", "OFFLOAD", "HW_OFFLOAD"};
    static final int[] STATUS_BITS = {CtStatus.ASSURED, CtStatus.SEEN_REPLY, 0, CtStatus.FIXED_TIMEOUT, CtStatus.EXPECTED,
        CtStatus.OFFLOAD, CtStatus.HW_OFFLOAD};
    static final int EV_NEW = 1, EV_UPD = 2, EV_DEL = 4;
    static final String[] EVENT_NAMES = {"ALL", "NEW", "UPDATES", "DESTROY"};
    static final int[] EVENT_BITS = {7, EV_NEW, EV_UPD, EV_DEL};
    static final int OUT_XML = 1, OUT_EXT = 2, OUT_TMS = 4, OUT_ID = 8, OUT_KTMS = 16, OUT_CL = 32, OUT_SAVE = 64;
    static final String[] OUTPUT_NAMES = {"xml", "extended", "timestamp", "id", "ktimestamp", "labels", "userspace", "save"};
    static final int[] OUTPUT_BITS = {OUT_XML, OUT_EXT, OUT_TMS, OUT_ID, OUT_KTMS, OUT_CL, 0, OUT_SAVE};

    static final int AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;
    static final int TABLE_CONNTRACK = 0, TABLE_EXPECT = 1, TABLE_DYING = 2, TABLE_UNCONFIRMED = 3;

    /** A refused command line: conntrack's message and exit status. */
    static final class Refused extends RuntimeException {
        final int status;
        /** what the tool had printed on stderr before refusing (parse-time warnings) */
        String before = "";

        Refused(int status, String msg) {
            super(msg, null, false, false);
            this.status = status;
        }
    }

    static Refused param(String msg) {
        return new Refused(2, msg);
    }

    // ---- the parsed command ----
    int command;
    int cmd;
    int type;
    int options;
    int family = AF_UNSPEC;
    int protonum;
    CtProto proto;
    int l4flags;
    int eventMask;
    int outputMask;
    /** WARNING lines printed while parsing */
    final StringBuilder warnings = new StringBuilder();
    private boolean labelmapTried;

    // ---- the template (struct ct_tmpl): null = attribute not set ----
    Integer origSrc, origDst, replSrc, replDst;
    /** network filters of -s/-d with a prefix: {network, netmask} */
    int[] srcNet, dstNet;
    Integer origL4, replL4;
    Integer origSport, origDport, replSport, replDport;
    Integer icmpType, icmpCode, icmpId;
    /** --state of tcp, sctp or dccp (the protocol's own numbering) */
    Integer tcpState;
    /** sctp's --orig-vtag / --reply-vtag (atoi, as the tool reads them) */
    int origVtag, replVtag;
    Integer status;
    int statusKernelMask, statusKernelVal;
    boolean statusKernelSet;
    long markValue, markMask;
    Long timeout;
    Integer snatIp, snatPort, dnatIp, dnatPort;
    /** -w (both directions), --orig-zone, --reply-zone: each its own attribute, as the kernel dumps them */
    Integer zone, origZone, replZone;
    Long id;

    private static final String SHORTS = ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):";
    private static final List<CtGetopt.Opt> LONGS = List.of(
            new CtGetopt.Opt("dump", 2, 'L'), new CtGetopt.Opt("create", 2, 'I'), new CtGetopt.Opt("add", 2, 'A'),
            new CtGetopt.Opt("delete", 2, 'D'), new CtGetopt.Opt("update", 2, 'U'), new CtGetopt.Opt("get", 2, 'G'),
            new CtGetopt.Opt("flush", 2, 'F'), new CtGetopt.Opt("event", 2, 'E'), new CtGetopt.Opt("counter", 2, 'C'),
            new CtGetopt.Opt("stats", 0, 'S'), new CtGetopt.Opt("version", 0, 'V'), new CtGetopt.Opt("help", 0, 'h'),
            new CtGetopt.Opt("orig-src", 1, 's'), new CtGetopt.Opt("src", 1, 's'), new CtGetopt.Opt("orig-dst", 1, 'd'),
            new CtGetopt.Opt("dst", 1, 'd'), new CtGetopt.Opt("reply-src", 1, 'r'), new CtGetopt.Opt("reply-dst", 1, 'q'),
            new CtGetopt.Opt("protonum", 1, 'p'), new CtGetopt.Opt("timeout", 1, 't'), new CtGetopt.Opt("status", 1, 'u'),
            new CtGetopt.Opt("zero", 0, 'z'), new CtGetopt.Opt("event-mask", 1, 'e'), new CtGetopt.Opt("tuple-src", 1, '['),
            new CtGetopt.Opt("tuple-dst", 1, ']'), new CtGetopt.Opt("mask-src", 1, '{'), new CtGetopt.Opt("mask-dst", 1, '}'),
            new CtGetopt.Opt("nat-range", 1, 'a'), new CtGetopt.Opt("mark", 1, 'm'), new CtGetopt.Opt("secmark", 1, 'c'),
            new CtGetopt.Opt("id", 2, 'i'), new CtGetopt.Opt("family", 1, 'f'), new CtGetopt.Opt("src-nat", 2, 'n'),
            new CtGetopt.Opt("dst-nat", 2, 'g'), new CtGetopt.Opt("output", 1, 'o'), new CtGetopt.Opt("buffer-size", 1, 'b'),
            new CtGetopt.Opt("any-nat", 2, 'j'), new CtGetopt.Opt("zone", 1, 'w'), new CtGetopt.Opt("label", 1, 'l'),
            new CtGetopt.Opt("label-add", 1, '<'), new CtGetopt.Opt("label-del", 2, '>'), new CtGetopt.Opt("orig-zone", 1, '('),
            new CtGetopt.Opt("reply-zone", 1, ')'));

    static ConntrackArgs parse(List<String> argv) {
        ConntrackArgs a = new ConntrackArgs();
        try {
            a.doParse(argv);
        } catch (Refused r) {
            r.before = a.warnings.toString();
            throw r;
        }
        return a;
    }

    private void doParse(List<String> argv) {
        CtGetopt g = new CtGetopt(argv, SHORTS, LONGS);
        int c;
        while ((c = g.next()) != -1) {
            switch (c) {
                case 'L' -> {
                    type = checkType(g);
                    addCommand(type == TABLE_EXPECT ? EXP_LIST : CT_LIST);
                }
                case 'I', 'D', 'G', 'F', 'E', 'V', 'h', 'C', 'S', 'U', 'A' -> {
                    type = checkType(g);
                    if (type == TABLE_DYING || type == TABLE_UNCONFIRMED) {
                        throw param("Can't do that command with tables `dying' and `unconfirmed'");
                    }
                    int t = cmd2type(c, type);
                    if (t == 0) {
                        throw param("Can't do --" + longName(c) + " on " + (type == TABLE_CONNTRACK ? "conntrack" : "expectations"));
                    }
                    addCommand(t);
                }
                case 's', 'd', 'r', 'q' -> addressOption(c, g.optarg, true);
                case '[', ']' -> addressOption(c, g.optarg, false);
                case '{', '}' -> addressOption(c, g.optarg, false);
                case 'p' -> {
                    options |= O_PROTO;
                    proto = CtProto.find(g.optarg);
                    if (proto == null) {
                        throw param("`" + g.optarg + "' unsupported protocol");
                    }
                    protonum = proto.number(g.optarg);
                    for (CtGetopt.Opt o : proto.options()) {
                        g.longOpts.add(o);
                    }
                    origL4 = protonum;
                }
                case 't' -> {
                    options |= O_TIMEOUT;
                    timeout = CtNum.atol(g.optarg) & 0xffffffffL;
                }
                case 'u' -> {
                    options |= O_STATUS;
                    int[] sm = parseStatusMask(g.optarg);
                    status = sm[0];
                    statusKernelMask = sm[1] == 0 ? sm[0] : sm[1];
                    statusKernelVal = sm[0];
                    statusKernelSet = true;
                }
                case 'e' -> {
                    options |= O_EVENT_MASK;
                    eventMask |= parseParameter(g.optarg, EVENT_NAMES, EVENT_BITS);
                }
                case 'o' -> {
                    options |= O_OUTPUT;
                    outputMask |= parseParameter(g.optarg, OUTPUT_NAMES, OUTPUT_BITS);
                    if ((outputMask & OUT_CL) != 0 && !labelmapTried) {
                        // labelmap_init(): no /etc/xtables/connlabel.conf on the host, perror() says so
                        labelmapTried = true;
                        warnings.append("nfct_labelmap_new: No such file or directory\n");
                    }
                    if ((outputMask & OUT_SAVE) != 0 && (outputMask & (OUT_EXT | OUT_TMS | OUT_ID | OUT_KTMS | OUT_CL | OUT_XML)) != 0) {
                        throw new Refused(1, "cannot combine save output with any other output type, use -o save only");
                    }
                }
                case 'z' -> options |= O_ZERO;
                case 'n', 'g', 'j' -> natOption(c, g.optarg != null ? g.optarg : g.optionalArg());
                case 'w', '(', ')' -> {
                    options |= c == 'w' ? O_ZONE : c == '(' ? O_ORIG_ZONE : O_REPL_ZONE;
                    int z = (int) (CtNum.strtoul(g.optarg) & 0xffff);
                    if (c == 'w') {
                        zone = z;
                    } else if (c == '(') {
                        origZone = z;
                    } else {
                        replZone = z;
                    }
                }
                case 'i', 'c' -> {
                    options |= c == 'i' ? O_ID : O_SECMARK;
                    if (c == 'i') {
                        id = CtNum.strtoul(g.optarg == null ? "" : g.optarg) & 0xffffffffL;
                    }
                }
                case 'm' -> {
                    options |= O_MARK;
                    String arg = g.optarg;
                    int slash = CtNum.strtoulEnd(arg);
                    markValue = CtNum.strtoul(arg) & 0xffffffffL;
                    markMask = slash < arg.length() && arg.charAt(slash) == '/'
                            ? CtNum.strtoul(arg.substring(slash + 1)) & 0xffffffffL : 0xffffffffL;
                }
                case 'l', '<', '>' -> {
                    String arg = g.optarg != null ? g.optarg : c == '>' ? g.optionalArg() : null;
                    // the label map is read first; without connlabel.conf every name is unknown
                    if (!labelmapTried) {
                        labelmapTried = true;
                        warnings.append("nfct_labelmap_new: No such file or directory\n");
                    }
                    if (arg == null) {
                        // --label-del alone clears every label: entries here carry none
                        options |= O_DEL_LABEL;
                        continue;
                    }
                    throw param("unknown label '" + arg.split(",", -1)[0] + "'");
                }
                case 'a' -> warnings.append("WARNING: ignoring -a, deprecated option.\n");
                case 'f' -> {
                    options |= O_FAMILY;
                    if (g.optarg.startsWith("ipv4")) {
                        setFamily(AF_INET);
                    } else if (g.optarg.startsWith("ipv6")) {
                        setFamily(AF_INET6);
                    } else {
                        throw param("`" + g.optarg + "' unsupported protocol");
                    }
                }
                case 'b' -> options |= O_BUFFERSIZE;
                case ':' -> throw param("option `" + g.word + "' requires an argument");
                case '?' -> throw param("unknown option `" + g.word + "'");
                default -> {
                    if (proto != null) {
                        l4flags |= proto.parse(c, g.optarg, this);
                    }
                }
            }
        }
        if (family == AF_UNSPEC && command != CT_LIST && command != CT_UPDATE && command != CT_DELETE
                && command != CT_GET && command != CT_FLUSH && command != CT_EVENT) {
            family = AF_INET;
        }
        if ((options & O_ANY_NAT) != 0 && (options & (O_SRC_NAT | O_DST_NAT)) != 0) {
            throw param("cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");
        }
        cmd = Integer.numberOfTrailingZeros(command == 0 ? 1 << NUMBER_OF_CMD : command);
        if (cmd < NUMBER_OF_CMD) {
            int partial = optCheck(options, OPTFLAGS, CMD_V_OPTS[cmd], new int[] {O_ORIG, O_REPL});
            if (partial == 0 || partial == -1) {
                throw param("you have to specify `--src' and `--dst'");
            } else if (partial == 1) {
                throw param("you have to specify `--reply-src' and `--reply-dst'");
            }
            if ((command & CT_HELP) == 0 && proto != null) {
                proto.finalCheck(this);
            }
        }
        if ((options & O_MASK_SRC) != 0 && (options & O_SRC) == 0) {
            throw param("Can't use --mask-src without --src");
        }
        if ((options & O_MASK_DST) != 0 && (options & O_DST) == 0) {
            throw param("Can't use --mask-dst without --dst");
        }
    }

    /**
     * generic_opt_check(): refuses a missing compulsory or an illegal option (first by bit order);
     * for commands with coupled options returns -2 when one of the pairs is complete, else the
     * first partial pair's index or -1.
     */
    static int optCheck(int opts, String[] names, String row, int[] coupled) {
        boolean special = false;
        for (int i = 0; i < row.length(); i++) {
            char v = row.charAt(i);
            if ((opts & (1 << i)) == 0) {
                if (v == '1') {
                    throw param("You need to supply the `--" + names[i] + "' option for this command");
                }
            } else if (v == '0') {
                throw param("Illegal option `--" + names[i] + "' with this command");
            }
            special |= v == '3';
        }
        if (!special || coupled == null) {
            return -2;
        }
        int partial = -1;
        for (int i = 0; i < coupled.length; i++) {
            if ((opts & coupled[i]) == coupled[i]) {
                return -2;
            }
            if ((opts & coupled[i]) != 0 && partial < 0) {
                partial = i;
            }
        }
        return partial;
    }

    private void addCommand(int c) {
        if (command != 0) {
            throw param("Invalid commands combination");
        }
        command = c;
    }

    private static int cmd2type(int c, int type) {
        boolean exp = type == TABLE_EXPECT;
        return switch (c) {
            case 'I' -> exp ? EXP_CREATE : CT_CREATE;
            case 'D' -> exp ? EXP_DELETE : CT_DELETE;
            case 'G' -> exp ? EXP_GET : CT_GET;
            case 'F' -> exp ? EXP_FLUSH : CT_FLUSH;
            case 'E' -> exp ? EXP_EVENT : CT_EVENT;
            case 'V' -> CT_VERSION;
            case 'h' -> CT_HELP;
            case 'C' -> exp ? EXP_COUNT : CT_COUNT;
            case 'S' -> exp ? EXP_STATS : CT_STATS;
            case 'U' -> exp ? 0 : CT_UPDATE;
            case 'A' -> exp ? 0 : CT_ADD;
            default -> 0;
        };
    }

    private static String longName(int c) {
        for (CtGetopt.Opt o : LONGS) {
            if (o.val() == c) {
                return o.name();
            }
        }
        return "unknown";
    }

    private static int checkType(CtGetopt g) {
        String t = g.optionalArg();
        if (t == null) {
            return TABLE_CONNTRACK;
        }
        if ("expect".startsWith(t)) {
            return TABLE_EXPECT;
        } else if ("conntrack".startsWith(t)) {
            return TABLE_CONNTRACK;
        } else if ("dying".startsWith(t)) {
            return TABLE_DYING;
        } else if ("unconfirmed".startsWith(t)) {
            return TABLE_UNCONFIRMED;
        }
        throw param("unknown type `" + t + "'");
    }

    private void setFamily(int f) {
        if (family == AF_UNSPEC) {
            family = f;
        } else if (family != f) {
            throw param("mismatched address family");
        }
    }

    /** nfct_parse_addr_from_opt() */
    private void addressOption(int c, String arg, boolean tmplCt) {
        String buf = arg.length() > 45 ? arg.substring(0, 45) : arg;
        int mask = -1;
        int slash = buf.indexOf('/');
        if (slash >= 0) {
            String m = buf.substring(slash + 1);
            mask = m.matches("[0-9]+") && m.length() < 10 ? Integer.parseInt(m) : -2;
            buf = buf.substring(0, slash);
        }
        long v4 = CtNum.inetAton(buf);
        int fam;
        if (v4 >= 0) {
            fam = AF_INET;
            if (mask > 32) {
                mask = -2;
            }
        } else if (CtNum.isInet6(buf)) {
            fam = AF_INET6;
            if (mask > 128) {
                mask = -2;
            }
        } else {
            throw param("Invalid IP address `" + arg + "'");
        }
        setFamily(fam);
        boolean maskable = c == 's' || c == 'd' || c == '[' || c == ']';
        if (mask != -1 && !maskable) {
            throw param("CIDR notation unavailable for `--" + longName(c) + "'");
        } else if (mask == -2) {
            throw param("Invalid netmask");
        }
        int addr = fam == AF_INET ? (int) v4 : 0;
        boolean v6 = fam == AF_INET6;
        switch (c) {
            case 's' -> {
                options |= O_SRC;
                origSrc = v6 ? null : addr;
            }
            case 'd' -> {
                options |= O_DST;
                origDst = v6 ? null : addr;
            }
            case 'r' -> {
                options |= O_REPL_SRC;
                replSrc = v6 ? null : addr;
            }
            case 'q' -> {
                options |= O_REPL_DST;
                replDst = v6 ? null : addr;
            }
            case '[' -> options |= O_EXP_SRC;
            case ']' -> options |= O_EXP_DST;
            case '{' -> options |= O_MASK_SRC;
            case '}' -> options |= O_MASK_DST;
            default -> { }
        }
        if (mask == -1 || !maskable || !tmplCt || (fam == AF_INET && mask == 32) || (v6 && mask == 128)) {
            return;
        }
        int netmask = mask == 0 ? 0 : -1 << (32 - mask);
        if (c == 's') {
            options |= O_MASK_SRC;
            srcNet = new int[] {addr & netmask, netmask};
            origSrc = null; // nfct_network_attr_prepare: no exact match on the address
        } else if (c == 'd') {
            options |= O_MASK_DST;
            dstNet = new int[] {addr & netmask, netmask};
            origDst = null;
        }
    }

    /** --src-nat/--dst-nat/--any-nat [ip[:port]] */
    private void natOption(int c, String arg) {
        options |= c == 'n' ? O_SRC_NAT : c == 'g' ? O_DST_NAT : O_ANY_NAT;
        if (arg == null) {
            return;
        }
        String address = arg;
        String port = null;
        int colon = arg.indexOf(':');
        if (arg.indexOf('[') >= 0) {
            throw new Refused(1, "IPv6 NAT addresses are not modelled by Hairpin");
        }
        if (colon >= 0 && arg.indexOf(':', colon + 1) < 0) {
            address = arg.substring(0, colon);
            port = arg.substring(colon + 1);
            if (port.isEmpty()) {
                throw param("No port specified after `:'");
            }
            if (!port.matches("[0-9]+") || port.length() > 9 || Integer.parseInt(port) > 65535) {
                throw param("Invalid port `" + port + "'");
            }
        }
        long v4 = CtNum.inetAton(address);
        if (v4 < 0) {
            if (CtNum.isInet6(address)) {
                setFamily(AF_INET6);
                return;
            }
            throw param("Invalid IP address `" + address + "'");
        }
        setFamily(AF_INET);
        Integer p = port == null ? null : Integer.parseInt(port) & 0xffff;
        if (c != 'g') {
            snatIp = (int) v4;
            snatPort = p;
        }
        if (c != 'n') {
            dnatIp = (int) v4;
            dnatPort = p;
        }
    }

    /** parse_parameter_mask() for -u: {status bits, kernel mask} */
    private int[] parseStatusMask(String arg) {
        int st = 0;
        int mask = 0;
        String[] parts = arg.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            String rest = String.join(",", java.util.Arrays.asList(parts).subList(i, parts.length));
            boolean last = i == parts.length - 1;
            if (p.isEmpty() && !last) {
                throw param("Bad parameter `" + rest + "'");
            }
            boolean neg = p.startsWith("!");
            if (neg) {
                p = p.substring(1);
                rest = rest.substring(1);
                if (p.isEmpty() && !last) {
                    throw param("Bad parameter `" + rest + "'");
                }
            }
            if (!neg && (last ? p : p + ",").startsWith("UNREPLIED")) {
                mask |= CtStatus.SEEN_REPLY;
                continue;
            }
            int[] r = {0};
            if (p.isEmpty() || !parameter(p, STATUS_NAMES, STATUS_BITS, r)) {
                throw param("Bad parameter `" + rest + "'");
            }
            if (neg) {
                mask |= r[0];
            } else {
                st |= r[0];
            }
        }
        return new int[] {st, mask};
    }

    /** parse_parameter(): comma separated names, each a case-insensitive prefix */
    private int parseParameter(String arg, String[] names, int[] bits) {
        int v = 0;
        String[] parts = arg.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String rest = String.join(",", java.util.Arrays.asList(parts).subList(i, parts.length));
            int[] r = {0};
            if (parts[i].isEmpty() || !parameter(parts[i], names, bits, r)) {
                throw param("Bad parameter `" + rest + "'");
            }
            v |= r[0];
        }
        return v;
    }

    /** do_parse_parameter(): strncasecmp(str, name, len(str)), SRC_NAT/DST_NAT warned and ignored */
    private boolean parameter(String s, String[] names, int[] bits, int[] out) {
        if (prefixIgnoreCase(s, "SRC_NAT")) {
            warnings.append("WARNING: ignoring SRC_NAT, use --src-nat instead\n");
            return true;
        }
        if (prefixIgnoreCase(s, "DST_NAT")) {
            warnings.append("WARNING: ignoring DST_NAT, use --dst-nat instead\n");
            return true;
        }
        for (int i = 0; i < names.length; i++) {
            if (prefixIgnoreCase(s, names[i])) {
                out[0] |= bits[i];
                return true;
            }
        }
        return false;
    }

    private static boolean prefixIgnoreCase(String s, String name) {
        return s.length() <= name.length() && name.substring(0, s.length()).toUpperCase(Locale.ROOT).equals(s.toUpperCase(Locale.ROOT));
    }

    /** a protocol option's port, as atoi() then htons() store it */
    static int port(String arg) {
        return (int) (CtNum.atol(arg) & 0xffff);
    }
}
