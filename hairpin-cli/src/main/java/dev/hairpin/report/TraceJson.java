package dev.hairpin.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.trace.Header;
import dev.hairpin.trace.PacketTrace;
import dev.hairpin.trace.Step;
import dev.hairpin.trace.Tracer;
import java.util.List;

/**
 * Traces as JSON (for {@code hairpin trace --json} and the HTML report's data): packets with
 * their header, steps (each with a {@code step} kind), fate and leaving header; for a replay
 * also the conntrack events with times and the table occupancy against nf_conntrack_max.
 */
public final class TraceJson {
    private TraceJson() {}

    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public static ObjectNode of(Tracer tracer, List<PacketTrace> packets, boolean withTimeline, long t0Ns) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode ps = root.putArray("packets");
        for (PacketTrace t : packets) {
            ps.add(packet(t, t0Ns));
        }
        if (withTimeline) {
            ArrayNode ev = root.putArray("events");
            for (Tracer.FlowEvent e : tracer.flowEvents()) {
                ObjectNode o = ev.addObject();
                o.put("t", seconds(e.timeNs(), t0Ns));
                o.put("packet", e.packet());
                o.put("flow", e.flow());
                o.put("type", e.type());
                o.put("line", e.line());
            }
            ArrayNode occ = root.putArray("occupancy");
            for (Tracer.Sample s : tracer.samples()) {
                ArrayNode a = occ.addArray();
                a.add(seconds(s.timeNs(), t0Ns));
                a.add(s.count());
            }
            root.put("max", tracer.conntrackMax());
        }
        return root;
    }

    private static double seconds(long ns, long t0) {
        return Math.round((ns - t0) / 1e6) / 1e3;
    }

    public static ObjectNode packet(PacketTrace t, long t0Ns) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", t.id);
        o.put("input", t.seq);
        o.put("parent", t.parent);
        o.put("origin", t.origin);
        o.put("t", seconds(t.timeNs, t0Ns));
        o.set("header", header(t.header));
        ArrayNode steps = o.putArray("steps");
        for (Step s : t.steps) {
            ObjectNode so = MAPPER.createObjectNode();
            so.put("step", s.kind());
            ObjectNode fields = MAPPER.valueToTree(s);
            if (s instanceof Step.Nat n) {
                fields.set("before", header(n.before()));
                fields.set("after", header(n.after()));
                fields.put("rewrote", n.rewrote());
            }
            if (s instanceof Step.Generated g) {
                fields.set("header", header(g.header()));
            }
            so.setAll(fields);
            steps.add(so);
        }
        if (t.fate != null) {
            ObjectNode f = o.putObject("fate");
            f.put("kind", t.fate.kind().name().toLowerCase());
            f.put("text", t.fate.describe());
            putIf(f, "where", t.fate.where());
            putIf(f, "dev", t.fate.dev());
            putIf(f, "table", t.fate.table());
            putIf(f, "chain", t.fate.chain());
            if (t.fate.rule() != 0) {
                f.put("rule", t.fate.rule());
            }
            putIf(f, "ruleText", t.fate.ruleText());
            putIf(f, "reason", t.fate.reason());
            if (t.fate.generated() != 0) {
                f.put("generated", t.fate.generated());
            }
        }
        o.set("leaves", header(t.last));
        return o;
    }

    private static void putIf(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    static ObjectNode header(Header h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("proto", h.protoName());
        o.put("saddr", Ipv4.toString(h.saddr()));
        o.put("daddr", Ipv4.toString(h.daddr()));
        if (h.hasPorts()) {
            o.put("sport", h.sport());
            o.put("dport", h.dport());
        }
        if (h.proto() == Ipv4.PROTO_TCP) {
            o.put("flags", h.flagNames());
        }
        if (h.proto() == Ipv4.PROTO_ICMP) {
            o.put("icmpType", h.dport() >>> 8);
            o.put("icmpCode", h.dport() & 0xff);
            o.put("icmpId", h.sport());
            if (h.inner() != null) {
                o.put("inner", h.inner());
            }
        }
        o.put("ttl", h.ttl());
        o.put("len", h.len());
        o.put("ipId", h.ipId());
        o.put("text", h.toString());
        return o;
    }
}
