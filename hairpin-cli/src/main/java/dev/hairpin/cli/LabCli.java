package dev.hairpin.cli;

import dev.hairpin.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code hairpin --state DIR COMMAND ...}: handed to the lab before picocli sees it, because the
 * operator commands take their own options exactly as the real tools do.
 */
final class LabCli {
    private LabCli() {}

    static int run(String[] args) {
        String dir;
        List<String> rest;
        if (args[0].startsWith("--state=")) {
            dir = args[0].substring(8);
            rest = Arrays.asList(args).subList(1, args.length);
        } else if (args.length < 2) {
            System.err.println("hairpin: --state needs a directory");
            return 2;
        } else {
            dir = args[1];
            rest = Arrays.asList(args).subList(2, args.length);
        }
        if (!rest.isEmpty() && rest.getFirst().equals("trace")) {
            // the same command as `hairpin trace --state DIR ...`: it reads the state and, unless --commit, leaves it alone
            List<String> argv = new java.util.ArrayList<>(List.of("trace", "--state", dir));
            argv.addAll(rest.subList(1, rest.size()));
            return Main.commandLine().execute(argv.toArray(String[]::new));
        }
        String stdin = "";
        boolean readsStdin = readsStdin(rest);
        if (readsStdin) {
            try {
                stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("hairpin: cannot read stdin: " + e.getMessage());
                return 1;
            }
        }
        return Lab.main(Path.of(dir), rest, stdin, System.out, System.err);
    }

    /** the commands that read stdin: iptables-restore without a file, ipset restore, script - */
    static boolean readsStdin(List<String> rest) {
        if (rest.isEmpty()) {
            return false;
        }
        List<String> args = rest.subList(1, rest.size());
        return switch (rest.getFirst()) {
            case "iptables-restore" -> args.stream().allMatch(a -> a.startsWith("-") || a.matches("\\d+"));
            case "ipset" -> args.contains("restore") || args.contains("-R") || args.contains("r");
            case "script" -> args.contains("-");
            default -> false;
        };
    }
}
