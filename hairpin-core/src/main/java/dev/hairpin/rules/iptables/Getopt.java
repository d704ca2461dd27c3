package dev.hairpin.rules.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * GNU {@code getopt_long()} as iptables drives it: an optstring starting with {@code "-:"}
 * (non-options are returned in order as code 1, a missing argument as {@code ':'}), long options
 * that may be abbreviated to any unambiguous prefix and take their argument as the next word or
 * after {@code =}, short options that cluster. The long option table can grow between calls
 * (extensions merge their options in), and {@link #optind} may be stepped back to re-read a word.
 */
final class Getopt {
    /** A long option: name, 0 none / 1 required / 2 optional argument, the code returned. */
    record LongOpt(String name, int hasArg, int val) {}

    static final int NO_ARG = 0;
    static final int REQUIRED = 1;
    static final int OPTIONAL = 2;

    private final List<String> argv;
    private final String shortOpts;
    private List<LongOpt> longOpts = new ArrayList<>();

    /** index of the next word to read */
    int optind = 1;
    /** the argument of the option just returned (or the non-option word for code 1) */
    String optarg;
    /** the rest of a short option cluster being read */
    private String nextchar = "";

    Getopt(List<String> argv, String shortOpts) {
        this.argv = argv;
        this.shortOpts = shortOpts;
    }

    void setLongOpts(List<LongOpt> opts) {
        this.longOpts = opts;
    }

    int argc() {
        return argv.size();
    }

    String arg(int i) {
        return argv.get(i);
    }

    /** @return the option code, 1 for a non-option word, '?' unknown, ':' missing argument, -1 at the end */
    int next() {
        optarg = null;
        if (nextchar.isEmpty()) {
            if (optind >= argv.size()) {
                return -1;
            }
            String a = argv.get(optind);
            if (a.equals("--")) {
                // end of options: what follows is left for the caller ("unknown arguments")
                optind++;
                return -1;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                optarg = a;
                optind++;
                return 1;
            }
            if (a.startsWith("--")) {
                return longOption(a.substring(2));
            }
            nextchar = a.substring(1);
        }
        return shortOption();
    }

    private int longOption(String body) {
        optind++;
        int eq = body.indexOf('=');
        String name = eq >= 0 ? body.substring(0, eq) : body;
        LongOpt found = null;
        boolean ambiguous = false;
        for (LongOpt o : longOpts) {
            if (o.name().equals(name)) {
                found = o;
                ambiguous = false;
                break;
            }
            if (o.name().startsWith(name)) {
                if (found == null) {
                    found = o;
                } else if (found.hasArg() != o.hasArg() || found.val() != o.val()) {
                    ambiguous = true;
                }
            }
        }
        if (ambiguous || found == null) {
            return '?';
        }
        if (eq >= 0) {
            if (found.hasArg() == NO_ARG) {
                return '?';
            }
            optarg = body.substring(eq + 1);
        } else if (found.hasArg() == REQUIRED) {
            if (optind < argv.size()) {
                optarg = argv.get(optind++);
            } else {
                return ':';
            }
        }
        return found.val();
    }

    private int shortOption() {
        char c = nextchar.charAt(0);
        nextchar = nextchar.substring(1);
        if (nextchar.isEmpty()) {
            optind++;
        }
        // the leading "-:" of the optstring are flags, not options
        int idx = c == ':' || c == '-' ? -1 : shortOpts.indexOf(c, 2);
        if (idx < 0) {
            return '?';
        }
        boolean takes = idx + 1 < shortOpts.length() && shortOpts.charAt(idx + 1) == ':';
        boolean optional = takes && idx + 2 < shortOpts.length() && shortOpts.charAt(idx + 2) == ':';
        if (!takes) {
            return c;
        }
        if (optional) {
            if (!nextchar.isEmpty()) {
                optarg = nextchar;
                optind++;
            }
            nextchar = "";
            return c;
        }
        if (!nextchar.isEmpty()) {
            optarg = nextchar;
            optind++;
        } else if (optind >= argv.size()) {
            nextchar = "";
            return ':';
        } else {
            optarg = argv.get(optind++);
        }
        nextchar = "";
        return c;
    }
}
