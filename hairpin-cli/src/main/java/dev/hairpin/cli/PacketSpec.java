package dev.hairpin.cli;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A packet described on the command line:
 * {@code [--in IFACE | --local] PROTO SRC[:PORT] [>] DST[:PORT] [--syn --ack --fin --rst --psh]
 * [--ttl N] [--len N] [--icmp-type T] [--icmp-code C] [--id N] [--seq N] [--ack-seq N]}.
 * PROTO is tcp, udp or icmp; an icmp packet is an echo request unless --icmp-type says otherwise.
 */
final class PacketSpec {
    @Option(names = "--in", paramLabel = "IFACE", description = "the interface the packet arrives on")
    String in;

    @Option(names = "--local", description = "the router itself sends it (enters at OUTPUT)")
    boolean local;

    @Option(names = "--syn", description = "TCP SYN (the default for tcp when no flag is given)")
    boolean syn;

    @Option(names = "--ack", description = "TCP ACK")
    boolean ack;

    @Option(names = "--fin", description = "TCP FIN")
    boolean fin;

    @Option(names = "--rst", description = "TCP RST")
    boolean rst;

    @Option(names = "--psh", description = "TCP PSH")
    boolean psh;

    @Option(names = "--ttl", paramLabel = "N", description = "IP TTL (default 64)")
    int ttl = 64;

    @Option(names = "--len", paramLabel = "N", description = "payload bytes (default 0)")
    int payload;

    @Option(names = "--icmp-type", paramLabel = "T", description = "ICMP type: echo-request (default), echo-reply or a number")
    String icmpType = "echo-request";

    @Option(names = "--icmp-code", paramLabel = "C", description = "ICMP code (default 0)")
    int icmpCode;

    @Option(names = "--id", paramLabel = "N", description = "IP id, also the ICMP echo id (default 1)")
    int id = 1;

    @Option(names = "--seq", paramLabel = "N", description = "TCP sequence number (default 1000)")
    long seq = 1000;

    @Option(names = "--ack-seq", paramLabel = "N", description = "TCP acknowledgement number (default 0, or 1 with --ack)")
    long ackSeq = -1;

    @Parameters(paramLabel = "PACKET", description = "PROTO SRC[:PORT] > DST[:PORT], e.g. tcp 10.0.0.2:40000 '>' 203.0.113.10:80")
    List<String> words = List.of();

    /** Parses "--in eth0 tcp 10.0.0.2:40000 > 203.0.113.10:80 --syn" (the same words, one string). */
    static PacketSpec parse(String text) {
        PacketSpec p = new PacketSpec();
        new CommandLine(p).parseArgs(text.trim().split("\\s+"));
        return p;
    }

    /** The datagram; IllegalArgumentException with what was expected when the words are wrong. */
    byte[] build() {
        List<String> w = words.stream().filter(s -> !s.equals(">")).toList();
        if (w.size() != 3) {
            throw new IllegalArgumentException("expected PROTO SRC[:PORT] > DST[:PORT], got: " + String.join(" ", words));
        }
        int proto = switch (w.get(0)) {
            case "tcp" -> Ipv4.PROTO_TCP;
            case "udp" -> Ipv4.PROTO_UDP;
            case "icmp" -> Ipv4.PROTO_ICMP;
            default -> throw new IllegalArgumentException("PROTO must be tcp, udp or icmp, got: " + w.get(0));
        };
        int[] src = endpoint(w.get(1), proto);
        int[] dst = endpoint(w.get(2), proto);
        range("--ttl", ttl, 0, 255);
        range("--len", payload, 0, 65535 - 40); // room for the IP and TCP headers
        range("--icmp-code", icmpCode, 0, 255);
        range("--id", id, 0, 65535);
        range("--seq", seq, 0, 0xffffffffL);
        if (ackSeq != -1) {
            range("--ack-seq", ackSeq, 0, 0xffffffffL);
        }
        int l4 = switch (proto) {
            case Ipv4.PROTO_TCP -> 20;
            default -> 8;
        };
        int len = 20 + l4 + payload;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, id);
        Ipv4.put16(p, 6, Ipv4.IP_DF);
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, src[0]);
        Ipv4.put32(p, 16, dst[0]);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        switch (proto) {
            case Ipv4.PROTO_TCP -> {
                Ipv4.put16(p, 20, src[1]);
                Ipv4.put16(p, 22, dst[1]);
                Ipv4.put32(p, 24, (int) seq);
                int flags = (fin ? 1 : 0) | (syn ? 2 : 0) | (rst ? 4 : 0) | (psh ? 8 : 0) | (ack ? 16 : 0);
                if (flags == 0) {
                    flags = 2;
                }
                Ipv4.put32(p, 28, (int) (ackSeq >= 0 ? ackSeq : (flags & 16) != 0 ? 1 : 0));
                p[32] = 0x50;
                p[33] = (byte) flags;
                Ipv4.put16(p, 34, 64240);
                Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, len - 20));
            }
            case Ipv4.PROTO_UDP -> {
                Ipv4.put16(p, 20, src[1]);
                Ipv4.put16(p, 22, dst[1]);
                Ipv4.put16(p, 24, len - 20);
                Ipv4.put16(p, 26, Checksum.transport(p, 0, 20, len - 20));
            }
            default -> {
                p[20] = (byte) icmpTypeNumber();
                p[21] = (byte) icmpCode;
                Ipv4.put16(p, 24, id);
                Ipv4.put16(p, 26, 1);
                Ipv4.put16(p, 22, Checksum.compute(p, 20, len - 20));
            }
        }
        return p;
    }

    private int icmpTypeNumber() {
        return switch (icmpType) {
            case "echo-request" -> 8;
            case "echo-reply" -> 0;
            default -> {
                try {
                    int t = Integer.parseInt(icmpType);
                    range("--icmp-type", t, 0, 255);
                    yield t;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--icmp-type: expected echo-request, echo-reply or a number, got: " + icmpType);
                }
            }
        };
    }

    private static void range(String option, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(option + " must be " + min + "-" + max + ", got " + v);
        }
    }

    private static int[] endpoint(String s, int proto) {
        int colon = s.indexOf(':');
        String addr = colon < 0 ? s : s.substring(0, colon);
        int port = 0;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad port in " + s + " (expected 0-65535)");
            }
        } else if (proto != Ipv4.PROTO_ICMP) {
            throw new IllegalArgumentException(s + ": expected ADDRESS:PORT for tcp and udp");
        }
        try {
            return new int[] {Ipv4.parse(addr), port};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad IPv4 address: " + addr);
        }
    }
}
