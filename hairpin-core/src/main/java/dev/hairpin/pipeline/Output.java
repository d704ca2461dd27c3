package dev.hairpin.pipeline;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Skb;

/** Where packets end up: sent on a device, delivered to the host, or dropped (with why). */
public interface Output {
    /** The datagram {@code skb.buf[skb.l3 .. skb.l3 + skb.len)} leaves on {@code dev} towards {@code nexthop}. */
    void transmit(Skb skb, NetDevice dev, int nexthop);

    /** Delivered to the local stack (after INPUT). */
    default void deliver(Skb skb) {}

    /** Dropped; {@code reason} names the hook/table/rule or the kernel check. */
    default void drop(Skb skb, String reason) {}
}
