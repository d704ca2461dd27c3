package dev.hairpin.sim;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.io.Snapshot;
import dev.hairpin.pipeline.Stack;
import java.util.SplittableRandom;

/**
 * A stack built from a host snapshot with its iptables-save loaded through iptables-restore,
 * on a simulated clock, ready for packets (what {@code hairpin trace --snapshot} runs against).
 */
public final class Lab {
    public final Snapshot snapshot;
    public final Conntrack conntrack;
    public final Stack stack;
    private final Commands commands;

    public Lab(Snapshot snap) {
        this.snapshot = snap;
        this.conntrack = new Conntrack(snap.ctConfig, 0x1234_5678_9abcL);
        this.stack = new Stack(snap.host, conntrack, new SplittableRandom(42));
        this.commands = new Commands(stack);
        commands.loadRules(snap.iptablesSave, snap.dir.resolve("iptables-save.txt").toString());
        conntrack.advance(Replay.BASE_NS);
    }

    /** an admin command as a scenario's actions run it (conntrack -L, iptables -t nat -L -n -v ...) */
    public String run(String cmd) {
        return commands.run(cmd).merged();
    }
}
