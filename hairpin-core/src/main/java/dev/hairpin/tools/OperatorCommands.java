package dev.hairpin.tools;

import dev.hairpin.ipset.IpSet;
import dev.hairpin.ipset.IpsetCommand;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import dev.hairpin.rules.iptables.IptablesSave;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one entry point for operator commands, whoever types them (lab state, replay actions, the
 * gateway's control socket): {@code argv[0]} names the tool ({@code iptables},
 * {@code iptables-save}, {@code iptables-restore}, {@code conntrack}, {@code sysctl}, {@code ipset}, {@code ip address add|del}), the rest are
 * its arguments, exactly as on a shell. {@code conntrack -E} has a streaming form.
 */
public final class OperatorCommands {
    private OperatorCommands() {}

    public static final List<String> TOOLS = List.of("iptables", "iptables-save", "iptables-restore", "conntrack", "sysctl", "ipset", "ip");

    public static ToolResult run(EngineState s, List<String> argv) {
        return run(s, argv, "");
    }

    /** {@code stdin} feeds iptables-restore. */
    public static ToolResult run(EngineState s, List<String> argv, String stdin) {
        if (argv.isEmpty()) {
            return new ToolResult("", "hairpin: no command given (one of " + String.join(", ", TOOLS) + ")\n", 2);
        }
        List<String> args = argv.subList(1, argv.size());
        return switch (argv.getFirst()) {
            case "conntrack" -> ConntrackCommand.run(s.stack.conntrack, args);
            case "ip" -> IpCommand.run(s.stack.host, s.stack.conntrack, args);
            case "sysctl" -> SysctlCommand.run(s.stack.host, s.stack.conntrack, args, OperatorCommands::readFile);
            case "iptables" -> of(Iptables.run(s.ruleset, args));
            case "iptables-save" -> of(IptablesSave.command(s.ruleset, args, () -> IptablesSave.ctime(s.clock.get())));
            case "iptables-restore" -> of(IptablesRestore.command(s.ruleset, args, stdin));
            case "ipset" -> {
                references(s);
                yield IpsetCommand.run(s.ipsets, args, stdin);
            }
            default -> new ToolResult("", "hairpin: " + argv.getFirst() + ": command not found (operator commands: "
                    + String.join(", ", TOOLS) + ")\n", 127);
        };
    }

    /** {@code conntrack -E ...}: events go to {@code out} until the returned stream is stopped. */
    public static ConntrackCommand.Started stream(EngineState s, List<String> argv, Consumer<String> out) {
        return ConntrackCommand.events(s.stack.conntrack, argv.subList(1, argv.size()), out);
    }

    /** how many rules name each set (ipset list's References; destroy refuses a set in use) */
    private static void references(EngineState s) {
        String rules = IptablesSave.save(s.ruleset);
        for (IpSet set : s.ipsets.all()) {
            set.references = 0;
            int i = -1;
            while ((i = rules.indexOf("--match-set " + set.name + " ", i + 1)) >= 0) {
                set.references++;
            }
            for (String target : new String[] {"--add-set ", "--del-set "}) {
                i = -1;
                while ((i = rules.indexOf(target + set.name + " ", i + 1)) >= 0) {
                    set.references++;
                }
            }
        }
    }

    private static ToolResult of(Iptables.Result r) {
        return new ToolResult(r.stdout(), r.stderr(), r.exitCode());
    }

    private static String readFile(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
