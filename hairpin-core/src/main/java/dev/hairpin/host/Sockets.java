package dev.hairpin.host;

import java.util.HashSet;
import java.util.Set;

/**
 * The host's connected sockets, as far as the wire shows them: a TCP or UDP 4-tuple the host's
 * own processes sent from. A datagram delivered locally that matches one belongs to that socket
 * (__inet_lookup_established / udp4_lib_lookup find it before any listener), so the stack sends
 * no RST or port unreachable for it. What the socket itself answers is not modelled: a replay
 * injects it from the recording (local.pcap). A TCP socket is gone once a RST went either way
 * (tcp_reset / tcp_done); otherwise it lives as long as the replay (TIME_WAIT sockets also
 * answer for their tuple).
 */
public final class Sockets {
    private record Key(int proto, int laddr, int lport, int raddr, int rport) {}

    private final Set<Key> connected = new HashSet<>();

    /** A packet the host sent from (saddr, sport) to (daddr, dport): that socket exists. */
    public void sent(int proto, int saddr, int sport, int daddr, int dport) {
        connected.add(new Key(proto, saddr, sport, daddr, dport));
    }

    /** The socket of that 4-tuple (local side first) is gone. */
    public void close(int proto, int laddr, int lport, int raddr, int rport) {
        connected.remove(new Key(proto, laddr, lport, raddr, rport));
    }

    /** Is a datagram from (saddr, sport) to (daddr, dport) for one of our connected sockets? */
    public boolean owns(int proto, int saddr, int sport, int daddr, int dport) {
        return !connected.isEmpty() && connected.contains(new Key(proto, daddr, dport, saddr, sport));
    }

    public boolean isEmpty() {
        return connected.isEmpty();
    }
}
