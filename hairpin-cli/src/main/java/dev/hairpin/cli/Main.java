package dev.hairpin.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hairpin} command. */
@Command(name = "hairpin", mixinStandardHelpOptions = true, version = "hairpin 0.1.0",
        subcommands = {BenchCommand.class, DemoCommand.class, GatewayCommand.class, ReplayCommand.class, TraceCommand.class},
        description = "Linux netfilter, conntrack and NAT rebuilt in Java, byte-exact with the kernel.")
public final class Main implements Runnable {
    public static void main(String[] args) {
        int rc;
        try {
            rc = run(args);
        } catch (RuntimeException | Error e) { // the lab and the gateway client run outside picocli
            rc = Errors.report("hairpin", e, System.err);
        }
        System.exit(rc);
    }

    static int run(String[] args) {
        if (args.length > 0 && (args[0].equals("--state") || args[0].startsWith("--state="))) {
            return LabCli.run(args);
        }
        Integer forwarded = dev.hairpin.gateway.GatewayClient.forward(args); // operator command for a running gateway
        if (forwarded != null) {
            return forwarded;
        }
        return commandLine().execute(args);
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    /**
     * The command tree; help is laid out 110 columns wide, as the workload descriptions are
     * written. A command's exception is one line on stderr, never a stack trace ({@link Errors}).
     */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setUsageHelpWidth(110).setExecutionExceptionHandler(
                (e, cmd, parsed) -> Errors.report("hairpin " + cmd.getCommandName(), e, System.err));
    }
}
