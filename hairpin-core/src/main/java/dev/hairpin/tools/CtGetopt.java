package dev.hairpin.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * GNU {@code getopt_long()} as conntrack calls it: optstring starting with ':' and opterr 0, so a
 * missing argument comes back as ':' and an unknown option as '?' with nothing printed (the
 * caller words the error); words that are not options are skipped (permuted to the end);
 * long options may be abbreviated when unambiguous; the table of long options can grow while
 * parsing (conntrack merges a protocol's options after {@code -p}).
 */
final class CtGetopt {
    /** has_arg values */
    static final int NO = 0;
    static final int REQUIRED = 1;
    static final int OPTIONAL = 2;

    record Opt(String name, int hasArg, int val) {}

    private final List<String> argv;
    private final String shortOpts;
    final List<Opt> longOpts = new ArrayList<>();
    int optind;
    private String cluster = "";
    String optarg;
    /** the word that held the option just returned (argv[optind-1] in conntrack's messages) */
    String word;

    CtGetopt(List<String> argv, String shortOpts, List<Opt> longOpts) {
        this.argv = argv;
        this.shortOpts = shortOpts;
        this.longOpts.addAll(longOpts);
    }

    /** get_optional_arg(): an optional argument given as the next word */
    String optionalArg() {
        if (optarg != null) {
            return null;
        }
        if (optind < argv.size() && !argv.get(optind).startsWith("-") && !argv.get(optind).startsWith("!")) {
            return argv.get(optind++);
        }
        return null;
    }

    int next() {
        optarg = null;
        if (cluster.isEmpty()) {
            while (true) {
                if (optind >= argv.size()) {
                    return -1;
                }
                String a = argv.get(optind);
                if (a.equals("--")) {
                    optind = argv.size();
                    return -1;
                }
                if (a.startsWith("-") && a.length() > 1) {
                    break;
                }
                optind++; // an operand: GNU getopt moves it to the end; conntrack ignores it
            }
            String a = argv.get(optind++);
            word = a;
            if (a.startsWith("--")) {
                return longOpt(a.substring(2));
            }
            cluster = a.substring(1);
        }
        char c = cluster.charAt(0);
        cluster = cluster.substring(1);
        int i = shortOpts.indexOf(c);
        if (c == ':' || i < 0) {
            cluster = "";
            return '?';
        }
        int has = i + 2 < shortOpts.length() && shortOpts.charAt(i + 1) == ':' && shortOpts.charAt(i + 2) == ':' ? OPTIONAL
                : i + 1 < shortOpts.length() && shortOpts.charAt(i + 1) == ':' ? REQUIRED : NO;
        if (has == NO) {
            return c;
        }
        if (!cluster.isEmpty()) {
            optarg = cluster;
            cluster = "";
            return c;
        }
        if (has == REQUIRED) {
            if (optind >= argv.size()) {
                return ':';
            }
            optarg = argv.get(optind++);
        }
        return c;
    }

    private int longOpt(String body) {
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        Opt found = null;
        boolean ambiguous = false;
        for (Opt o : longOpts) {
            if (o.name.equals(name)) {
                found = o;
                ambiguous = false;
                break;
            }
            if (o.name.startsWith(name)) {
                if (found == null) {
                    found = o;
                } else if (found.val != o.val || found.hasArg != o.hasArg) {
                    ambiguous = true;
                }
            }
        }
        if (found == null || ambiguous) {
            return '?';
        }
        if (eq >= 0) {
            if (found.hasArg == NO) {
                return '?';
            }
            optarg = body.substring(eq + 1);
        } else if (found.hasArg == REQUIRED) {
            if (optind >= argv.size()) {
                return ':';
            }
            optarg = argv.get(optind++);
        }
        return found.val;
    }
}
