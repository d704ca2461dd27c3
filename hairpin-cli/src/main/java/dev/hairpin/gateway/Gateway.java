package dev.hairpin.gateway;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.Snapshot;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import dev.hairpin.tools.EngineState;
import dev.hairpin.tools.OperatorCommands;
import dev.hairpin.tools.ToolResult;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hairpin gateway}: loads a host snapshot, attaches to the kernel devices ip-addr.json
 * names (which carry no kernel address: the gateway owns them), and forwards between them
 * through the engine until SIGTERM or SIGINT.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** How to run: the snapshot directory, control socket, metrics listener (null: none) and rx ring. */
    public record Options(Path config, Path socket, String metricsHost, int metricsPort, String ring, int ringMiB) {}

    private Gateway() {}

    static PacketSocket.Ring ring(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "v2", "tpacket_v2" -> PacketSocket.Ring.V2;
            case "v3", "tpacket_v3" -> PacketSocket.Ring.V3;
            default -> throw new GatewayException("--ring " + s + ": expected v2 or v3");
        };
    }

    /** Runs in the foreground; returns the exit status (0 after SIGTERM/SIGINT). */
    public static int run(Options o) {
        PacketSocket.Ring ring = ring(o.ring());
        Snapshot snap = Snapshot.load(o.config());
        Path addrFile = o.config().resolve("ip-addr.json");
        SecureRandom seeds = new SecureRandom();
        Conntrack conntrack = new Conntrack(snap.ctConfig, seeds.nextLong());
        Stack stack = new Stack(snap.host, conntrack, new SplittableRandom(seeds.nextLong()));
        stack.kernelLog = new RateLimitedLog(log, 1_000_000_000L)::warn; // net_ratelimit(): a flood must not flood the log
        Ruleset ruleset = new Ruleset();
        EngineState state = new EngineState(stack, ruleset); // binds the rules (and ipsets) to the hooks
        if (!snap.iptablesSave.isBlank()) {
            Iptables.Result r = IptablesRestore.restore(ruleset, snap.iptablesSave);
            if (r.exitCode() != 0) {
                throw new GatewayException(o.config().resolve("iptables-save.txt") + ": refused by iptables-restore: " + r.stderr().trim());
            }
        }
        if (!stack.host.sysctls.ipForward()) {
            log.warn("{}: net.ipv4.ip_forward is not 1: the gateway will not forward", o.config().resolve("sysctl.conf"));
        }
        List<LinkInfo> links = new ArrayList<>();
        for (NetDevice d : snap.host.devices) {
            if (d.isLoopback()) {
                continue;
            }
            if (d.type != NetDevice.ARPHRD_ETHER && d.type != NetDevice.ARPHRD_NONE) {
                throw new GatewayException(addrFile + ": interface " + d.name + ": link_type must be \"ether\" or \"none\" (a tun device)");
            }
            LinkInfo li;
            try {
                li = LinkInfo.of(d.name);
            } catch (GatewayException e) {
                throw new GatewayException(addrFile + ": interface \"" + d.name + "\" (field ifname): " + e.getMessage());
            }
            if (d.type == NetDevice.ARPHRD_ETHER && !Arrays.equals(li.mac(), d.mac)) {
                log.info("{}: using the device's MAC {} (ip-addr.json says {})", d.name, HexFormat.ofDelimiter(":").formatHex(li.mac()),
                        HexFormat.ofDelimiter(":").formatHex(d.mac));
                System.arraycopy(li.mac(), 0, d.mac, 0, 6);
            }
            if (li.mtu() != d.mtu) {
                log.warn("{}: kernel MTU {} differs from ip-addr.json's {}; the engine uses {}", d.name, li.mtu(), d.mtu, d.mtu);
            }
            if (!li.up()) {
                log.warn("{}: the device is down (ip link set {} up)", d.name, d.name);
            }
            links.add(li);
        }
        if (links.isEmpty()) {
            throw new GatewayException(addrFile + ": no interface to attach to (only loopback)");
        }
        Native.Errno errno = new Native.Errno(java.lang.foreign.Arena.global());
        List<Port> ports = new ArrayList<>();
        try {
            for (LinkInfo li : links) {
                NetDevice d = snap.host.device(li.name());
                if (d.type == NetDevice.ARPHRD_NONE) {
                    ports.add(new Port(ports.size(), d, null, TunDevice.open(li.name(), errno)));
                    continue;
                }
                PacketSocket s = PacketSocket.open(li.name(), li.ifindex(), ring, o.ringMiB(), errno);
                ports.add(new Port(ports.size(), d, s));
            }
        } catch (GatewayException e) {
            ports.forEach(Port::close);
            throw e;
        }
        var sys = stack.host.sysctls;
        DataPlane plane = new DataPlane(stack, ports, (int) sys.getLong("net.ipv4.neigh.default.gc_thresh3", 1024),
                sys.getLong("net.ipv4.neigh.default.base_reachable_time_ms", 30_000) * 1_000_000L,
                sys.getLong("net.ipv4.neigh.default.retrans_time_ms", 1_000) * 1_000_000L);
        loadNeighbours(o.config().resolve("ip-neigh.txt"), plane);

        ControlServer control = null;
        HTTPServer metrics = null;
        try {
            Path config = o.config();
            control = new ControlServer(o.socket(), plane, state, (st, argv, stdin) -> argv.getFirst().equals("trace")
                    ? result(dev.hairpin.cli.LiveTrace.run(st, config, argv)) // a scratch copy: the live state stays as it is
                    : operator(st, argv, stdin));
            if (o.metricsHost() != null) {
                metrics = Metrics.serve(new Metrics(plane, ruleset, control), o.metricsHost(), o.metricsPort());
            }
            Signals.onTerminate(plane::stop);
            StringBuilder sb = new StringBuilder();
            for (Port p : ports) {
                sb.append(' ').append(p.dev.name).append('=');
                p.dev.addrs.forEach(a -> sb.append(Ipv4.toString(a.local())).append('/').append(a.prefixLen()).append(','));
                sb.setLength(sb.length() - 1);
            }
            log.info("gateway up:{}; rx ring TPACKET_{} {} MiB per device; control socket {}; metrics {}", sb, ring, o.ringMiB(),
                    o.socket(), o.metricsHost() == null ? "off" : "http://" + o.metricsHost() + ":" + metrics.getPort() + "/metrics");
            plane.run();
            log.info("stopping: {} conntrack entries dropped with the process", stack.conntrack.table.count());
            return 0;
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            if (control != null) {
                control.close();
            }
            plane.closePorts();
        }
    }

    /** the shared operator dispatcher (the same one replay actions and the lab use) */
    static Operator.Result operator(EngineState state, java.util.List<String> argv, String stdin) {
        return result(OperatorCommands.run(state, argv, stdin));
    }

    private static Operator.Result result(ToolResult r) {
        return new Operator.Result(r.stdout(), r.stderr(), r.exitCode());
    }

    /** ip neigh show lines: PERMANENT/NOARP entries are static, others start STALE (used, re-probed) */
    static void loadNeighbours(Path file, DataPlane plane) {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new GatewayException(file + ": cannot read: " + e.getMessage(), e);
        }
        for (int n = 1; n <= lines.size(); n++) {
            String[] w = lines.get(n - 1).trim().split("\\s+");
            List<String> words = Arrays.asList(w);
            int dev = words.indexOf("dev");
            int ll = words.indexOf("lladdr");
            if (w[0].isEmpty() || w[0].contains(":") || ll < 0) {
                continue; // blank, IPv6, or an entry without an address (FAILED, INCOMPLETE)
            }
            if (dev < 0 || dev + 1 >= w.length || ll + 1 >= w.length) {
                throw new GatewayException(file + ":" + n + ": expected `ADDR dev DEV lladdr MAC STATE`, got: " + lines.get(n - 1));
            }
            int ip;
            long mac;
            try {
                ip = Ipv4.parse(w[0]);
                mac = parseMac(w[ll + 1]);
            } catch (IllegalArgumentException e) {
                throw new GatewayException(file + ":" + n + ": bad address or lladdr: " + lines.get(n - 1));
            }
            Port p = plane.port(w[dev + 1]);
            if (p == null) {
                throw new GatewayException(file + ":" + n + ": device " + w[dev + 1] + " is not an attached interface of ip-addr.json");
            }
            String state = w[w.length - 1];
            if (state.equals("PERMANENT") || state.equals("NOARP")) {
                plane.neighbours.addPermanent(p.id, ip, mac);
            } else {
                int e = plane.neighbours.findOrCreate(p.id, ip);
                if (e >= 0) {
                    plane.neighbours.mac[e] = mac;
                    plane.neighbours.state[e] = Neighbours.STALE;
                }
            }
        }
    }

    static long parseMac(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException(s);
        }
        long m = 0;
        for (String p : parts) {
            m = (m << 8) | Integer.parseInt(p, 16);
        }
        return m;
    }
}
