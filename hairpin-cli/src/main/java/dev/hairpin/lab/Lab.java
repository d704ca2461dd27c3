package dev.hairpin.lab;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtNetlink;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.SnapshotException;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.tools.ConntrackCommand;
import dev.hairpin.tools.OperatorCommands;
import dev.hairpin.tools.ToolResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hairpin --state DIR COMMAND ...}: operator commands and traffic against a saved lab
 * state (see {@link LabState}), one command per call or many from a script. Commands:
 * <pre>
 *   init [--from SNAPSHOT]          (re)create the state: a snapshot's host, or the default gateway
 *   iptables|iptables-save|iptables-restore|conntrack|sysctl ARGS...   as on a Linux host
 *   send tcp|udp|icmp SRC[:PORT] DST[:PORT] --in IFACE|--local IFACE [--flags SA] [--len N] [--seq N] [--ack N]
 *        [--ttl N] [--type T] [--code C] [--id N]     inject one packet, print what came out where
 *   sleep SECONDS                   move the simulated clock (timers expire)
 *   script FILE|-                   run commands from a file or stdin, one per line
 * </pre>
 * {@code conntrack -E} prints the events the state kept since the previous {@code -E}.
 */
public final class Lab {
    private final LabState state;
    private final PrintStream out;
    private final PrintStream err;

    private Lab(LabState state, PrintStream out, PrintStream err) {
        this.state = state;
        this.out = out;
        this.err = err;
    }

    static final String USAGE = """
            usage: hairpin --state DIR COMMAND [ARGS...]
              init [--from SNAPSHOT]
              iptables ARGS | iptables-save ARGS | iptables-restore [FILE] | conntrack ARGS | sysctl ARGS
              send tcp|udp|icmp SRC[:PORT] DST[:PORT] --in IFACE|--local IFACE [--flags SA] [--len N] [--seq N] [--ack N] [--ttl N]
                   [--type T] [--code C] [--id N]
              sleep SECONDS
              script FILE|-
              trace [--commit] PACKET...   (hairpin trace --state DIR: the packet's path; the state changes only with --commit)
            """;

    /** Runs one command against the state in {@code dir}; returns the exit status. */
    public static int main(Path dir, List<String> args, String stdin, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.getFirst().equals("help") || args.getFirst().equals("--help")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        try {
            if (args.getFirst().equals("init")) {
                Path from = null;
                if (args.size() == 3 && args.get(1).equals("--from")) {
                    from = Path.of(args.get(2));
                } else if (args.size() != 1) {
                    err.println("hairpin: init takes [--from SNAPSHOT_DIR], got: " + String.join(" ", args.subList(1, args.size())));
                    return 2;
                }
                LabState.init(dir, from);
                LabState.open(dir).save();
                out.println("lab state " + dir + ": host from " + (from == null ? "the default gateway (eth0 10.0.0.1/24, eth1 "
                        + "203.0.113.1/24, default via 203.0.113.254)" : from) + ", empty conntrack table");
                return 0;
            }
            LabState s = LabState.open(dir);
            Lab lab = new Lab(s, out, err);
            int rc = lab.command(args, stdin);
            s.save();
            return rc;
        } catch (LabException e) {
            err.println("hairpin: " + e.getMessage());
            return e.status;
        } catch (SnapshotException e) {
            err.println("hairpin: " + e.getMessage());
            return 1;
        }
    }

    int command(List<String> args, String stdin) {
        String cmd = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        switch (cmd) {
            case "send" -> {
                return send(rest);
            }
            case "sleep" -> {
                if (rest.size() != 1 || !rest.getFirst().matches("\\d+(\\.\\d+)?")) {
                    err.println("hairpin: sleep takes a number of seconds, got: " + String.join(" ", rest));
                    return 2;
                }
                state.advance(Math.round(Double.parseDouble(rest.getFirst()) * 1e9));
                return 0;
            }
            case "script" -> {
                return script(rest, stdin);
            }
            case "conntrack" -> {
                if (rest.contains("-E") || rest.contains("--event")) {
                    return events(args);
                }
                return print(OperatorCommands.run(state.engine, args, stdin));
            }
            case "iptables-restore" -> {
                return print(OperatorCommands.run(state.engine, args, stdin));
            }
            default -> {
                if (OperatorCommands.TOOLS.contains(cmd)) {
                    return print(OperatorCommands.run(state.engine, args, stdin));
                }
                err.println("hairpin: unknown lab command `" + cmd + "'");
                err.print(USAGE);
                return 2;
            }
        }
    }

