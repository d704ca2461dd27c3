package dev.hairpin.rules.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * GNU {@code getopt_long()} in its default mode, as iptables-save and iptables-restore use it
 * (unlike iptables itself, whose optstring starts with "-:"): non-option words are moved to the
 * end ({@link #operands}), {@code --} ends the options, long options may be abbreviated, and a
 * bad option is reported on stderr in glibc's words before '?' is returned.
 */
final class ToolGetopt {
    /** A long option: name, {@link Getopt#NO_ARG} / REQUIRED / OPTIONAL, the code returned. */
    record Long(String name, int hasArg, int val) {}

    private final String prog;
    private final List<String> argv;
    private final String shortOpts;
    private final List<Long> longOpts;
    private final StringBuilder err;

    private int optind;
    private String nextchar = "";
    /** the argument of the option just returned, or null */
    String optarg;
    /** the non-option words, in order */
    final List<String> operands = new ArrayList<>();

    ToolGetopt(String prog, List<String> argv, String shortOpts, List<Long> longOpts, StringBuilder err) {
        this.prog = prog;
        this.argv = argv;
        this.shortOpts = shortOpts;
        this.longOpts = longOpts;
        this.err = err;
    }

    /** xs_has_arg(): the next word exists and is not an option (an optional argument given apart) */
    boolean nextIsArgument() {
        return optind < argv.size() && !argv.get(optind).startsWith("-") && !argv.get(optind).startsWith("!");
    }

    void skip() {
        optind++;
    }

    /** the next option's code, '?' after printing why it is bad, -1 when none are left */
    int next() {
        optarg = null;
        if (nextchar.isEmpty()) {
            while (true) {
                if (optind >= argv.size()) {
                    return -1;
                }
                String a = argv.get(optind);
                if (a.equals("--")) {
                    optind++;
                    operands.addAll(argv.subList(optind, argv.size()));
                    optind = argv.size();
                    return -1;
                }
                if (a.length() >= 2 && a.charAt(0) == '-') {
                    break;
                }
                operands.add(a);
                optind++;
            }
            String a = argv.get(optind);
            if (a.startsWith("--")) {
                optind++;
                return longOption(a.substring(2));
            }
            nextchar = a.substring(1);
            optind++;
        }
        return shortOption();
    }

    private int longOption(String body) {
        int eq = body.indexOf('=');
        String name = eq >= 0 ? body.substring(0, eq) : body;
        Long found = null;
        List<Long> candidates = new ArrayList<>();
        for (Long o : longOpts) {
            if (o.name().equals(name)) {
                found = o;
                candidates.clear();
                break;
            }
            if (o.name().startsWith(name)) {
                candidates.add(o);
            }
        }
        if (found == null) {
            if (candidates.isEmpty()) {
                err.append(prog).append(": unrecognized option '--").append(name).append("'\n");
                return '?';
            }
            found = candidates.get(0);
            for (Long c : candidates) {
                if (c.hasArg() != found.hasArg() || c.val() != found.val()) {
                    err.append(prog).append(": option '--").append(name).append("' is ambiguous; possibilities:");
                    for (Long p : candidates) {
                        err.append(" '--").append(p.name()).append('\'');
                    }
                    err.append('\n');
                    return '?';
                }
            }
        }
        if (eq >= 0) {
            if (found.hasArg() == Getopt.NO_ARG) {
                err.append(prog).append(": option '--").append(found.name()).append("' doesn't allow an argument\n");
                return '?';
            }
            optarg = body.substring(eq + 1);
        } else if (found.hasArg() == Getopt.REQUIRED) {
            if (optind >= argv.size()) {
                err.append(prog).append(": option '--").append(found.name()).append("' requires an argument\n");
                return '?';
            }
            optarg = argv.get(optind++);
        }
        return found.val();
    }

    private int shortOption() {
        char c = nextchar.charAt(0);
        nextchar = nextchar.substring(1);
        int idx = c == ':' ? -1 : shortOpts.indexOf(c);
        if (idx < 0) {
            err.append(prog).append(": invalid option -- '").append(c).append("'\n");
            return '?';
        }
        boolean takes = idx + 1 < shortOpts.length() && shortOpts.charAt(idx + 1) == ':';
        if (!takes) {
            return c;
        }
        if (!nextchar.isEmpty()) {
            optarg = nextchar;
        } else if (optind >= argv.size()) {
            err.append(prog).append(": option requires an argument -- '").append(c).append("'\n");
            return '?';
        } else {
            optarg = argv.get(optind++);
        }
        nextchar = "";
        return c;
    }
}
