package dev.hairpin.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The header-only rewrite the benchmark driver uses gives the datagram a full write gives. */
class UdpFlowsTest {
    @Property(tries = 300)
    void headerRewriteOfAForwardedSlotEqualsAFullWrite(@ForAll @IntRange(min = 0, max = 11_999_999) int before,
            @ForAll @IntRange(min = 0, max = 11_999_999) int flow, @ForAll boolean reply) {
        byte[] slot = new byte[2048];
        if (reply) {
            UdpFlows.reply(before, true, slot, 0);
        } else {
            UdpFlows.original(before, slot, 0);
        }
        // the slot as forwarding leaves it: TTL, addresses, ports and checksums rewritten
        slot[8] = 63;
        Ipv4.put32(slot, 12, Gateway.WAN_ADDR);
        Ipv4.put16(slot, 20, 0xbeef);
        Ipv4.put16(slot, 10, 0x1234);
        Ipv4.put16(slot, 26, 0x5678);
        byte[] again = slot.clone();
        UdpFlows.header(slot, 0, UdpFlows.src(flow), UdpFlows.dst(flow), UdpFlows.sport(flow), 53);
        byte[] fresh = new byte[2048];
        UdpFlows.original(flow, fresh, 0);
        assertThat(slot).isEqualTo(fresh);
        // the prebuilt words of a flow, as a shard (flows k * stride + offset) has them, give it too
        int f = flow % 100_000;
        int stride = 1 + f % 3;
        int offset = f % stride;
        UdpFlows.original(f, fresh, 0);
        UdpFlows.putHeader(again, 0, UdpFlows.originalHeaders(f / stride + 1, stride, offset),
                f / stride * UdpFlows.HEADER_WORDS);
        assertThat(again).isEqualTo(fresh);
        assertThat(Checksum.compute(fresh, 0, 20)).isZero();
        assertThat(Checksum.verifyTransport(fresh, 0, 20, UdpFlows.LEN - 20)).isTrue();
    }
    /** createUdp's rewrite of a slot that held any of these datagrams, original or answer */
    @Property(tries = 300)
    void originalAndReplyHeadersOverAForwardedSlotEqualFullWrites(@ForAll @IntRange(min = 0, max = 11_999_999) int before,
            @ForAll @IntRange(min = 0, max = 11_999_999) int flow, @ForAll boolean wasReply, @ForAll boolean reply,
            @ForAll boolean snat) {
        byte[] slot = new byte[2048];
        if (wasReply) {
            UdpFlows.reply(before, true, slot, 0);
        } else {
            UdpFlows.original(before, slot, 0);
        }
        slot[8] = 63; // forwarded: TTL, address, port and checksums rewritten
        Ipv4.put32(slot, 12, Gateway.WAN_ADDR);
        Ipv4.put16(slot, 20, 0xbeef);
        Ipv4.put16(slot, 10, 0x1234);
        Ipv4.put16(slot, 26, 0x5678);
        byte[] fresh = new byte[2048];
        if (reply) {
            UdpFlows.replyHeader(flow, snat, slot, 0);
            UdpFlows.reply(flow, snat, fresh, 0);
        } else {
            UdpFlows.originalHeader(flow, slot, 0);
            UdpFlows.original(flow, fresh, 0);
        }
        assertThat(slot).isEqualTo(fresh);
    }
}
