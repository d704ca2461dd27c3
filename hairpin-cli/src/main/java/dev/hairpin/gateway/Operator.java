package dev.hairpin.gateway;

import dev.hairpin.tools.EngineState;
import java.util.List;

/**
 * The operator commands a running gateway answers over its control socket ({@code iptables},
 * {@code iptables-save}, {@code iptables-restore}, {@code conntrack}, {@code sysctl}), with what
 * the real tool would print and its exit status. Called on the packet thread between batches,
 * so a command applies atomically with respect to packets. {@link Gateway#operator} binds it to
 * the shared {@link dev.hairpin.tools.OperatorCommands}.
 */
public interface Operator {
    record Result(String stdout, String stderr, int exitCode) {}

    /** {@code argv[0]} is the command name; {@code stdin} is what the client piped in (may be empty). */
    Result run(EngineState state, List<String> argv, String stdin);
}
