package dev.hairpin.sim;

import dev.hairpin.pipeline.Stack;
import dev.hairpin.tools.EngineState;
import dev.hairpin.tools.OperatorCommands;
import dev.hairpin.tools.ToolResult;
import java.util.List;

/**
 * The admin commands a scenario runs between frames, against the replay's stack, through the
 * same {@link OperatorCommands} the lab and the gateway use. A recorded command line is split
 * on blanks as the shell would (the recordings use no quoting).
 */
final class Commands {
    final EngineState state;

    Commands(Stack stack) {
        this.state = new EngineState(stack, new dev.hairpin.rules.Ruleset());
    }

    dev.hairpin.rules.Ruleset ruleset() {
        return state.ruleset;
    }

    ToolResult run(String cmd) {
        return OperatorCommands.run(state, List.of(cmd.trim().split("\\s+")));
    }
}
