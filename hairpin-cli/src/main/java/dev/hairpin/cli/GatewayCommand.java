package dev.hairpin.cli;

import dev.hairpin.gateway.Gateway;
import dev.hairpin.gateway.GatewayException;
import dev.hairpin.io.SnapshotException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hairpin gateway --config DIR}: the engine forwarding between real interfaces. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Run a userspace NAT gateway on the kernel devices named in DIR/ip-addr.json, owning the addresses listed there.",
            "The devices must carry no kernel address. Operator commands reach it with --gateway SOCKET or HAIRPIN_GATEWAY=SOCKET,",
            "e.g. `hairpin conntrack -L --gateway DIR/hairpin.sock`. Stops on SIGTERM/SIGINT."})
final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "DIR",
            description = "snapshot directory: ip-addr.json, ip-route.json, sysctl.conf, iptables-save.txt, ip-neigh.txt")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH", description = "control socket, mode 0600 (default DIR/hairpin.sock)")
    Path socket;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9469",
            description = "Prometheus endpoint, or `off` (default ${DEFAULT-VALUE})")
    String metrics;

    @Option(names = "--ring", defaultValue = "v2", description = "PACKET_MMAP rx ring: v2 (per-frame handover, lowest latency) or v3 (block retire, 1 ms timeout)")
    String ring;

    @Option(names = "--ring-mib", defaultValue = "16", description = "rx ring size per device in MiB (default ${DEFAULT-VALUE})")
    int ringMiB;

    @Override
    public Integer call() {
        String host = null;
        int port = 0;
        if (!metrics.equals("off")) {
            int c = metrics.lastIndexOf(':');
            try {
                host = metrics.substring(0, c);
                port = Integer.parseInt(metrics.substring(c + 1));
            } catch (RuntimeException e) {
                System.err.println("hairpin gateway: --metrics " + metrics + ": expected HOST:PORT or off");
                return 2;
            }
        }
        try {
            return Gateway.run(new Gateway.Options(config, socket != null ? socket : config.resolve("hairpin.sock"), host, port, ring, ringMiB));
        } catch (SnapshotException | GatewayException e) {
            System.err.println("hairpin gateway: " + e.getMessage());
            return 2;
        }
    }
}
