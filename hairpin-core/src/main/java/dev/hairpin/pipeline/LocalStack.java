package dev.hairpin.pipeline;

import dev.hairpin.conntrack.proto.UdpLiteTracker;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * The little of the host's own TCP/IP stack that shows on the wire: a TCP RST for a port
 * nobody listens on (tcp_v4_send_reset), ICMP port unreachable for UDP (__udp4_lib_rcv),
 * protocol unreachable for others (ip_local_deliver_finish), echo and timestamp replies
 * (icmp_echo, icmp_timestamp).
 * No sockets are modelled beyond "is this port listening" ({@link dev.hairpin.host.Host#listening}).
 */
public final class LocalStack {
    private final Stack stack;

    LocalStack(Stack stack) {
        this.stack = stack;
    }

    void deliver(Skb skb) {
        byte[] b = skb.buf;
        int proto = skb.protocol();
        int avail = skb.l3 + skb.len - skb.l4;
        boolean unicast = skb.rtType == Route.RTN_LOCAL;
        switch (proto) {
            case Ipv4.PROTO_TCP -> {
                if (avail < 20 || !(skb.csumPartial || Checksum.verifyTransport(b, skb.l3, skb.l4, avail))) {
                    return;
                }
                if (skb.sk || ownedBySocket(skb, proto)) {
                    if ((b[skb.l4 + 13] & 0x04) != 0) {
                        closeSocket(skb, proto); // tcp_reset(): the connection is gone
                    }
                    return;
                }
                if (stack.host.isListening(Ipv4.PROTO_TCP, Ipv4.u16(b, skb.l4 + 2))) {
                    return;
                }
                if (unicast) {
                    sendReset(skb, false);
                }
            }
            case Ipv4.PROTO_UDP -> {
                if (avail < 8) {
                    return;
                }
                if (Ipv4.u16(b, skb.l4 + 6) != 0 && !(skb.csumPartial || Checksum.verifyTransport(b, skb.l3, skb.l4, avail))) {
                    return;
                }
                if (skb.sk || ownedBySocket(skb, proto) || stack.host.isListening(Ipv4.PROTO_UDP, Ipv4.u16(b, skb.l4 + 2))) {
                    return;
                }
                if (unicast) {
                    stack.icmpSend(skb, 3, 3, 0);
                }
            }
            case Ipv4.PROTO_ICMP -> {
                if (avail < 8 || !Checksum.verifyIcmp(b, skb.l4, avail)) {
                    return;
                }
                int type = b[skb.l4] & 0xff;
                if (!unicast && (type == ECHO || type == TIMESTAMP
                        ? stack.host.sysctls.icmpEchoIgnoreBroadcasts()
                        : type != ADDRESS && type != ADDRESSREPLY)) {
                    return; // icmp_rcv(): RFC 1122 3.2.2.6 and 3.2.2.8 for broadcast and multicast
                }
                if (type == ECHO && !stack.host.sysctls.icmpEchoIgnoreAll()) {
                    echoReply(skb, avail);
                } else if (type == TIMESTAMP && avail >= 8 + 4) {
                    timestampReply(skb);
                }
            }
            case UdpLiteTracker.PROTO -> {
                // __udp4_lib_rcv() for UDP-Lite: the coverage and a non-zero checksum over it
                // with 136 in the pseudo-header (not conntrack's 17), else dropped silently
                int cscov = avail < 8 ? -1 : UdpLiteTracker.coverage(b, skb.l4, avail);
                if (cscov < 0 || Ipv4.u16(b, skb.l4 + 6) == 0
                        || !UdpLiteTracker.checksumOk(b, skb.l3, skb.l4, avail, cscov, UdpLiteTracker.PROTO)) {
                    return;
                }
                if (skb.sk || ownedBySocket(skb, proto) || stack.host.isListening(proto, Ipv4.u16(b, skb.l4 + 2))) {
                    return;
                }
                if (unicast) {
                    stack.icmpSend(skb, 3, 3, 0);
                }
            }
            default -> stack.icmpSend(skb, 3, 2, 0);
        }
    }

    /** the established-socket lookup that precedes the listener lookup */
    private boolean ownedBySocket(Skb skb, int proto) {
        byte[] b = skb.buf;
        return stack.host.sockets.owns(proto, skb.saddr(), Ipv4.u16(b, skb.l4), skb.daddr(), Ipv4.u16(b, skb.l4 + 2));
    }

    private void closeSocket(Skb skb, int proto) {
        byte[] b = skb.buf;
        stack.host.sockets.close(proto, skb.daddr(), Ipv4.u16(b, skb.l4 + 2), skb.saddr(), Ipv4.u16(b, skb.l4));
    }

    private static final int ECHO = 8;
    private static final int TIMESTAMP = 13;
    private static final int ADDRESS = 17;
    private static final int ADDRESSREPLY = 18;

    /** icmp_reply() to an echo request: same id, seq and data */
    private void echoReply(Skb skb, int icmpLen) {
        reply(skb, icmpLen, 0);
    }

    /**
     * icmp_timestamp(): a timestamp reply, its originate timestamp the request's first four data
     * bytes, receive and transmit both the wall clock in milliseconds since midnight UT
     * (inet_current_timestamp), 20 bytes whatever the request's length.
     */
    private void timestampReply(Skb skb) {
        int now = inetCurrentTimestamp(stack.wallNanos());
        reply(skb, 20, stack.icmpClock != null ? stack.icmpClock.timestamp(skb, now) : now);
    }

    /** milliseconds since midnight UT, as inet_current_timestamp() reads the real-time clock */
    static int inetCurrentTimestamp(long wallNanos) {
        long secs = Math.floorDiv(wallNanos, 1_000_000_000L);
        long nanos = Math.floorMod(wallNanos, 1_000_000_000L);
        return (int) (Math.floorMod(secs, 86400L) * 1000 + nanos / 1_000_000);
    }

    /**
     * icmp_reply() to a query: the request's ICMP header and its first {@code icmpLen - 8} data
     * bytes with the reply's type (a timestamp reply's receive and transmit times set to
     * {@code now}), from fib_compute_spec_dst()'s address, IP options echoed.
     */
    private void reply(Skb skb, int icmpLen, int now) {
        byte[] b = skb.buf;
        byte[] opts = new byte[40];
        int dopt = stack.echoOptions(skb, opts); // ip_options_echo(): none sent when they cannot be
        if (dopt < 0) {
            return;
        }
        int hl = 20 + IpOptions.echoLength(dopt);
        int len = hl + icmpLen;
        byte[] p = new byte[len];
        int from = stack.specDst(skb);
        Stack.ipHeader(p, Ipv4.tos(b, skb.l3), len, 0, stack.host.sysctls.defaultTtl(), Ipv4.PROTO_ICMP, from, skb.saddr());
        if (hl > 20) {
            p[0] = (byte) (0x40 | hl >>> 2);
            IpOptions.build(p, 0, opts, dopt, from, stack.wallNanos());
        }
        System.arraycopy(b, skb.l4, p, hl, icmpLen);
        boolean timestamp = (b[skb.l4] & 0xff) == TIMESTAMP;
        p[hl] = (byte) (timestamp ? TIMESTAMP + 1 : 0); // an echo reply keeps the request's code
        if (timestamp) {
            p[hl + 1] = 0;
            Ipv4.put32(p, hl + 12, now);
            Ipv4.put32(p, hl + 16, now);
        }
        Ipv4.put16(p, hl + 2, 0);
        Ipv4.put16(p, hl + 2, Checksum.compute(p, hl, icmpLen));
        sendGenerated(p, len, skb, false, Skb.OWNER_KERNEL); // icmp_reply(): the ICMP control socket
    }

    /**
     * A TCP RST answering {@code skb} (tcp_v4_send_reset, or REJECT --reject-with tcp-reset via
     * nf_send_reset): from the address and port it was sent to, DF, IP id 0; seq = its ack if it
     * had one, else ack = its seq + SYN + FIN + payload.
     */
    void sendReset(Skb skb, boolean fromReject) {
        byte[] b = skb.buf;
        int avail = skb.l3 + skb.len - skb.l4;
        if (avail < 20) {
            return;
        }
        int flags = b[skb.l4 + 13] & 0xff;
        if ((flags & 0x04) != 0) {
            return; // never a reset for a reset
        }
        if (fromReject) {
            if ((Ipv4.fragOff(b, skb.l3) & Ipv4.IP_OFFSET) != 0 || !(skb.csumPartial || Checksum.verifyTransport(b, skb.l3, skb.l4, avail))) {
                return;
            }
        }
        int doff = ((b[skb.l4 + 12] & 0xff) >>> 4) << 2;
        byte[] p = new byte[40];
        int tos = fromReject ? 0 : Ipv4.tos(b, skb.l3);
        Stack.ipHeader(p, tos, 40, Ipv4.IP_DF, stack.host.sysctls.defaultTtl(), Ipv4.PROTO_TCP, skb.daddr(), skb.saddr());
        Ipv4.put16(p, 20, Ipv4.u16(b, skb.l4 + 2));
        Ipv4.put16(p, 22, Ipv4.u16(b, skb.l4));
        int rflags = 0x04;
        if ((flags & 0x10) != 0) {
            Ipv4.put32(p, 24, Ipv4.i32(b, skb.l4 + 8));
        } else {
            int seq = Ipv4.i32(b, skb.l4 + 4);
            int ack = seq + ((flags & 0x02) != 0 ? 1 : 0) + ((flags & 0x01) != 0 ? 1 : 0) + (avail - doff);
            Ipv4.put32(p, 28, ack);
            rflags |= 0x10;
        }
        p[32] = 0x50;
        p[33] = (byte) rflags;
        Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, 20));
        Skb n = new Skb(p, 0, 40);
        if (fromReject) {
            stack.attachRelated(n, skb); // nf_send_reset: a new skb with no socket
        } else {
            n.owner = Skb.OWNER_KERNEL; // tcp_v4_send_reset: the TCP control socket
        }
        route(n, skb);
    }

    private void sendGenerated(byte[] p, int len, Skb orig, boolean attach, byte owner) {
        Skb n = new Skb(p, 0, len);
        n.owner = owner;
        Ipv4.put16(p, Ipv4.ID, stack.ipIds.ipId(n) & 0xffff);
        Ipv4.put16(p, Ipv4.CHECK, 0);
        Ipv4.put16(p, Ipv4.CHECK, Checksum.compute(p, 0, Ipv4.ihlBytes(p, 0)));
        if (attach) {
            stack.attachRelated(n, orig);
        }
        route(n, orig);
    }

    /**
     * ip_send_unicast_reply() / icmp_reply() / nf_send_reset's ip_route_me_harder(): an output
     * route through the policy rules from the reply's own source, with IP4_REPLY_MARK (the
     * answered packet's mark under fwmark_reflect, which the reply then carries); a failed
     * lookup sends nothing.
     */
    private void route(Skb n, Skb orig) {
        n.mark = stack.replyMark(orig);
        Route r = stack.host.fib.lookup(n.daddr(), n.saddr(), n.mark, null);
        if (RouteInput.routeError(r) != 0) {
            return;
        }
        stack.localOut(n, r);
    }
}
