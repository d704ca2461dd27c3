package dev.hairpin.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.sim.Replay;
import dev.hairpin.sim.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded scenario with tracing on and holds each trace's fate against what the
 * replay did: every frame the engine sent is the last header of exactly one trace whose fate is
 * "sent out of" that interface (per input frame, and overall); each input frame's top-level
 * fate (sent, delivered, dropped) is what the stack told its output; a rule, policy or REJECT
 * named as the cause of a drop exists in the ruleset with that verdict. The traces are built
 * from the hooks and tables the packet went through, the frames from the replay's output, so a
 * mis-attributed step, a lost generated packet or a wrong fate shows.
 */
class TraceFateConformanceTest {

    static Path shared() {
        return Path.of(System.getProperty("hairpin.shared", "../shared")).resolve("conformance");
    }

    @TestFactory
    Stream<DynamicTest> everyTracedFateIsWhatTheReplayDid() throws IOException {
        Path root = shared();
        Assumptions.assumeTrue(Files.isDirectory(root), "no conformance scenarios at " + root);
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(d -> Files.exists(d.resolve("input.jsonl"))).sorted().toList();
        }
        assertThat(dirs).hasSizeGreaterThanOrEqualTo(12);
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
    }

    /** the project's own kernel recordings (fragments, conntrack commands mid-flow, ...) */
    @TestFactory
    Stream<DynamicTest> everyTracedFateIsWhatTheReplayDidOnTheProjectRecordings() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/conformance"))) {
            dirs = s.filter(d -> Files.exists(d.resolve("input.jsonl"))).sorted().toList();
        }
        assertThat(dirs).isNotEmpty();
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
    }

    /**
     * How a frame sent is compared with a trace: by its whole header, or for a fragment (one of
     * several frames the fragmenter made of one traced datagram) by what all of them keep.
     */
    static String frameKey(String iface, byte[] ip) {
        int f = dev.hairpin.packet.Ipv4.fragOff(ip, 0);
        if ((f & (dev.hairpin.packet.Ipv4.IP_MF | dev.hairpin.packet.Ipv4.IP_OFFSET)) != 0) {
            return fragKey(iface, Header.of(new Skb(ip, 0, ip.length)));
        }
        return iface + " " + Header.of(new Skb(ip, 0, ip.length)).nft();
    }

    static String fragKey(String iface, Header h) {
        return iface + " fragments of " + h.protoName() + " " + dev.hairpin.packet.Ipv4.toString(h.saddr()) + " > "
                + dev.hairpin.packet.Ipv4.toString(h.daddr()) + " id " + h.ipId();
    }

    /**
     * icmp-error-related: the far end's port unreachable (input 2) quotes the datagram as it left
     * the gateway (after MASQUERADE); conntrack finds the entry through that quoted tuple, and NAT
     * translates the error back to the LAN host, as the kernel's output frame shows.
     */
    @org.junit.jupiter.api.Test
    void anIcmpErrorIsRelatedThroughTheTupleItQuotes() {
        Path dir = shared().resolve("icmp-error-related");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no scenario at " + dir);
        Replay r = new Replay(Scenario.load(dir));
        Tracer tracer = new Tracer(r.conntrack);
        r.stack.trace(tracer);
        r.run();
        PacketTrace err = tracer.traces().stream().filter(t -> t.seq == 2 && t.parent == 0).findFirst().orElseThrow();
        Step.Conntrack c = err.of(Step.Conntrack.class).getFirst();
        assertThat(c.result()).isEqualTo("related");
        assertThat(c.ctstate()).isEqualTo("RELATED (reply)");
        assertThat(c.embedded()).isEqualTo("udp src=203.0.113.1 dst=198.51.100.20 sport=33000 dport=9999");
        assertThat(err.of(Step.Nat.class)).extracting(Step.Nat::binding).containsOnly("icmp");
        Replay.Sent out = r.sent.stream().filter(s -> s.afterInput() == 2).findFirst().orElseThrow();
        assertThat(err.fate.dev()).isEqualTo(out.iface());
        assertThat(err.last).isEqualTo(Header.of(new Skb(out.ip(), 0, out.ip().length)));
    }

    private static void check(Path dir) {
        Replay r = new Replay(Scenario.load(dir));
        Tracer tracer = new Tracer(r.conntrack);
        r.stack.trace(tracer);
        // what the stack told its output about each input frame (skb.seq = input number)
        Map<Long, String> told = new HashMap<>();
        int[] drops = {0};
        int[] delivers = {0};
        Output replayOut = r.stack.output;
        r.stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                if (skb.seq > 0) {
                    told.put(skb.seq, "sent " + dev.name);
                }
                replayOut.transmit(skb, dev, nexthop);
            }

            @Override
            public void deliver(Skb skb) {
                delivers[0]++;
                if (skb.seq > 0) {
                    told.put(skb.seq, "delivered");
                }
            }

            @Override
            public void drop(Skb skb, String reason) {
                drops[0]++;
                if (skb.seq > 0) {
                    told.put(skb.seq, "dropped");
                }
            }
        };
        r.run();
        String name = dir.getFileName().toString();
        List<PacketTrace> traces = tracer.traces();
        assertThat(traces).as(name).hasSizeGreaterThanOrEqualTo(r.scenario.input.size());

        // every traced packet ended somewhere
        for (PacketTrace t : traces) {
            assertThat(t.fate).as(name + ": packet " + t.id + " (" + t.header + ") has no fate").isNotNull();
        }

        // the frames sent, overall and per input frame, are the traces' "sent" fates
        List<String> tracedSent = new ArrayList<>();
        Map<Long, List<String>> tracedByInput = new HashMap<>();
        boolean localInjected = false;
        for (PacketTrace t : traces) {
            localInjected |= t.seq < 0;
            // a packet held for ARP leaves (or its error does) when a later input's time has come
            localInjected |= t.fate.kind() == Fate.Kind.STOLEN && "neighbour".equals(t.fate.where());
            if (t.fate.kind() == Fate.Kind.SENT) {
                String k = t.fate.reason() != null && t.fate.reason().contains("fragmented") ? fragKey(t.fate.dev(), t.last)
                        : t.fate.dev() + " " + t.last.nft();
                tracedSent.add(k);
                tracedByInput.computeIfAbsent(t.seq, x -> new ArrayList<>()).add(k);
            }
        }
        List<String> sentFrames = new ArrayList<>();
        Map<Long, List<String>> sentByInput = new HashMap<>();
        for (Replay.Sent s : r.sent) {
            // a fragment forwarded as it came (no defrag: fragments-no-conntrack) is a traced
            // packet of its own; other fragments are pieces of one traced datagram
            String whole = s.iface() + " " + Header.of(new Skb(s.ip(), 0, s.ip().length)).nft();
            String k = tracedSent.contains(whole) ? whole : frameKey(s.iface(), s.ip());
            List<String> in = sentByInput.computeIfAbsent((long) s.afterInput(), x -> new ArrayList<>());
            if (k.contains(" fragments of ") && in.contains(k)) {
                continue; // the further fragments of a datagram already counted
            }
            sentFrames.add(k);
            in.add(k);
        }
        assertThat(tracedSent).as(name + ": frames sent vs traces ending 'sent'").containsExactlyInAnyOrderElementsOf(sentFrames);
        if (!localInjected) {
            for (Map.Entry<Long, List<String>> e : sentByInput.entrySet()) {
                assertThat(tracedByInput.getOrDefault(e.getKey(), List.of())).as(name + ": input " + e.getKey())
                        .containsExactlyInAnyOrderElementsOf(e.getValue());
            }
        }

        // each input frame's own fate is what the stack told the output
        int tracedDrops = 0;
        int tracedDelivers = 0;
        for (PacketTrace t : traces) {
            tracedDrops += t.fate.dropped() ? 1 : 0;
            tracedDelivers += t.fate.kind() == Fate.Kind.DELIVERED ? 1 : 0;
            if (t.parent == 0 && t.seq > 0) {
                String expect = told.get(t.seq);
                String got = switch (t.fate.kind()) {
                    case SENT -> "sent " + t.fate.dev();
                    case DELIVERED -> "delivered";
                    case STOLEN -> null;
                    default -> "dropped";
                };
                assertThat(got).as(name + ": input " + t.seq + " " + t.header + ": " + t.fate.describe()).isEqualTo(expect);
            }
        }
        assertThat(tracedDrops).as(name + ": drops").isEqualTo(drops[0]);
        assertThat(tracedDelivers).as(name + ": local deliveries").isEqualTo(delivers[0]);

        // a rule or policy named as the cause is in the ruleset with that verdict
        String save = r.iptablesSaveCounters();
        var nft = r.scenario.snapshot.nft(); // native nftables chains, read as iptables rules
        if (nft != null) {
            for (var c : nft.chains) {
                save += dev.hairpin.rules.iptables.IptablesSave.save(c.rules());
            }
        }
        for (PacketTrace t : traces) {
            Fate f = t.fate;
            switch (f.kind()) {
                case DROPPED_BY_RULE, REJECTED -> {
                    assertThat(save).as(name + ": " + f.describe()).contains(f.ruleText().replaceFirst("^-A \\S+", ""));
                    assertThat(f.ruleText()).as(name + ": " + f.describe())
                            .matches(".* -j (DROP|REJECT)( .*)?|.*" + (f.reason() != null ? "" : "\\Z\\A"));
                }
                case DROPPED_BY_POLICY -> assertThat(save).as(name + ": " + f.describe()).contains(":" + f.chain() + " DROP");
                default -> { }
            }
            if (f.kind() == Fate.Kind.REJECTED && f.generated() != 0) {
                assertThat(tracer.get(f.generated()).parent).isEqualTo(t.id);
            }
        }
    }
}