    private int print(ToolResult r) {
        out.print(r.stdout());
        out.flush();
        err.print(r.stderr());
        return r.exitCode();
    }

    /** conntrack -E over the kept events, filtered as the tool filters them live */
    private int events(List<String> argv) {
        Conntrack scratch = new Conntrack(new CtConfig(), 1);
        List<String> lines = new ArrayList<>();
        ConntrackCommand.Started st = OperatorCommands.stream(new dev.hairpin.tools.EngineState(
                new dev.hairpin.pipeline.Stack(state.snapshot.host, scratch, new java.util.SplittableRandom(1)),
                new dev.hairpin.rules.Ruleset()), argv, lines::add);
        if (st.finished() != null) {
            return print(st.finished());
        }
        for (String e : state.pendingEvents) {
            String[] w = e.split(" ", 4);
            scratch.table.setNow(Long.parseLong(w[0]));
            int ct = CtNetlink.restore(scratch, LabTable.parse(w[3]));
            if (ct < 0) {
                continue;
            }
            CtNetlink.report(scratch, ct, Integer.parseInt(w[1]), w[2].equals("1"));
            CtNetlink.forget(scratch, ct);
        }
        state.pendingEvents.clear();
        for (String l : lines) {
            out.println(l);
        }
        return print(st.stream().stop());
    }

