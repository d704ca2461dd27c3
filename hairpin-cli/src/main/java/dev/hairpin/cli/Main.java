package dev.hairpin.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hairpin} command. */
@Command(name = "hairpin", mixinStandardHelpOptions = true, version = "hairpin 0.1.0",
        subcommands = {BenchCommand.class, DemoCommand.class, GatewayCommand.class, ReplayCommand.class, TraceCommand.class},
        description = "Linux netfilter, conntrack and NAT rebuilt in Java, byte-exact with the kernel.")
public final class Main implements Runnable {
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--state") || args[0].startsWith("--state="))) {
            System.exit(LabCli.run(args));
        }
        Integer forwarded = dev.hairpin.gateway.GatewayClient.forward(args); // operator command for a running gateway
        if (forwarded != null) {
            System.exit(forwarded);
        }
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    /** The command tree; help is laid out 110 columns wide, as the workload descriptions are written. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setUsageHelpWidth(110);
    }
}
