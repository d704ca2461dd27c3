package dev.hairpin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.SnapshotException;
import dev.hairpin.packet.Skb;
import dev.hairpin.report.HtmlReport;
import dev.hairpin.report.TraceJson;
import dev.hairpin.lab.LabException;
import dev.hairpin.lab.LabState;
import dev.hairpin.sim.Replay;
import dev.hairpin.sim.Scenario;
import dev.hairpin.trace.PacketTrace;
import dev.hairpin.trace.TraceText;
import dev.hairpin.trace.Tracer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hairpin trace}: one packet described on the command line against a host snapshot, or
 * packet N of a recorded scenario's replay; prints every hook, table, rule, conntrack lookup,
 * NAT rewrite and routing decision like {@code nft monitor trace}, or JSON, and can write the
 * HTML report.
 */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a packet's whole path through netfilter: hooks, tables, every rule met, the conntrack lookup, "
                + "NAT bindings and rewrites, routing, and its fate (see docs/TRACE.md).",
            "",
            "Examples:",
            "  hairpin trace --snapshot DIR --in eth0 tcp 10.0.0.2:40000 '>' 192.0.2.80:80",
            "  hairpin trace --snapshot DIR --local udp 203.0.113.1:5000 '>' 192.0.2.53:53",
            "  hairpin trace --snapshot DIR \\",
            "      --first '--in eth0 udp 10.0.0.2:5353 > 198.51.100.53:53' \\",
            "      --in eth1 udp 198.51.100.53:53 '>' 203.0.113.1:5353",
            "  hairpin trace --replay SCENARIO_DIR --packet 3 --html report.html",
            "  hairpin --state LAB trace --in eth1 tcp 198.51.100.7:51000 '>' 203.0.113.1:8080   (the lab's live state)",
            "  hairpin trace --state LAB --commit --in eth0 tcp 10.0.0.5:80 '>' 198.51.100.7:51000 --syn --ack",
            "  hairpin trace --gateway /tmp/hpgw-config/hairpin.sock --in gwwan tcp 203.0.113.2:80 '>' 203.0.113.1:40000 --syn --ack",
            ""})
