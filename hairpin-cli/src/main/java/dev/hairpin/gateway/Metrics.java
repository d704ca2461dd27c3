package dev.hairpin.gateway;

import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStats;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.rules.Chain;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.Table;
import dev.hairpin.tools.ConntrackFormat;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint. Nothing is counted through the client library on the packet path:
 * at scrape time one task on the packet thread (between batches) copies the engine's own
 * counters (CtStats, the table, rule counters, port counters, the latency buckets) into plain
 * values, and this collector turns them into metric families.
 */
final class Metrics implements MultiCollector {
    private final DataPlane plane;
    private final Ruleset ruleset;
    private final ControlServer control;

    Metrics(DataPlane plane, Ruleset ruleset, ControlServer control) {
        this.plane = plane;
        this.ruleset = ruleset;
        this.control = control;
    }

    static HTTPServer serve(Metrics m, String host, int port) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(m);
        try {
            return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new GatewayException("--metrics " + host + ":" + port + ": cannot listen: " + e.getMessage(), e);
        }
    }

    /** everything one scrape shows, copied on the packet thread */
    record Sample(long count, long max, long[] ctStats, Map<String, Long> byProtoState, List<String[]> rules, List<long[]> ruleCounters,
            List<String> portNames, List<long[]> portCounters, Map<String, long[]> natPorts, long[] latency, long latencySumNs,
            Map<String, Long> drops, long neighbours, long neighbourDrops) {}

    Sample sample() {
        ConntrackTable t = plane.stack.conntrack.table;
        Map<String, Long> byState = new TreeMap<>();
        Map<String, BitSet> nat = new TreeMap<>();
        Map<String, long[]> natPorts = new TreeMap<>();
        for (int e : plane.stack.conntrack.snapshot()) {
            int proto = t.protocol(e);
            String state = proto == 6 ? TCP_STATES[t.l4state(e)] : (t.status(e) & CtStatus.ASSURED) != 0 ? "ASSURED"
                    : (t.status(e) & CtStatus.SEEN_REPLY) != 0 ? "REPLIED" : "UNREPLIED";
            byState.merge(ConntrackFormat.protoName(proto) + "\0" + state, 1L, Long::sum);
            if ((t.status(e) & CtStatus.SRC_NAT) != 0) {
                // the reply tuple's destination is the address and port the flow was given
                String key = Ipv4.toString(t.dst(e, 1)) + "\0" + ConntrackFormat.protoName(proto);
                nat.computeIfAbsent(key, k -> new BitSet(65536)).set(t.dport(e, 1));
                natPorts.computeIfAbsent(key, k -> new long[2])[0]++;
            }
        }
        nat.forEach((k, bits) -> natPorts.get(k)[1] = bits.cardinality());
        List<String[]> rules = new ArrayList<>();
        List<long[]> counters = new ArrayList<>();
        for (Table table : ruleset.snapshot()) {
            if (table == null) {
                continue; // a table nobody created
            }
            for (Chain c : table.chains()) {
                int n = 0;
                for (Rule r : c.rules()) {
                    n++;
                    rules.add(new String[] {table.name(), c.name(), Integer.toString(n), r.targetName()});
                    counters.add(new long[] {r.counter().packets(), r.counter().bytes()});
                }
            }
        }
        List<String> names = new ArrayList<>();
        List<long[]> ports = new ArrayList<>();
        for (Port p : plane.ports) {
            if (p.sock != null) {
                p.sock.stats();
            }
            names.add(p.dev.name);
            ports.add(new long[] {p.rxPackets, p.rxBytes, p.txPackets, p.txBytes, p.rxErrors, p.rxIgnored, p.txErrors,
                p.sock == null ? 0 : p.sock.kernelDrops, p.arpRequestsIn, p.arpRepliesOut, p.arpRequestsOut, p.tx.syscalls});
        }
        Map<String, Long> drops = new TreeMap<>();
        plane.drops.forEach((k, v) -> drops.put(k, v[0]));
        CtStats s = plane.stack.conntrack.stats;
        return new Sample(t.count(), plane.stack.conntrack.config.max, s.values(), byState, rules, counters, names, ports, natPorts,
                plane.latency.clone(), plane.latencySumNs, drops, plane.neighbours.size,
                plane.neighbours.unresolvedDrops + plane.neighbours.tableFullDrops);
    }

    private static final String[] TCP_STATES = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
        "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"};

    @Override
    public MetricSnapshots collect() {
        Sample s;
        try {
            s = plane.call(this::sample, 5_000);
        } catch (Exception e) {
            LoggerFactory.getLogger(Metrics.class).warn("metrics scrape: {}", e.toString(), e);
            return MetricSnapshots.of();
        }
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(gauge("hairpin_conntrack_entries", "conntrack entries (nf_conntrack_count)", Labels.EMPTY, s.count()));
        out.add(gauge("hairpin_conntrack_max", "nf_conntrack_max; alert at 80% of it", Labels.EMPTY, s.max()));
        var byState = GaugeSnapshot.builder().name("hairpin_conntrack_entries_by_state").help("conntrack entries by protocol and state");
        s.byProtoState().forEach((k, v) -> {
            String[] ps = k.split("\0");
            byState.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("protocol", ps[0], "state", ps[1])).value(v).build());
        });
        out.add(byState.build());
        String[] help = {"packets that found an existing entry", "invalid packets", "entries inserted", "insertions that failed (clash)",
            "packets dropped by conntrack (table full)", "entries dropped early to make room", "errors", "search restarts", "clashes resolved",
            "hash chains too long"};
        for (int i = 0; i < CtStats.NAMES.length; i++) {
            out.add(counter("hairpin_conntrack_" + CtStats.NAMES[i], "conntrack -S " + CtStats.NAMES[i] + ": " + help[i], Labels.EMPTY, s.ctStats()[i]));
        }
        var rp = CounterSnapshot.builder().name("hairpin_rule_packets").help("packets that matched an iptables rule");
        var rb = CounterSnapshot.builder().name("hairpin_rule_bytes").help("bytes that matched an iptables rule");
        for (int i = 0; i < s.rules().size(); i++) {
            String[] r = s.rules().get(i);
            Labels l = Labels.of("table", r[0], "chain", r[1], "rule", r[2], "target", r[3]);
            rp.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(s.ruleCounters().get(i)[0]).build());
            rb.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(s.ruleCounters().get(i)[1]).build());
        }
        out.add(rp.build());
        out.add(rb.build());
        String[][] portMetrics = {{"rx_packets", "frames received"}, {"rx_bytes", "bytes received"}, {"tx_packets", "frames sent"},
            {"tx_bytes", "bytes sent"}, {"rx_errors", "frames dropped before the stack: malformed, truncated (GSO), VLAN"},
            {"rx_ignored", "frames not for the gateway: other ethertypes, other hosts"},
            {"tx_drops", "frames not sent: kernel refused, over MTU, next hop never answered ARP"},
            {"rx_ring_drops", "frames the kernel dropped because the rx ring was full (PACKET_STATISTICS)"},
            {"arp_requests_received", "ARP requests received"}, {"arp_replies_sent", "ARP replies sent for the gateway's addresses"},
            {"arp_requests_sent", "ARP requests sent to resolve next hops"},
            {"tx_syscalls", "sendmmsg() calls: tx_packets / tx_syscalls is the mean transmit batch"}};
        for (int m = 0; m < portMetrics.length; m++) {
            var b = CounterSnapshot.builder().name("hairpin_interface_" + portMetrics[m][0]).help(portMetrics[m][1]);
            for (int i = 0; i < s.portNames().size(); i++) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("interface", s.portNames().get(i)))
                        .value(s.portCounters().get(i)[m]).build());
            }
            out.add(b.build());
        }
        var natFlows = GaugeSnapshot.builder().name("hairpin_nat_mappings").help("source-NATed conntrack entries per public address and protocol");
        var natUsed = GaugeSnapshot.builder().name("hairpin_nat_ports_in_use").help("distinct public ports in use per public address and protocol (of 64512 in 1024-65535)");
        s.natPorts().forEach((k, v) -> {
            String[] ap = k.split("\0");
            Labels l = Labels.of("address", ap[0], "protocol", ap[1]);
            natFlows.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v[0]).build());
            natUsed.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v[1]).build());
        });
        out.add(natFlows.build());
        out.add(natUsed.build());
        double[] bounds = new double[DataPlane.LATENCY_BOUNDS.length + 1];
        for (int i = 0; i < DataPlane.LATENCY_BOUNDS.length; i++) {
            bounds[i] = DataPlane.LATENCY_BOUNDS[i] / 1e9;
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        out.add(HistogramSnapshot.builder().name("hairpin_packet_processing_seconds")
                .help("time from a frame leaving the rx ring to the engine's verdict and transmit, per IPv4 packet")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.latency())).sum(s.latencySumNs() / 1e9).build())
                .build());
        var drops = CounterSnapshot.builder().name("hairpin_stack_drops").help("packets the engine dropped, by reason");
        s.drops().forEach((k, v) -> drops.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("reason", k)).value(v).build()));
        out.add(drops.build());
        out.add(gauge("hairpin_neighbour_entries", "ARP cache entries", Labels.EMPTY, s.neighbours()));
        out.add(counter("hairpin_neighbour_drops", "datagrams dropped for an unresolved next hop or a full ARP cache", Labels.EMPTY, s.neighbourDrops()));
        out.add(counter("hairpin_control_events_lost", "conntrack -E events lost to a slow reader", Labels.EMPTY, control == null ? 0 : control.eventsLost.get()));
        return new MetricSnapshots(out);
    }

    private static GaugeSnapshot gauge(String name, String help, Labels l, double v) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, Labels l, double v) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build()).build();
    }
}
