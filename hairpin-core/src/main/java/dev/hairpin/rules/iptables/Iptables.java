package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.ext.XtError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code iptables} command (iptables-nft 1.8.9) as a pure function over a {@link Ruleset}:
 * arguments in, stdout/stderr/exit status out, the ruleset changed only when the command succeeds.
 * The same function serves a CLI, a lab shell and a control socket.
 */
public final class Iptables {
    /** what {@code iptables -V} prints after the program name */
    public static final String VERSION = "1.8.9 (nf_tables)";

    private Iptables() {}

    /** What a command printed and how it ended. */
    public record Result(String stdout, String stderr, int exitCode) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code iptables args...} (without the program name). */
    public static Result run(Ruleset rs, String... args) {
        return run(rs, Arrays.asList(args));
    }

    /** Runs {@code iptables args...} (without the program name). */
    public static Result run(Ruleset rs, List<String> args) {
        return run(rs, "iptables", args);
    }

    static Result run(Ruleset rs, String program, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(args);
        StringBuilder err = new StringBuilder();
        synchronized (rs) {
            Executor ex = new Executor(rs.edit());
            try {
                ParsedCommand p = new CommandParser(argv, false, -1, program).withIpsets(rs.ipsets()::contains)
                        .withWarnings(err).parse();
                Executor.tableDef(p.table);
                ex.execute(p, 0);
                if (isModifying(p.command)) {
                    Map<TableDef, Table> built = ex.build();
                    rs.commit(ex.edit(), built);
                }
                return new Result(ex.out.toString(), err.toString(), 0);
            } catch (XtError e) {
                int status = render(err, e, program, -1);
                return new Result(ex.out.toString(), err.toString(), status);
            } catch (NftError e) {
                if (e.isBatch()) {
                    err.append(program).append(" v").append(VERSION).append(": ").append(e.batchMessage()).append('\n');
                    return new Result(ex.out.toString(), err.toString(), XtError.RESOURCE_PROBLEM);
                }
                err.append(program).append(": ").append(e.strerror()).append('.');
                if (e.errno == NftError.EINVAL) {
                    err.append(" Run `dmesg' for more information.");
                }
                err.append('\n');
                return new Result(ex.out.toString(), err.toString(), 1);
            } catch (CommandParser.TryHelp e) {
                tryHelp(err, program, -1);
                return new Result("", err.toString(), e.status);
            } catch (CommandParser.VersionRequested e) {
                String v = e.inverted ? "Not " + VERSION + " ;-)\n" : program + " v" + VERSION + "\n";
                return new Result(v, "", 0);
            } catch (CommandParser.HelpRequested e) {
                // warnings of the extensions loaded before -h (an unsupported revision) stand
                return new Result(Help.text(program) + Help.extensions(e.blocks), err.toString(), 0);
            }
        }
    }

    private static boolean isModifying(int command) {
        return (command & (ParsedCommand.CMD_LIST | ParsedCommand.CMD_LIST_RULES | ParsedCommand.CMD_CHECK)) == 0
                || (command & (ParsedCommand.CMD_ZERO | ParsedCommand.CMD_ZERO_NUM)) != 0;
    }

    /** basic_exit_err() / exit_tryhelp(): the text iptables prints for an error; returns the status */
    static int render(StringBuilder err, XtError e, String program, int line) {
        if (e.raw()) {
            err.append(e.getMessage());
            tryHelp(err, program, line);
            return e.status();
        }
        err.append(program).append(" v").append(VERSION).append(": ").append(e.getMessage()).append('\n');
        if (e.status() == XtError.PARAMETER_PROBLEM) {
            tryHelp(err, program, line);
        } else if (e.status() == XtError.VERSION_PROBLEM) {
            err.append("Perhaps ").append(program).append(" or your kernel needs to be upgraded.\n");
        }
        return e.status();
    }

    static void tryHelp(StringBuilder err, String program, int line) {
        if (line != -1) {
            err.append("Error occurred at line: ").append(line).append('\n');
        }
        err.append("Try `").append(program).append(" -h' or '").append(program)
                .append(" --help' for more information.\n");
    }
}