    private int script(List<String> rest, String stdin) {
        if (rest.size() != 1) {
            err.println("hairpin: script takes one file name (or - for stdin)");
            return 2;
        }
        String text;
        if (rest.getFirst().equals("-")) {
            text = stdin;
        } else {
            try {
                text = Files.readString(Path.of(rest.getFirst()));
            } catch (java.io.IOException e) {
                throw new LabException(rest.getFirst() + ": cannot read the script: " + e.getMessage());
            }
        }
        int rc = 0;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            List<String> words = Words.split(l, rest.getFirst() + ":" + n);
            out.println("$ " + l);
            rc = command(words, "");
            if (rc != 0) {
                out.println("(exit " + rc + ")");
            }
        }
        return rc;
    }

    // ---------------------------------------------------------------- traffic

    private int send(List<String> a) {
        if (a.size() < 3) {
            err.println("hairpin: send PROTO SRC[:PORT] DST[:PORT] --in IFACE [options]; got: " + String.join(" ", a));
            return 2;
        }
        String proto = a.get(0);
        String[] src = endpoint(a.get(1), !proto.equals("icmp"));
        String[] dst = endpoint(a.get(2), !proto.equals("icmp"));
        String in = null;
        String local = null;
        String flags = null;
        Long seq = null;
        Long ack = null;
        int len = 0;
        int ttl = 64;
        int type = 8;
        int code = 0;
        int id = 1;
        for (int i = 3; i < a.size(); i++) {
            String o = a.get(i);
            if (i + 1 >= a.size()) {
                throw LabException.usage("send: option " + o + " needs a value");
            }
            String v = a.get(++i);
            switch (o) {
                case "--in" -> in = v;
                case "--local" -> local = v;
                case "--flags" -> flags = v;
                case "--seq" -> seq = num(o, v, 0, 0xffffffffL);
                case "--ack" -> ack = num(o, v, 0, 0xffffffffL);
                case "--len" -> len = (int) num(o, v, 0, 65535 - 40); // room for the IP and TCP headers
                case "--ttl" -> ttl = (int) num(o, v, 0, 255);
                case "--type" -> type = (int) num(o, v, 0, 255);
                case "--code" -> code = (int) num(o, v, 0, 255);
                case "--id" -> id = (int) num(o, v, 0, 65535);
                default -> throw LabException.usage("send: unknown option " + o
                        + " (expected --in, --local, --flags, --len, --seq, --ack, --ttl, --type, --code, --id)");
            }
        }
        if ((in == null) == (local == null)) {
            throw LabException.usage("send: give --in IFACE (the interface the packet arrives on) or --local IFACE "
                    + "(sent by a process on the lab host, routed via IFACE), one of them");
        }
        String ifname = in != null ? in : local;
        NetDevice dev = state.stack.host.device(ifname);
        if (dev == null) {
            throw LabException.usage("send: no interface " + ifname + " on the lab host");
        }
        int s = Ipv4.parse(src[0]);
        int d = Ipv4.parse(dst[0]);
        byte[] p = switch (proto) {
            case "tcp" -> tcp(s, port(src), d, port(dst), flags == null ? "S" : flags, seq, ack, len, ttl);
            case "udp" -> Packets.udp(s, port(src), d, port(dst), len, ttl);
            case "icmp" -> Packets.icmp(s, d, type, code, id, seq == null ? 1 : (int) (long) seq, len, ttl);
            default -> throw LabException.usage("send: protocol must be tcp, udp or icmp, got " + proto);
        };
        out.println((in != null ? "in  " + in : "local " + local) + ": " + Packets.describe(p, 0, p.length));
        List<String> what = new ArrayList<>();
        state.stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice o, int nexthop) {
                byte[] q = skb.copyDatagram();
                what.add("out " + o.name + ": " + Packets.describe(q, 0, q.length));
            }

            @Override
            public void deliver(Skb skb) {
                what.add("delivered to the host (INPUT)");
            }

            @Override
            public void drop(Skb skb, String reason) {
                what.add("dropped: " + reason);
            }
        };
        state.stack.kernelLog = l -> what.add("kernel: " + l);
        Skb skb = new Skb(p, 0, p.length);
        if (in != null) {
            skb.in = dev;
            state.stack.receive(skb);
        } else {
            state.stack.localOut(skb, dev, 0);
        }
        for (String w : what) {
            out.println(w);
        }
        if (what.isEmpty()) {
            out.println("(nothing came out)");
        }
        return 0;
    }

    private byte[] tcp(int s, int sport, int d, int dport, String flagText, Long seq, Long ack, int len, int ttl) {
        int f = Packets.parseFlags(flagText);
        String me = Ipv4.toString(s) + ":" + sport;
        String peer = peerOf(s, sport, d, dport);
        long sq = seq != null ? seq : state.tcpSeq.getOrDefault(me, 1000L);
        long ak = ack != null ? ack : (f & Packets.TCP_ACK) != 0 ? state.tcpSeq.getOrDefault(peer, 0L) : 0;
        long next = sq + len + ((f & Packets.TCP_SYN) != 0 ? 1 : 0) + ((f & Packets.TCP_FIN) != 0 ? 1 : 0);
        state.tcpSeq.put(me, next & 0xffffffffL);
        return Packets.tcp(s, sport, d, dport, f, sq, ak, len, 64240, ttl);
    }

    /** the other end of a TCP packet as that end sees itself (through the NAT the entry records) */
    private String peerOf(int s, int sport, int d, int dport) {
        int node = state.conntrack.table.find(dev.hairpin.conntrack.Tuple.k1(s, d), dev.hairpin.conntrack.Tuple.k2(sport, dport, 6, 0));
        if (node < 0) {
            return Ipv4.toString(d) + ":" + dport;
        }
        int ct = node >>> 1;
        int other = (node & 1) == 0 ? 1 : 0;
        var t = state.conntrack.table;
        return Ipv4.toString(t.src(ct, other)) + ":" + t.sport(ct, other);
    }

    private static long num(String o, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw LabException.usage("send: " + o + " expects a number " + min + "-" + max + ", got " + v);
        }
        if (n < min || n > max) {
            throw LabException.usage("send: " + o + " must be " + min + "-" + max + ", got " + v);
        }
        return n;
    }

    private static String[] endpoint(String s, boolean port) {
        String[] w = s.split(":");
        if (port && w.length != 2 || !port && w.length != 1) {
            throw LabException.usage("send: expected " + (port ? "ADDRESS:PORT" : "ADDRESS") + ", got " + s);
        }
        try {
            Ipv4.parse(w[0]);
        } catch (IllegalArgumentException e) {
            throw LabException.usage("send: not an IPv4 address: " + w[0]);
        }
        return w;
    }

    private static int port(String[] e) {
        try {
            int p = Integer.parseInt(e[1]);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException x) {
            throw LabException.usage("send: port must be 0-65535, got " + e[1]);
        }
    }
}
