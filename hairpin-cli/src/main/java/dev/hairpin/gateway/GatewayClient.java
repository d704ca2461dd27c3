package dev.hairpin.gateway;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The operator side of the control socket: {@code hairpin iptables|iptables-save|
 * iptables-restore|conntrack|sysctl ... --gateway SOCKET} (or with {@code HAIRPIN_GATEWAY} set)
 * runs the command in the running gateway and prints what it answered, with its exit status.
 */
public final class GatewayClient {
    private GatewayClient() {}

    public static final String ENV = "HAIRPIN_GATEWAY";
    static final Set<String> COMMANDS = Set.of("iptables", "iptables-save", "iptables-restore",
        "conntrack", "sysctl", "ipset", "trace");

    /**
     * When {@code args} is an operator command aimed at a gateway (--gateway SOCKET, or the
     * environment), runs it there and returns the exit status; null otherwise.
     */
    public static Integer forward(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return null;
        }
        List<String> argv = new ArrayList<>();
        String socket = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--gateway") && i + 1 < args.length) {
                socket = args[++i];
            } else if (args[i].startsWith("--gateway=")) {
                socket = args[i].substring("--gateway=".length());
            } else {
                argv.add(args[i]);
            }
        }
        if (socket == null && argv.getFirst().equals("trace")) {
            return null; // trace --snapshot/--replay runs here; only an explicit --gateway goes to the gateway
        }
        if (socket == null) {
            socket = System.getenv(ENV);
        }
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        byte[] stdin = new byte[0];
        try {
            if (argv.getFirst().endsWith("-restore")) {
                // iptables-restore [options] [FILE]: the file is read here, where the operator is
                String last = argv.size() > 1 ? argv.getLast() : null;
                if (last != null && !last.startsWith("-") && Files.isRegularFile(Path.of(last))) {
                    stdin = Files.readAllBytes(Path.of(last));
                    argv.removeLast();
                } else {
                    stdin = System.in.readAllBytes();
                }
            }
        } catch (IOException e) {
            System.err.println(argv.getFirst() + ": cannot read the ruleset: " + e.getMessage());
            return 1;
        }
        return run(Path.of(socket), argv, stdin, System.out, System.err);
    }

    /** Sends one command and copies the answer to {@code out}/{@code err}; returns its exit status. */
    public static int run(Path socket, List<String> argv, byte[] stdin, PrintStream out, PrintStream err) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(c)));
            ControlProtocol.writeRequest(o, argv, stdin);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
            while (true) {
                int type;
                try {
                    type = in.readUnsignedByte();
                } catch (EOFException e) {
                    err.println("hairpin: the gateway at " + socket + " closed the connection");
                    return 1;
                }
                if (type == ControlProtocol.EXIT) {
                    return in.readInt();
                }
                int n = in.readInt();
                String s = new String(in.readNBytes(n), StandardCharsets.UTF_8);
                PrintStream p = type == ControlProtocol.STDERR ? err : out;
                p.print(s);
                p.flush();
            }
        } catch (IOException e) {
            err.println("hairpin: cannot reach the gateway at " + socket + ": " + e.getMessage()
                    + " (is `hairpin gateway` running, and is the socket yours?)");
            return 1;
        }
    }
}
