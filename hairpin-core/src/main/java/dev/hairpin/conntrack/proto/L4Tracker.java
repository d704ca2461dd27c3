package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.packet.Skb;

/**
 * One protocol tracker ({@code struct nf_conntrack_l4proto}): validates a packet and moves the
 * entry's protocol state. Like the kernel's {@code nf_conntrack_*_packet} functions, it runs for
 * every tracked packet, first packet included (the entry is then still unconfirmed).
 */
public interface L4Tracker {
    int protocol();

    /**
     * Handles one packet for entry {@code ct}: validity checks (the kernel's *_error), new-entry
     * checks when unconfirmed, state moves, timeout refresh and accounting through
     * {@link Conntrack#refreshAcct}. Returns NF_ACCEPT (1); a value &lt;= 0 marks the packet
     * INVALID: -NF_ACCEPT (-1) to let it pass untracked, NF_DROP (0) to drop it, -NF_REPEAT (-4)
     * to delete the entry and look the packet up again (TCP reopen).
     */
    int packet(Conntrack c, int ct, Skb skb, int ctinfo, int hook);

    /** Name conntrack-tools prints ({@code tcp}, {@code udp}, {@code icmp}, {@code unknown}). */
    String name();
}