final class TraceCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--snapshot", paramLabel = "DIR", required = true,
                description = "host snapshot dir (ip-addr.json, ip-route.json, sysctl.conf, iptables-save.txt)")
        Path snapshot;

        @Option(names = "--state", paramLabel = "DIR", required = true,
                description = "a lab state (hairpin --state DIR ...): its conntrack table, rules, sysctls, ipsets and clock; "
                        + "left as it was unless --commit")
        Path state;

        @Option(names = "--replay", paramLabel = "SCENARIO_DIR", required = true,
                description = "a recorded scenario (see shared/conformance): replay it with tracing on")
        Path replay;

        @Option(names = "--gateway", paramLabel = "SOCKET", required = true,
                description = "a running gateway's control socket: trace against a copy of its live rules, sysctls and conntrack table (changes nothing)")
        Path gateway;
    }

    @Option(names = "--packet", paramLabel = "N", description = "with --replay: show input frame N (1-based; default: all)")
    Integer packet;

    @Option(names = "--first", paramLabel = "SPEC",
            description = "with --snapshot: send this packet first, untraced (repeatable), e.g. to open the connection the traced packet belongs to")
    List<String> first = new ArrayList<>();

    @Option(names = "--commit", description = "with --state: keep what the packets did (entries, counters, clock, events) in the state")
    boolean commit;

    @Option(names = "--json", description = "print the trace as JSON")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "write the self-contained HTML report here")
    Path html;

    @Mixin
    PacketSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            if (source.gateway != null) { // Main hands --gateway to the gateway before picocli; not reached then
                throw new IllegalArgumentException("--gateway: the trace is run by the gateway; pass it first: hairpin trace --gateway SOCKET ...");
            }
            return source.replay != null ? replay() : snapshot();
        } catch (SnapshotException | LabException | IllegalArgumentException e) {
            System.err.println("hairpin trace: " + e.getMessage());
            return 2;
        }
    }

    private int snapshot() throws Exception {
        if (packet != null) {
            throw new IllegalArgumentException("--packet goes with --replay");
        }
        if (commit && source.state == null) {
            throw new IllegalArgumentException("--commit goes with --state (a snapshot is never written)");
        }
        Path dir = source.state != null ? source.state : source.snapshot;
        if (source.state != null && !java.nio.file.Files.exists(dir.resolve("ip-addr.json"))) {
            throw new IllegalArgumentException(dir + ": not a lab state (make one with: hairpin --state " + dir + " init)");
        }
        LabState lab = LabState.load(dir);
        long t0 = lab.conntrack().now();
        long seq = 1;
        for (String f : first) {
            PacketSpec p;
            try {
                p = PacketSpec.parse(f);
            } catch (picocli.CommandLine.ParameterException e) {
                throw new IllegalArgumentException("--first '" + f + "': " + e.getMessage());
            }
            inject(lab, p, seq++, "--first '" + f + "'");
            lab.conntrack().advance(lab.conntrack().now() + 100_000_000L);
        }
        Tracer tracer = new Tracer(lab.conntrack());
        lab.stack().trace(tracer);
        inject(lab, spec, seq, "the packet");
        lab.stack().trace(null);
        tracer.close();
        List<PacketTrace> all = tracer.traces();
        int rc = output(tracer, all, all.get(0), false, t0, "trace against " + dir);
        if (commit) {
            lab.save();
        }
        return rc;
    }

    private static void inject(LabState lab, PacketSpec p, long seq, String what) {
        byte[] d = p.build();
        Skb skb = new Skb(d, 0, d.length);
        skb.seq = seq;
        if (p.local) {
            lab.stack().localOut(skb, null, 0);
            return;
        }
        if (p.in == null) {
            throw new IllegalArgumentException(what + ": say where it comes from: --in IFACE (one of "
                    + lab.host().devices.stream().map(dv -> dv.name).toList() + ") or --local");
        }
        NetDevice in = lab.host().device(p.in);
        if (in == null) {
            throw new IllegalArgumentException(what + ": no interface " + p.in + " in the snapshot (it has "
                    + lab.host().devices.stream().map(dv -> dv.name).toList() + ")");
        }
        skb.in = in;
        lab.stack().receive(skb);
    }

    private int replay() throws Exception {
        if (commit) {
            throw new IllegalArgumentException("--commit goes with --state");
        }
        if (!first.isEmpty() || spec.words.size() > 0) {
            throw new IllegalArgumentException("with --replay the packets come from the scenario: use --packet N");
        }
        Scenario s = Scenario.load(source.replay);
        if (packet != null && (packet < 1 || packet > s.input.size())) {
            throw new IllegalArgumentException("--packet " + packet + ": the scenario has input frames 1.." + s.input.size());
        }
        Replay r = new Replay(s);
        Tracer tracer = new Tracer(r.conntrack);
        r.stack.trace(tracer);
        long t0 = r.conntrack.now();
        r.run();
        tracer.close();
        List<PacketTrace> shown = new ArrayList<>();
        PacketTrace sel = null;
        for (PacketTrace t : tracer.traces()) {
            if (packet == null || t.seq == packet) {
                shown.add(t);
                if (sel == null && t.seq == (packet == null ? t.seq : packet)) {
                    sel = t;
                }
            }
        }
        if (sel == null) {
            throw new IllegalArgumentException("no packet traced for input " + packet);
        }
        t0 = tracer.traces().isEmpty() ? t0 : tracer.traces().get(0).timeNs;
        return outputReplay(tracer, shown, sel, t0, s);
    }

    private int outputReplay(Tracer tracer, List<PacketTrace> shown, PacketTrace sel, long t0, Scenario s) throws Exception {
        String sub = "replay of " + s.dir.getFileName() + ": " + s.input.size() + " input frames, " + tracer.traces().size()
                + " packets traced";
        if (json) {
            print(TraceJson.of(tracer, shown, true, t0));
        } else {
            for (PacketTrace t : shown) {
                if (packet != null && t.parent != 0) {
                    continue; // printed under its parent
                }
                System.out.print(TraceText.render(tracer, t, packet != null));
            }
        }
        if (html != null) {
            // the report always holds every packet, so the timeline can be explored
            HtmlReport.write(html, "Hairpin trace: " + s.dir.getFileName(), sub, TraceJson.of(tracer, tracer.traces(), true, t0), sel.id);
            System.err.println("HTML report written to " + html.toAbsolutePath());
        }
        return 0;
    }

    private int output(Tracer tracer, List<PacketTrace> all, PacketTrace sel, boolean timeline, long t0, String sub) throws Exception {
        if (json) {
            print(TraceJson.of(tracer, all, timeline, t0));
        } else {
            System.out.print(TraceText.render(tracer, sel, true));
        }
        if (html != null) {
            HtmlReport.write(html, "Hairpin trace: " + sel.header, sub, TraceJson.of(tracer, all, timeline, t0), sel.id);
            System.err.println("HTML report written to " + html.toAbsolutePath());
        }
        return 0;
    }

    private static void print(ObjectNode o) throws Exception {
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
    }
}
