package dev.hairpin.sim;

import dev.hairpin.host.Host;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.util.Arrays;
import java.util.List;

/**
 * A box's own snapshot has no record of what its processes sent (the oracle's local.pcap) nor
 * of where they listened (local-ops.txt); the capture shows both. An outgoing frame from one of
 * the box's addresses that no input frame of the last second became (same protocol, IP id and
 * transport bytes past the ports, as NAT leaves them) is the box's own: it is replayed as a local
 * packet at its time. The stack's own answers (RST for a closed port, ICMP errors, echo replies)
 * are not: the engine makes them from their inputs. A port the box answered a SYN from, or sent
 * UDP from, is one of its sockets' (listening for the whole capture), so the engine does not
 * answer what comes to it with RST or port unreachable.
 */
final class BoxTraffic {
    private BoxTraffic() {}

    /** how far back an input may be that a forwarded frame came from */
    private static final double FORWARD_WINDOW = 1.0;

    /** Fills {@code s.local} and the host's listening ports; returns how many frames were the box's own. */
    static int infer(Scenario s) {
        Host host = s.snapshot.host;
        int own = 0;
        int firstInput = 0;
        for (Scenario.Frame o : s.output) {
            byte[] ip = o.ip();
            if (host.deviceOf(Ipv4.saddr(ip, 0)) == null) {
                continue;
            }
            while (firstInput < s.input.size() && s.input.get(firstInput).epoch() < o.epoch() - FORWARD_WINDOW) {
                firstInput++;
            }
            if (forwarded(s.input, firstInput, o) || stackAnswer(ip)) {
                continue;
            }
            byte[] p = ip.clone();
            if (Checksum.transportPartial(p, 0) && !Checksum.transportValid(p, 0)) {
                int at = Ipv4.ihlBytes(p, 0) + Checksum.checkOffset(Ipv4.protocol(p, 0));
                Ipv4.put16(p, at, Checksum.completePartial(p, 0));
            }
            int after = 0;
            while (after < s.input.size() && s.input.get(after).epoch() < o.epoch()) {
                after++;
            }
            s.local.add(new Scenario.Frame(after, o.epoch() - 1e-6, o.iface(), p, "box"));
            listen(host, p);
            own++;
        }
        return own;
    }

    /** a TCP port that answered a SYN, or a UDP port sent from: the box's socket is there */
    private static void listen(Host host, byte[] p) {
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        if (p.length < l4 + 14 && proto == Ipv4.PROTO_TCP || p.length < l4 + 8) {
            return;
        }
        int sport = Ipv4.u16(p, l4);
        if (proto == Ipv4.PROTO_TCP && (p[l4 + 13] & 0x12) == 0x12) {
            host.listening.add("tcp:" + sport);
        } else if (proto == Ipv4.PROTO_UDP) {
            host.listening.add("udp:" + sport);
        }
    }

    private static boolean forwarded(List<Scenario.Frame> in, int from, Scenario.Frame o) {
        byte[] out = o.ip();
        for (int i = from; i < in.size() && in.get(i).epoch() <= o.epoch(); i++) {
            byte[] ip = in.get(i).ip();
            if (Ipv4.protocol(ip, 0) == Ipv4.protocol(out, 0) && Ipv4.id(ip, 0) == Ipv4.id(out, 0)
                    && Ipv4.totLen(ip, 0) == Ipv4.totLen(out, 0) && Arrays.equals(kept(ip), kept(out))) {
                return true;
            }
        }
        return false;
    }

    /** the transport bytes NAT leaves as they were: past the ports (and UDP's checksum, TCP's too) */
    private static byte[] kept(byte[] ip) {
        int l4 = Ipv4.ihlBytes(ip, 0);
        int end = Math.min(ip.length, Ipv4.totLen(ip, 0));
        int proto = Ipv4.protocol(ip, 0);
        if (proto == Ipv4.PROTO_TCP && end >= l4 + 20) {
            byte[] k = Arrays.copyOfRange(ip, l4 + 4, end);
            k[12] = k[13] = 0; // the checksum (offset 16 of the header)
            return k;
        }
        if (proto == Ipv4.PROTO_UDP && end >= l4 + 8) {
            return Arrays.copyOfRange(ip, l4 + 8, end);
        }
        if (proto == Ipv4.PROTO_ICMP && end >= l4 + 8) {
            byte[] k = Arrays.copyOfRange(ip, l4, end);
            k[2] = k[3] = k[4] = k[5] = 0; // checksum and the query id NAT may change
            return k;
        }
        return Arrays.copyOfRange(ip, Math.min(l4, end), end);
    }

    /** what the stack answers by itself: ICMP errors and echo replies, a TCP RST */
    private static boolean stackAnswer(byte[] p) {
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        if (p.length < l4 + 8) {
            return false;
        }
        if (proto == Ipv4.PROTO_ICMP) {
            int type = p[l4] & 0xff;
            return type == 0 || type == 3 || type == 4 || type == 5 || type == 11 || type == 12 || type == 14;
        }
        return proto == Ipv4.PROTO_TCP && p.length >= l4 + 14 && (p[l4 + 13] & 0x04) != 0;
    }
}
