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
        String stdin = "";
        boolean readsStdin = !rest.isEmpty() && (rest.getFirst().equals("iptables-restore") && rest.stream().noneMatch(a -> !a.startsWith("-") && !a.equals("iptables-restore"))
                || rest.getFirst().equals("script") && rest.contains("-"));
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
}
