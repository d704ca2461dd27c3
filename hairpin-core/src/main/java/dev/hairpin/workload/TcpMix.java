package dev.hairpin.workload;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Tcp;

/**
 * Short TCP connections, 8 packets each: the handshake (SYN, SYN-ACK, ACK), one 64-byte request
 * and its ACK, and the teardown (FIN, FIN, ACK), alternating LAN → WAN and the server's answers.
 * Connection c is 10.0.0.2:(1024 + c % 64000) → 198.51.100.(1 + c / 64000 % 251):80, so a tuple
 * comes back only after 16 M connections (long after its TIME_WAIT entry expired when the clock
 * moves ≥ 10 µs per connection). With one LAN source, MASQUERADE keeps every port.
 */
public final class TcpMix {
    public static final int PACKETS_PER_CONNECTION = 8;
    static final int CLIENT = Ipv4.parse("10.0.0.2");
    static final int FIRST_SERVER = Ipv4.parse("198.51.100.1");
    static final int DATA = 64;
    static final int ISN_C = 0x10000000;
    static final int ISN_S = 0x20000000;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;

    private TcpMix() {}

    /** whether packet {@code k} (0..7) of a connection comes from the server (in on the WAN side) */
    public static boolean fromServer(int k) {
        return k == 1 || k == 4 || k == 6;
    }

    /** writes packet {@code k} of connection {@code c}; returns its length */
    public static int write(long c, int k, boolean snat, byte[] b, int off) {
        int sport = 1024 + (int) (c % 64000);
        int server = FIRST_SERVER + (int) (c / 64000 % 251);
        int client = CLIENT;
        int seen = snat ? Gateway.WAN_ADDR : client;
        return switch (k) {
            case 0 -> tcp(b, off, client, server, sport, 80, ISN_C, 0, SYN, 0);
            case 1 -> tcp(b, off, server, seen, 80, sport, ISN_S, ISN_C + 1, SYN | ACK, 0);
            case 2 -> tcp(b, off, client, server, sport, 80, ISN_C + 1, ISN_S + 1, ACK, 0);
            case 3 -> tcp(b, off, client, server, sport, 80, ISN_C + 1, ISN_S + 1, PSH | ACK, DATA);
            case 4 -> tcp(b, off, server, seen, 80, sport, ISN_S + 1, ISN_C + 1 + DATA, ACK, 0);
            case 5 -> tcp(b, off, client, server, sport, 80, ISN_C + 1 + DATA, ISN_S + 1, FIN | ACK, 0);
            case 6 -> tcp(b, off, server, seen, 80, sport, ISN_S + 1, ISN_C + 2 + DATA, FIN | ACK, 0);
            case 7 -> tcp(b, off, client, server, sport, 80, ISN_C + 2 + DATA, ISN_S + 2, ACK, 0);
            default -> throw new IllegalArgumentException("packet " + k);
        };
    }

    private static int tcp(byte[] b, int off, int saddr, int daddr, int sport, int dport, int seq, int ack, int flags,
            int data) {
        int len = 40 + data;
        b[off] = 0x45;
        b[off + 1] = 0;
        Ipv4.put16(b, off + 2, len);
        Ipv4.put32(b, off + 4, 0x4000); // DF
        b[off + 8] = 64;
        b[off + 9] = Ipv4.PROTO_TCP;
        Ipv4.put16(b, off + 10, 0);
        Ipv4.put32(b, off + 12, saddr);
        Ipv4.put32(b, off + 16, daddr);
        Ipv4.put16(b, off + 10, Checksum.compute(b, off, 20));
        int t = off + 20;
        Tcp.setSource(b, t, sport);
        Tcp.setDest(b, t, dport);
        Tcp.setSeq(b, t, seq);
        Tcp.setAckSeq(b, t, ack);
        Tcp.setDoffBytes(b, t, 20);
        Tcp.setFlags(b, t, flags);
        Tcp.setWindow(b, t, 64240);
        Tcp.setCheck(b, t, 0);
        Tcp.setUrgPtr(b, t, 0);
        java.util.Arrays.fill(b, t + 20, t + 20 + data, (byte) 'x');
        Checksum.setTransport(b, off);
        return len;
    }
}
