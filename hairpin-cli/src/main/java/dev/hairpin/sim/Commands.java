package dev.hairpin.sim;

import dev.hairpin.pipeline.Stack;
import dev.hairpin.tools.ConntrackCommand;
import dev.hairpin.tools.EngineState;
import dev.hairpin.tools.OperatorCommands;
import dev.hairpin.tools.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin commands a scenario runs between frames, against the replay's stack, through the
 * same {@link OperatorCommands} the lab and the gateway use. A recorded command line is split
 * on blanks as the shell would (the recordings use no quoting). One shell form is understood:
 * {@code (A; B; ...) >/dev/null 2>&1 & timeout -s INT N conntrack -E ...; wait}, the way a
 * recording captures {@code conntrack -E} around commands that make events (the stream starts,
 * A, B, ... run with their output discarded, then SIGINT: the stream's lines and summary).
 */
final class Commands {
    final EngineState state;

    private static final Pattern EVENTS_AROUND =
            Pattern.compile("^\\((.*)\\) >/dev/null 2>&1 & timeout -s INT \\S+ (conntrack -E.*); wait$");

    Commands(Stack stack) {
        this.state = new EngineState(stack, new dev.hairpin.rules.Ruleset());
    }

    dev.hairpin.rules.Ruleset ruleset() {
        return state.ruleset;
    }

    /** the snapshot's native nftables listing as it stands now (null: the snapshot has none) */
    java.util.function.Supplier<String> nftListing;

    ToolResult run(String cmd) {
        if (cmd.trim().equals("nft list ruleset") && nftListing != null) {
            return new ToolResult(nftListing.get(), "", 0); // with the counters the run has reached
        }
        Matcher m = EVENTS_AROUND.matcher(cmd.trim());
        if (m.matches()) {
            return eventsAround(m.group(1), m.group(2));
        }
        return OperatorCommands.run(state, List.of(cmd.trim().split("\\s+")));
    }

    private ToolResult eventsAround(String background, String events) {
        List<String> lines = new ArrayList<>();
        ConntrackCommand.Started st = OperatorCommands.stream(state, List.of(events.split("\\s+")), lines::add);
        for (String sub : background.split(";")) {
            String c = sub.trim();
            if (!c.isEmpty() && !c.startsWith("sleep ")) {
                OperatorCommands.run(state, List.of(c.split("\\s+")));
            }
        }
        return st.interrupted(lines); // a refused -E: its message; the background commands still ran
    }
}
