package dev.hairpin.gateway;

import dev.hairpin.tools.ConntrackCommand;
import dev.hairpin.tools.EngineState;
import dev.hairpin.tools.OperatorCommands;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's control socket: a Unix stream socket with owner-only permissions (0600), where
 * the operator commands connect as the real tools talk to the kernel over netlink. Each client
 * gets a virtual thread; its command runs on the packet thread between batches. {@code conntrack
 * -E} subscribes to the engine's events through a bounded queue: a slow reader loses events
 * (counted, as ENOBUFS on a netlink socket) and never holds up the packet path, and a reader that
 * goes away is unsubscribed.
 */
final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    static final int EVENT_QUEUE = 8192;

    private final Path path;
    private final DataPlane plane;
    private final Operator operator;
    private final EngineState state;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    final AtomicLong eventsLost = new AtomicLong();
    final AtomicLong commands = new AtomicLong();

    ControlServer(Path path, DataPlane plane, EngineState state, Operator operator) {
        this.path = path;
        this.plane = plane;
        this.state = state;
        this.operator = operator;
        this.server = bind(path);
        this.acceptor = Thread.ofPlatform().name("hairpin-control").daemon().start(this::accept);
    }

    /**
     * Binds beside the final name, makes it 0600, then renames it into place: nobody else can
     * connect in between. A live socket at the path means another gateway: refuse; a stale one goes.
     */
    private static ServerSocketChannel bind(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.exists(path)) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    throw new GatewayException(path + ": a gateway is already listening on this control socket");
                } catch (IOException stale) {
                    Files.delete(path);
                }
            }
            Path tmp = dir.resolve("." + path.getFileName() + "." + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            return s;
        } catch (IOException e) {
            throw new GatewayException(path + ": cannot create the control socket: " + e.getMessage(), e);
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("hairpin-client").start(() -> serve(c));
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("control socket: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(c)));
            ControlProtocol.Request req;
            try {
                req = ControlProtocol.readRequest(in);
            } catch (IOException e) {
                log.debug("control client sent a bad request: {}", e.getMessage());
                return;
            }
            commands.incrementAndGet();
            List<String> argv = req.argv();
            if (argv.getFirst().equals("conntrack") && (argv.contains("-E") || argv.contains("--event"))) {
                events(argv, in, out);
                return;
            }
            Operator.Result r;
            try {
                r = plane.call(() -> operator.run(state, argv, req.stdin()), 30_000);
            } catch (Exception e) {
                r = new Operator.Result("", argv.getFirst() + ": " + e.getMessage() + "\n", 1);
            }
            ControlProtocol.text(out, ControlProtocol.STDOUT, r.stdout());
            ControlProtocol.text(out, ControlProtocol.STDERR, r.stderr());
            ControlProtocol.exit(out, r.exitCode());
            if (!r.stdout().isEmpty() || r.exitCode() != 0 || !argv.getFirst().startsWith("iptables")) {
                log.debug("control: {} -> {}", String.join(" ", argv), r.exitCode());
            } else {
                log.info("control: {} -> {}", String.join(" ", argv), r.exitCode());
            }
        } catch (IOException e) {
            log.debug("control client went away: {}", e.getMessage());
        }
    }

    /** conntrack -E [filters]: one line per event until the client closes its end */
    private void events(List<String> argv, DataInputStream in, DataOutputStream out) throws IOException {
        ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(EVENT_QUEUE);
        long[] lost = {0};
        ConntrackCommand.Started started;
        try {
            // the listener runs on the packet thread: it only offers to the bounded queue
            started = plane.call(() -> OperatorCommands.stream(state, argv, line -> {
                if (!q.offer(line)) {
                    lost[0]++;
                    eventsLost.incrementAndGet();
                }
            }), 5_000);
        } catch (Exception e) {
            ControlProtocol.text(out, ControlProtocol.STDERR, "conntrack -E: " + e.getMessage() + "\n");
            ControlProtocol.exit(out, 1);
            return;
        }
        if (started.finished() != null) { // refused, or not an event command after all
            ControlProtocol.text(out, ControlProtocol.STDOUT, started.finished().stdout());
            ControlProtocol.text(out, ControlProtocol.STDERR, started.finished().stderr());
            ControlProtocol.exit(out, started.finished().exitCode());
            return;
        }
        log.info("control: {} subscribed", String.join(" ", argv));
        // the client never writes again: EOF on its side means it is gone
        Thread watcher = Thread.ofVirtual().start(() -> {
            try {
                while (in.read() >= 0) {
                    // ignore
                }
            } catch (IOException ignored) {
                // gone
            }
        });
        boolean clientGone = false;
        try {
            while (watcher.isAlive() && plane.isRunning()) {
                String line = q.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                StringBuilder sb = new StringBuilder(line).append('\n');
                while ((line = q.poll()) != null) {
                    sb.append(line).append('\n');
                }
                ControlProtocol.text(out, ControlProtocol.STDOUT, sb.toString());
                out.flush();
            }
            clientGone = !watcher.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            clientGone = true;
            log.debug("conntrack -E client went away: {}", e.getMessage());
        } finally {
            ConntrackCommand.EventStream stream = started.stream();
            plane.post(stream::stop);
            log.info("control: conntrack -E unsubscribed ({} events lost to a full queue)", lost[0]);
        }
        if (!clientGone) { // the gateway is stopping: end the stream as the tool ends on a signal
            ControlProtocol.exit(out, 0);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("{}: could not remove the control socket: {}", path, e.getMessage());
        }
    }
}
