package dev.hairpin.tools;

/** What an operator command printed and how it exited, as the real tool would. */
public record ToolResult(String stdout, String stderr, int exitCode) {
    public static ToolResult ok(String stdout) {
        return new ToolResult(stdout, "", 0);
    }

    /** stdout then stderr, the way a terminal (or the oracle's actions.txt) shows them */
    public String merged() {
        return stdout + stderr;
    }
}
