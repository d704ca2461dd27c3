package dev.hairpin.rules.iptables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording of the real tools (tools/iptables-oracle/record.py): commands run one after the
 * other in one network namespace, each with its input and what it printed.
 */
record Transcript(List<Step> steps) {
    /** one command: program, arguments, stdin (null when none), exit status, stdout, stderr */
    record Step(String program, List<String> args, String stdin, int rc, String stdout, String stderr) {
        String commandLine() {
            return program + (args.isEmpty() ? "" : " " + String.join(" ", args));
        }
    }

    static Transcript read(Path file) throws IOException {
        List<Step> steps = new ArrayList<>();
        String program = null;
        List<String> args = new ArrayList<>();
        StringBuilder in = null;
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int rc = 0;
        int n = 0;
        String all = Files.readString(file, StandardCharsets.UTF_8);
        // lines end at \n only: a recorded \r (CRLF input) is content
        for (String l : all.substring(0, all.length() - 1).split("\n", -1)) {
            n++;
            String text = l.length() > 2 ? l.substring(2) : "";
            switch (l.isEmpty() ? ' ' : l.charAt(0)) {
                case '<' -> (in == null ? in = new StringBuilder() : in).append(text).append('\n');
                case '>' -> out.append(text).append('\n');
                case '!' -> err.append(text).append('\n');
                case '@' -> {
                    String word = text.split(" ", 2)[0];
                    String rest = text.length() > word.length() ? text.substring(word.length() + 1) : "";
                    switch (word) {
                        case "cmd" -> program = rest;
                        case "arg" -> args.add(rest);
                        case "rc" -> rc = Integer.parseInt(rest);
                        case "stdin-nonl" -> in.setLength(in.length() - 1);
                        case "stdout-nonl" -> out.setLength(out.length() - 1);
                        case "stderr-nonl" -> err.setLength(err.length() - 1);
                        case "end" -> {
                            steps.add(new Step(program, List.copyOf(args), in == null ? null : in.toString(), rc,
                                    out.toString(), err.toString()));
                            args.clear();
                            in = null;
                            out.setLength(0);
                            err.setLength(0);
                        }
                        default -> throw new IOException(file + ":" + n + ": unknown marker " + word);
                    }
                }
                default -> throw new IOException(file + ":" + n + ": unexpected line");
            }
        }
        return new Transcript(steps);
    }
}
