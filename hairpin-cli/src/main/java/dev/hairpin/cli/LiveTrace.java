package dev.hairpin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtNetlink;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.Snapshot;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.report.TraceJson;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.tools.EngineState;
import dev.hairpin.tools.OperatorCommands;
import dev.hairpin.tools.ToolResult;
import dev.hairpin.trace.PacketTrace;
import dev.hairpin.trace.TraceText;
import dev.hairpin.trace.Tracer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hairpin trace --gateway SOCKET ...} served by a running gateway: the described packet
 * goes through a scratch copy of the gateway's live state (its ipsets, rules, sysctls and every
 * confirmed conntrack entry with its NAT binding and timers, on the gateway's clock), so a reply
 * to a live flow is traced as ESTABLISHED and a new flow meets the NAT bindings in use, while the
 * gateway itself changes nothing: no entry, counter or binding, and nothing is sent. Runs on the
 * packet thread between batches, so forwarding pauses for the copy (linear in the table's size).
 */
public final class LiveTrace {
    private LiveTrace() {}

    static final class Args {
        @Option(names = "--first", paramLabel = "SPEC")
        List<String> first = new ArrayList<>();

        @Option(names = "--json")
        boolean json;

        @Mixin
        PacketSpec spec;
    }

    /** argv: "trace" then the trace command's words (no --gateway). */
    public static ToolResult run(EngineState live, Path configDir, List<String> argv) {
        Args a = new Args();
        try {
            new CommandLine(a).parseArgs(argv.subList(1, argv.size()).toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            return new ToolResult("", "hairpin trace: " + e.getMessage() + "\n", 2);
        }
        try {
            Stack scratch = copy(live, configDir);
            long seq = 1;
            for (String f : a.first) {
                PacketSpec p;
                try {
                    p = PacketSpec.parse(f);
                } catch (CommandLine.ParameterException e) {
                    throw new IllegalArgumentException("--first '" + f + "': " + e.getMessage());
                }
                inject(scratch, p, seq++, "--first '" + f + "'");
            }
            Tracer tracer = new Tracer(scratch.conntrack);
            scratch.trace(tracer);
            inject(scratch, a.spec, seq, "the packet");
            scratch.trace(null);
            tracer.close();
            List<PacketTrace> all = tracer.traces();
            String out = a.json
                    ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(TraceJson.of(tracer, all, false, all.get(0).timeNs)) + "\n"
                    : TraceText.render(tracer, all.get(0), true);
            return new ToolResult(out, "", 0);
        } catch (IllegalArgumentException e) {
            return new ToolResult("", "hairpin trace: " + e.getMessage() + "\n", 2);
        } catch (Exception e) {
            return new ToolResult("", "hairpin trace: " + e + "\n", 1);
        }
    }

    /** A stack with the live state copied in: nothing it does reaches the live one. */
    static Stack copy(EngineState live, Path configDir) {
        Snapshot snap = Snapshot.load(configDir); // devices, addresses, routes: fixed while the gateway runs
        live.stack.host.sysctls.asMap().forEach(snap.host.sysctls::set);
        Conntrack ct = new Conntrack(live.stack.conntrack.config, 0x5eed); // the live limits and timeouts (sysctl -w included)
        Stack stack = new Stack(snap.host, ct, new SplittableRandom(42));
        EngineState st = new EngineState(stack, new Ruleset());
        restore(st, "ipset", List.of("ipset", "save"), List.of("ipset", "restore"), live);
        restore(st, "iptables", List.of("iptables-save"), List.of("iptables-restore"), live);
        Conntrack from = live.stack.conntrack;
        ct.advance(from.table.now());
        from.table.forEach(e -> {
            if (from.table.isConfirmed(e)) {
                CtNetlink.restore(ct, CtNetlink.save(from, e));
            }
        });
        return stack;
    }

    private static void restore(EngineState to, String what, List<String> save, List<String> load, EngineState live) {
        ToolResult s = OperatorCommands.run(live, save, "");
        if (s.exitCode() != 0) {
            throw new IllegalStateException(what + ": saving the live state failed: " + s.stderr().trim());
        }
        if (s.stdout().isBlank()) {
            return;
        }
        ToolResult r = OperatorCommands.run(to, load, s.stdout());
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + ": the live state did not load into the copy: " + r.stderr().trim());
        }
    }

    private static void inject(Stack stack, PacketSpec p, long seq, String what) {
        byte[] d = p.build();
        Skb skb = new Skb(d, 0, d.length);
        skb.seq = seq;
        if (p.local) {
            stack.localOut(skb, null, 0);
            return;
        }
        if (p.in == null) {
            throw new IllegalArgumentException(what + ": say where it comes from: --in IFACE (one of "
                    + stack.host.devices.stream().map(dv -> dv.name).toList() + ") or --local");
        }
        NetDevice in = stack.host.device(p.in);
        if (in == null) {
            throw new IllegalArgumentException(what + ": no interface " + p.in + " on the gateway (it has "
                    + stack.host.devices.stream().map(dv -> dv.name).toList() + ")");
        }
        skb.in = in;
        stack.receive(skb);
    }
}
